/** Fusebill over HTTP: API-key auth, rate-limit headers and the mapping of Fusebill error bodies. */
import type { z } from 'zod';
import { GatewayErrorCode, UpstreamError, userError } from '../../errors.js';
import { retryAfterHeader } from '../../transport/http.js';
import type { HttpRequest, QuotaReport } from '../../transport/types.js';
import { parseWire } from '../../transport/wire.js';
import type { ProviderDeps } from '../contract.js';
import type { FusebillSettings } from './config.js';
import { fusebillError } from './wire.js';

// Fusebill's documented error for an activity the customer's service status does not allow.
const SERVICE_STATUS_CONFLICT = /could not be processed since the service status is/i;

type Headers = Record<string, string | string[] | undefined>;

/**
 * Epoch ms of an X-Rate-Limit-Reset-* value. Fusebill documents "a timestamp" without its form, so
 * epoch seconds, epoch ms and HTTP dates are read; a number too small to be a timestamp of this
 * century (below 10^9) is taken as seconds from now, as some APIs send it.
 */
function resetAt(value: unknown, now: number): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const numeric = Number(value);
  if (Number.isFinite(numeric)) {
    if (numeric < 0) return undefined;
    if (numeric < 1e9) return now + numeric * 1000;
    return numeric < 1e12 ? numeric * 1000 : numeric;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date;
}

/** Seconds until Fusebill lifts a 429: Retry-After, else the X-Rate-Limit-Reset-* timestamp that ran out. */
function fusebillRetryAfter(headers: Headers): number | undefined {
  const explicit = retryAfterHeader(headers);
  if (explicit !== undefined) return explicit;
  const window = headers['x-rate-limit-remaining-minute'] === '0' ? 'minute' : 'day';
  const now = Date.now();
  const at = resetAt(headers[`x-rate-limit-reset-${window}`], now);
  return at === undefined ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Fusebill's per-minute window as every response reports it (FACTS.md 4.6), so requests made with
 * the same key by another system count against the gateway's budget too. Without a reset time the
 * report is taken to hold for a whole minute.
 */
export function fusebillQuotaReport(headers: Headers): QuotaReport | undefined {
  const remainingHeader = headers['x-rate-limit-remaining-minute'];
  if (typeof remainingHeader !== 'string' || !/^\d+$/.test(remainingHeader.trim())) {
    return undefined;
  }
  const now = Date.now();
  const at = resetAt(headers['x-rate-limit-reset-minute'], now);
  const limitHeader = headers['x-rate-limit-limit-minute'];
  const limit =
    typeof limitHeader === 'string' && /^\d+$/.test(limitHeader.trim())
      ? Number(limitHeader)
      : undefined;
  return {
    remaining: Number(remainingHeader),
    resetInMs: at === undefined ? 60_000 : Math.min(60_000, at - now),
    ...(limit !== undefined && { limit }),
  };
}

export interface FusebillClient {
  /**
   * Sends a request and parses a 2xx body with `schema`. A 4xx in Fusebill's error envelope becomes a
   * user error; any other answer is PROVIDER_UNAVAILABLE.
   */
  call<S extends z.ZodType>(request: HttpRequest, schema: S): Promise<z.infer<S>>;
}

export function createFusebillClient(
  settings: FusebillSettings,
  deps: ProviderDeps,
): FusebillClient {
  const http = deps.http({
    baseUrl: settings.baseUrl,
    // The key is already base64 of "0:<secret>" as Fusebill issues it: sent verbatim, never re-encoded.
    headers: { authorization: `Basic ${settings.apiKey}` },
    retryAfter: fusebillRetryAfter,
    quotaReport: fusebillQuotaReport,
  });

  return {
    async call(request, schema) {
      const response = await http.send(request);
      const log = request.scope?.log ?? deps.log;
      const wire = { provider: 'fusebill' as const, kind: request.kind, log };
      if (response.statusCode >= 200 && response.statusCode < 300) {
        return parseWire(schema, response, { ...wire, what: request.operation });
      }
      const { statusCode } = response;
      const envelope = fusebillError.safeParse(response.body);
      if (statusCode < 400 || !envelope.success) {
        // Not Fusebill's error envelope: an HTML page from a proxy, a wrong origin, a redirect. Its
        // status says nothing about the customer, so a 404 here must not read as "no such customer".
        log.error('provider answered neither a success nor its error envelope', {
          provider: 'fusebill',
          operation: request.operation,
          status: statusCode,
        });
        throw new UpstreamError(
          GatewayErrorCode.PROVIDER_UNAVAILABLE,
          'fusebill',
          `fusebill answered ${request.operation} with HTTP ${statusCode} and no Fusebill error body`,
        );
      }
      const first = envelope.data.Errors.find((e) => e.Key || e.Value);
      const message = first?.Value || `Fusebill rejected the request (HTTP ${statusCode})`;
      const extra = {
        provider: 'fusebill' as const,
        providerCode: first?.Key || String(statusCode),
      };
      if (statusCode === 409 || SERVICE_STATUS_CONFLICT.test(message)) {
        throw userError('INVALID_STATE', message, extra);
      }
      if (statusCode === 404) throw userError('NOT_FOUND', message, extra);
      if (statusCode === 400) throw userError('INVALID_INPUT', message, extra);
      throw userError('PROVIDER_REJECTED', message, extra);
    },
  };
}
