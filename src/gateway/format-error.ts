/**
 * The one place errors become GraphQL errors. Provider failures carry `extensions.code` and
 * `extensions.provider`; user errors raised by queries carry their UserErrorCode; anything else is
 * logged and masked, so no stack trace, upstream body or secret reaches a client.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../log.js';
import { toGraphqlProvider } from '../providers/ids.js';
import {
  causeOf,
  ForbiddenError,
  OperationTooComplexError,
  UpstreamError,
  UserFacingError,
} from '../errors.js';

export function createFormatError(log: Logger, exposeStack: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = {
      message: formatted.message,
      locations: formatted.locations,
      path: formatted.path,
    };
    if (original instanceof UpstreamError) {
      const { retryAfter, circuit } = original.options;
      return {
        ...base,
        message: original.message,
        extensions: {
          code: original.code,
          provider: toGraphqlProvider(original.provider),
          ...(retryAfter !== undefined ? { retryAfter } : {}),
          ...(circuit ? { circuit } : {}),
        },
      };
    }
    if (original instanceof ForbiddenError) {
      const { requiredScopes, provider } = original.details;
      return {
        ...base,
        message: original.message,
        extensions: {
          code: 'FORBIDDEN',
          ...(requiredScopes ? { requiredScopes } : {}),
          ...(provider ? { provider: toGraphqlProvider(provider) } : {}),
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
    const tooComplex = causeOf(error, OperationTooComplexError);
    if (tooComplex) {
      return {
        message: tooComplex.message,
        extensions: { code: 'OPERATION_TOO_COMPLEX', limit: tooComplex.limit },
      };
    }
    const tokens = TOO_MANY_TOKENS.exec(formatted.message)?.[1];
    if (tokens) {
      return {
        message: `The operation has more than ${tokens} tokens; the limit is ${tokens} (MAX_TOKENS)`,
        extensions: { code: 'OPERATION_TOO_COMPLEX', limit: 'tokens' },
      };
    }
    const code = formatted.extensions?.code;
    // Errors Apollo raised itself (parse, validation, bad request) are useful as they are, once
    // the input values graphql-js prints in them are cut.
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      const message = withoutInputValues(formatted.message);
      return exposeStack && message === formatted.message
        ? formatted
        : { ...base, message, extensions: { code } };
    }
    // Apollo Server's own refusals of a persisted-query extension, raised without a code: the
    // client's to fix, not an internal error.
    const persisted = PERSISTED_QUERY_REFUSALS[formatted.message];
    if (persisted) return { message: persisted, extensions: { code: 'BAD_REQUEST' } };
    // graphql-js's own refusal of an argument, raised while executing rather than validating: an
    // explicit null in a variable whose default let it pass validation. The caller's to fix. (A
    // GraphQLError that wraps nothing came from graphql-js, not from a resolver; compared by name,
    // as graphql's ESM and CommonJS builds each have their own class.)
    if (isBareGraphqlError(original) && ARGUMENT_NULL.test(formatted.message)) {
      return { ...base, extensions: { code: 'BAD_USER_INPUT' } };
    }
    log.error('unexpected error in resolver', { error: original, path: formatted.path });
    return { ...base, message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

function isBareGraphqlError(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'GraphQLError' &&
    (error as { originalError?: unknown }).originalError == null
  );
}

const PERSISTED_QUERY_REFUSALS: Record<string, string> = {
  'provided sha does not match query':
    'The persisted query hash (extensions.persistedQuery.sha256Hash) is not the sha256 of the query sent with it',
  'Unsupported persisted query version': 'Only version 1 of persisted queries is supported',
};

/** graphql-js's own words when a document has more tokens than maxTokens (16.x spells it "that"). */
const TOO_MANY_TOKENS =
  /^Syntax Error: Document contains more tha[nt] (\d+) tokens\. Parsing aborted\.$/;

const ARGUMENT_NULL = /^Argument "\w+" of non-null type "[\w![\]]+" must not be null\.$/;

// Reasons graphql-js gives for a bad input value, none of which contains the value itself.
const REASON =
  /(?:String|Int|Float|Boolean|ID) cannot represent [a-z -]*value|Enum "\w+" cannot represent non-enum value|Expected type "[\w![\]]+"(?: to be an object)?|Field "\w+" of required type "[\w![\]]+" was not provided|Field "\w+" is not defined by type "\w+"|Expected value of type "[\w![\]]+"/;

/**
 * graphql-js prints the offending input value in coercion and validation messages ("String cannot
 * represent a non string value: 123456"). Input values can be secrets (activation codes), so such a
 * message is rebuilt from parts that cannot hold the value: the variable, the path, the reason.
 */
export function withoutInputValues(message: string): string {
  if (!/invalid value|cannot represent|Expected value of type/.test(message)) return message;
  const reason = REASON.exec(message)?.[0] ?? 'the value does not have the expected type';
  const variable = /^Variable "\$(\w+)" got invalid value /.exec(message)?.[1];
  if (!variable) return `${reason}.`;
  const path = new RegExp(` at "(${variable}(?:\\.\\w+|\\[\\d+\\])*)"; `).exec(message)?.[1];
  return `Variable "$${variable}" got an invalid value${path ? ` at "${path}"` : ''}; ${reason}.`;
}
