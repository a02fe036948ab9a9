/** Validation of provider payloads at the edge: nothing reads a provider body before zod has. */
import type { z } from 'zod';
import { GatewayErrorCode, UpstreamError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ProviderId } from '../providers/ids.js';
import type { CallKind, HttpResponse } from './types.js';

export interface WireContext {
  provider: ProviderId;
  kind: CallKind;
  /** What was expected, for the log line, e.g. "customer" or "activation response". */
  what: string;
  log: Logger;
}

/**
 * Parses a provider body with `schema`. An unexpected shape is PROVIDER_UNAVAILABLE, except a 2xx
 * answer to a write: the provider accepted something, so the outcome is unknown.
 */
export function parseWire<S extends z.ZodType>(
  schema: S,
  response: Pick<HttpResponse, 'statusCode' | 'body'>,
  context: WireContext,
): z.infer<S> {
  const parsed = schema.safeParse(response.body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  context.log.error('provider response has an unexpected shape', {
    provider: context.provider,
    what: context.what,
    status: response.statusCode,
    issues,
  });
  const accepted = response.statusCode >= 200 && response.statusCode < 300;
  if (context.kind === 'write' && accepted) {
    return unexpected(
      GatewayErrorCode.OUTCOME_UNKNOWN,
      context.provider,
      `${context.provider} accepted the ${context.what} request but its answer could not be read: check before retrying`,
    );
  }
  return unexpected(
    GatewayErrorCode.PROVIDER_UNAVAILABLE,
    context.provider,
    `${context.provider} sent an unexpected ${context.what} (HTTP ${response.statusCode})`,
  );
}

function unexpected(code: GatewayErrorCode, provider: ProviderId, message: string): never {
  throw new UpstreamError(code, provider, message);
}
