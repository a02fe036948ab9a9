/** The OAuth token request every token-based provider makes, with the answers all token endpoints share. */
import type { z } from 'zod';
import { GatewayErrorCode, UpstreamError } from '../errors.js';
import type { Logger } from '../log.js';
import type { HttpClient, HttpRequest } from './types.js';
import { parseWire } from './wire.js';

/**
 * One OAuth token request with the answers every token endpoint shares: 400 means our credentials
 * (or grant) were refused, any other non-2xx is an outage, and a 2xx must match `schema`. 401/403
 * never arrive here: the transport reports them as PROVIDER_AUTH_FAILED itself.
 */
export async function requestToken<S extends z.ZodType>(
  http: HttpClient,
  request: Omit<HttpRequest, 'kind' | 'anonymous' | 'method' | 'operation'>,
  schema: S,
  log: Logger,
  /** Extra, non-secret fields for the rejection log line (e.g. the OAuth error code). */
  describeRejection: (body: unknown) => Record<string, unknown> = () => ({}),
): Promise<z.infer<S>> {
  const { provider } = http;
  // A token request changes nothing: if it hangs, the write it precedes never left.
  const response = await http.send({
    ...request,
    method: 'POST',
    kind: 'read',
    anonymous: true,
    operation: 'token',
  });
  const { statusCode } = response;
  if (statusCode === 400) {
    log.error('provider rejected our credentials', {
      provider,
      operation: 'token',
      status: statusCode,
      ...describeRejection(response.body),
    });
    throw new UpstreamError(
      GatewayErrorCode.PROVIDER_AUTH_FAILED,
      provider,
      `${provider} rejected the gateway's credentials`,
    );
  }
  if (statusCode < 200 || statusCode >= 300) {
    log.error('token endpoint answered an unexpected status', { provider, status: statusCode });
    throw new UpstreamError(
      GatewayErrorCode.PROVIDER_UNAVAILABLE,
      provider,
      `${provider} token endpoint answered HTTP ${statusCode}`,
    );
  }
  return parseWire(schema, response, { provider, kind: 'read', what: 'token', log });
}
