/** One JSON log line per GraphQL operation: its name, duration, public error codes and providers. */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import {
  causeOf,
  ForbiddenError,
  OperationTooComplexError,
  UpstreamError,
  UserFacingError,
} from '../errors.js';
import type { GatewayContext } from './context.js';

/** The public code (and provider) of an error as the client sees it, for the operation log. */
function errorSummary(error: { extensions?: Record<string, unknown> }): {
  code: string;
  provider?: string;
} {
  const original = unwrapResolverError(error);
  if (original instanceof UpstreamError)
    return { code: original.code, provider: original.provider };
  if (causeOf(error, OperationTooComplexError)) return { code: 'OPERATION_TOO_COMPLEX' };
  if (original instanceof ForbiddenError) {
    return {
      code: 'FORBIDDEN',
      ...(original.details.provider ? { provider: original.details.provider } : {}),
    };
  }
  if (original instanceof UserFacingError) {
    const first = original.errors[0];
    return {
      code: first?.code ?? 'INVALID_INPUT',
      ...(first?.provider ? { provider: first.provider } : {}),
    };
  }
  const code = error.extensions?.code;
  return { code: typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR' };
}

function countUserErrors(data: Record<string, unknown>): number | undefined {
  let total: number | undefined;
  for (const value of Object.values(data)) {
    const list = (value as { userErrors?: unknown } | null)?.userErrors;
    if (Array.isArray(list)) total = (total ?? 0) + list.length;
  }
  return total;
}

// One listener for every request: the start time lives in the context, so nothing is allocated
// per request to hold it.
const listener: GraphQLRequestListener<GatewayContext> = {
  willSendResponse({ contextValue: ctx, operationName, response, errors }) {
    const summaries = errors?.length ? errors.map(errorSummary) : undefined;
    const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
    ctx.log.info('graphql operation', {
      operationName: operationName ?? null,
      durationMs: Math.round((performance.now() - ctx.startedAt) * 10) / 10,
      errorCodes: summaries?.map((s) => s.code),
      errorProviders: summaries?.some((s) => s.provider)
        ? [...new Set(summaries.map((s) => s.provider).filter(Boolean))]
        : undefined,
      userErrorCount: body?.data ? countUserErrors(body.data) : undefined,
    });
    return Promise.resolve();
  },
};
const started = Promise.resolve(listener);

export function operationLog(): ApolloServerPlugin<GatewayContext> {
  return { requestDidStart: () => started };
}
