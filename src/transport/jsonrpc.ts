/**
 * JSON-RPC over HTTP in the NetXD dialect: `{method, id, params: {api, payload}}` with no
 * "jsonrpc" member. The payload is serialized once and spliced into the body verbatim, so whatever
 * signs it (see `api`) signs exactly the bytes that are sent.
 *
 * A retried read is sent under a new `id` each time: NetXD describes `id` as the unique id of an API
 * request (its sandbox refuses one it has seen). The signature covers the payload alone, which
 * carries no nonce or timestamp, so it is made once per call and stays valid for every attempt.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { GatewayErrorCode, UpstreamError } from '../errors.js';
import type { Logger } from '../log.js';
import type { CallContext, CallKind, HttpClient } from './types.js';
import { parseWire } from './wire.js';

export interface JsonRpcError {
  code: number | string;
  message: string;
  data?: unknown;
}

export type JsonRpcOutcome = { ok: true; result: unknown } | { ok: false; error: JsonRpcError };

export interface JsonRpcCallerOptions {
  http: HttpClient;
  log: Logger;
  /** Path of the endpoint under the origin. */
  path: string;
  /** Builds `params.api` from the exact payload text that is sent (signing happens here). */
  api(payloadText: string): Record<string, string>;
}

const envelope = z.union([
  z.object({
    id: z.union([z.string(), z.number()]).nullish(),
    error: z.object({
      code: z.union([z.number(), z.string()]),
      // Some servers send a code alone; the code is what the adapter maps.
      message: z.string().catch(''),
      data: z.unknown().optional(),
    }),
  }),
  z
    .object({ id: z.union([z.string(), z.number()]).nullish(), result: z.unknown() })
    .refine((v) => v.result !== undefined),
]);

export interface JsonRpcCaller {
  /** Calls `method`; a JSON-RPC `error` member comes back as `{ ok: false }` for the adapter to map. */
  call(
    method: string,
    payload: unknown,
    kind: CallKind,
    scope?: CallContext,
  ): Promise<JsonRpcOutcome>;
}

export function createJsonRpcCaller(options: JsonRpcCallerOptions): JsonRpcCaller {
  const { http } = options;
  return {
    async call(method, payload, kind, scope) {
      const log = scope?.log ?? options.log;
      const payloadText = JSON.stringify(payload);
      const api = JSON.stringify(options.api(payloadText));
      const rest = `,"params":{"api":${api},"payload":${payloadText}}}`;
      const head = `{"method":${JSON.stringify(method)},"id":`;
      // The id of the attempt last sent: only that attempt's answer comes back.
      let id = '';
      const response = await http.send({
        method: 'POST',
        path: options.path,
        kind,
        body: () => {
          id = randomUUID();
          return `${head}"${id}"${rest}`;
        },
        headers: { 'content-type': 'application/json' },
        operation: method,
        ...(scope && { scope }),
      });
      const message = parseWire(envelope, response, {
        provider: http.provider,
        kind,
        what: `${method} response`,
        log,
      });
      if (message.id != null && String(message.id) !== id) {
        log.error('JSON-RPC answer carries another request id', {
          provider: http.provider,
          method,
        });
        const unknown = kind === 'write' && response.statusCode >= 200 && response.statusCode < 300;
        throw new UpstreamError(
          unknown ? GatewayErrorCode.OUTCOME_UNKNOWN : GatewayErrorCode.PROVIDER_UNAVAILABLE,
          http.provider,
          unknown
            ? `${http.provider} answered ${method} for another request: check before retrying`
            : `${http.provider} answered a different request id`,
        );
      }
      return 'error' in message
        ? { ok: false, error: message.error }
        : { ok: true, result: message.result };
    },
  };
}
