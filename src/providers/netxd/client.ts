/** NetXD over JSON-RPC: per-request ECDSA signatures and the mapping of JSON-RPC errors. */
import { sign, type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import { GatewayErrorCode, UpstreamError, userError, type UserFacingError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { CallKind, HttpClient } from '../../transport/types.js';
import { createJsonRpcCaller, type JsonRpcError } from '../../transport/jsonrpc.js';
import { parseWire } from '../../transport/wire.js';
import type { CallContext, ProviderDeps } from '../contract.js';
import { parseNetxdPrivateKey, type NetxdSettings } from './config.js';
import { netxdErrorMapping, type NetxdMethod } from './wire.js';

/** base64 of the DER ECDSA P-256 SHA-256 signature over the UTF-8 bytes of `payloadText`. */
export function signPayload(payloadText: string, key: KeyObject): string {
  return sign('sha256', Buffer.from(payloadText, 'utf8'), { key, dsaEncoding: 'der' }).toString(
    'base64',
  );
}

export interface NetxdClient {
  /**
   * Calls a NetXD method and parses its `result` with `schema`. A JSON-RPC error becomes a
   * UserFacingError or an UpstreamError as NETXD_ERRORS says.
   */
  call<S extends z.ZodType>(
    method: NetxdMethod,
    payload: Record<string, unknown>,
    kind: CallKind,
    schema: S,
    ctx: CallContext,
  ): Promise<z.infer<S>>;
}

/** Turns a JSON-RPC error member into the error the gateway reports. */
export function netxdFailure(
  method: NetxdMethod,
  error: JsonRpcError,
  log: Logger,
): UserFacingError | UpstreamError {
  const mapping = netxdErrorMapping(error.code);
  const providerCode = String(error.code);
  if (mapping && 'upstream' in mapping) {
    const fields = {
      provider: 'netxd',
      operation: method,
      providerCode,
      providerMessage: error.message.slice(0, 200),
    };
    if (mapping.upstream === GatewayErrorCode.PROVIDER_AUTH_FAILED) {
      log.error('provider rejected our credentials', fields);
      return new UpstreamError(
        mapping.upstream,
        'netxd',
        "netxd rejected the gateway's credentials",
      );
    }
    log.warn('provider reported a failure', fields);
    return new UpstreamError(
      mapping.upstream,
      'netxd',
      `netxd failed ${method} (JSON-RPC error ${providerCode})`,
    );
  }
  const message = error.message.trim() || `NetXD rejected ${method} (code ${providerCode})`;
  return userError(mapping?.user ?? 'PROVIDER_REJECTED', message, {
    provider: 'netxd',
    providerCode,
  });
}

export function createNetxdClient(settings: NetxdSettings, deps: ProviderDeps): NetxdClient {
  const { log } = deps;
  // Parsed once: signing is per call, key parsing is not.
  const key = parseNetxdPrivateKey(settings.privateKeyPem);
  const http = deps.http({ baseUrl: settings.baseUrl });
  // NetXD answers every call on one endpoint and reports outcomes in the JSON-RPC error member. An
  // HTTP 404 is about the endpoint (a wrong origin or path, a proxy's page), never about a customer,
  // so whatever its body says it must not become "not found", which a read would show as null.
  const endpoint: HttpClient = {
    ...http,
    async send(request) {
      const response = await http.send(request);
      if (response.statusCode === 404) {
        (request.scope?.log ?? log).error('provider endpoint answered HTTP 404', {
          provider: 'netxd',
          operation: request.operation,
          status: 404,
        });
        // A result member says NetXD did process the call: on a write the outcome is unknown.
        const processed =
          typeof response.body === 'object' && response.body !== null && 'result' in response.body;
        if (request.kind === 'write' && processed) {
          throw new UpstreamError(
            GatewayErrorCode.OUTCOME_UNKNOWN,
            'netxd',
            `netxd answered ${request.operation} with HTTP 404 and a result: check before retrying`,
          );
        }
        throw new UpstreamError(
          GatewayErrorCode.PROVIDER_UNAVAILABLE,
          'netxd',
          `netxd answered ${request.operation} with HTTP 404`,
        );
      }
      return response;
    },
  };
  const rpc = createJsonRpcCaller({
    http: endpoint,
    log,
    path: '/jsonrpc',
    api: (payloadText) => ({
      signature: signPayload(payloadText, key),
      keyId: settings.keyId,
      credential: settings.credential,
    }),
  });

  return {
    async call(method, payload, kind, schema, ctx) {
      const outcome = await rpc.call(method, payload, kind, ctx);
      if (!outcome.ok) throw netxdFailure(method, outcome.error, ctx.log);
      // A `result` member means NetXD processed the call, whatever the HTTP status (404 aside).
      return parseWire(
        schema,
        { statusCode: 200, body: outcome.result },
        { provider: 'netxd', kind, what: `${method} result`, log: ctx.log },
      );
    },
  };
}
