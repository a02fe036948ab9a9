/**
 * The one place errors become GraphQL errors. Provider failures carry `extensions.code` and
 * `extensions.provider`; user errors raised by queries carry their UserErrorCode; anything else is
 * logged and masked, so no stack trace, upstream body or secret reaches a client.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../log.js';
import { toGraphqlProvider } from '../providers/ids.js';
import { UpstreamError, UserFacingError } from './errors.js';

export function createFormatError(log: Logger, exposeStack: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = {
      message: formatted.message,
      locations: formatted.locations,
      path: formatted.path,
    };
    if (original instanceof UpstreamError) {
      const { retryAfter } = original.options;
      return {
        ...base,
        message: original.message,
        extensions: {
          code: original.code,
          provider: toGraphqlProvider(original.provider),
          ...(retryAfter !== undefined ? { retryAfter } : {}),
        },
      };
    }
    if (original instanceof UserFacingError) {
      const first = original.errors[0];
      return {
        ...base,
        message: original.message,
        extensions: {
          code: first?.code ?? 'INVALID_INPUT',
          ...(first?.provider ? { provider: toGraphqlProvider(first.provider) } : {}),
          ...(first?.field ? { field: first.field } : {}),
        },
      };
    }
    const code = formatted.extensions?.code;
    // Errors Apollo raised itself (parse, validation, bad request) are safe and useful as they are.
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      return exposeStack ? formatted : { ...base, extensions: { code } };
    }
    log.error('unexpected error in resolver', { error: original, path: formatted.path });
    return { ...base, message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
