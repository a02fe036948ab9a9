/**
 * One JSON log line per GraphQL operation: its name, duration, public error codes and providers;
 * and, from the same summary, the operation's metrics and the end of its span.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { Kind, type OperationDefinitionNode } from 'graphql';
import { ForbiddenError, UpstreamError, UserFacingError } from '../errors.js';
import type { Metrics } from '../observe/metrics.js';
import type { Tracing } from '../observe/tracing.js';
import type { GatewayContext } from './context.js';

/**
 * The public code of an error, as format-error.ts decided it for the client (the one place codes
 * are decided), and the provider behind it, by its internal id, for the operation log.
 */
function errorSummary(
  error: unknown,
  formatted: { extensions?: Record<string, unknown> } | undefined,
): { code: string; provider?: string } {
  const code = formatted?.extensions?.code;
  const original = unwrapResolverError(error);
  const provider =
    original instanceof UpstreamError
      ? original.provider
      : original instanceof ForbiddenError
        ? original.details.provider
        : original instanceof UserFacingError
          ? original.errors[0]?.provider
          : undefined;
  return {
    code: typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR',
    ...(provider ? { provider } : {}),
  };
}

function countUserErrors(data: Record<string, unknown>): number | undefined {
  let total: number | undefined;
  for (const value of Object.values(data)) {
    const list = (value as { userErrors?: unknown } | null)?.userErrors;
    if (Array.isArray(list)) total = (total ?? 0) + list.length;
  }
  return total;
}

/** The code of the first entry of any payload's userErrors, if there is one. */
function firstUserErrorCode(data: Record<string, unknown>): string | undefined {
  for (const value of Object.values(data)) {
    const list = (value as { userErrors?: unknown } | null)?.userErrors;
    if (!Array.isArray(list)) continue;
    const code = (list[0] as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export interface OperationTelemetry {
  metrics?: Metrics;
  tracing?: Tracing;
  /**
   * Operation names that may be metric labels: those of the trusted documents. Any other
   * operation is labelled by its first root field (a schema field name), else `other`.
   */
  trustedNames: ReadonlySet<string>;
  /** The schema's Query and Mutation field names. */
  rootFields: ReadonlySet<string>;
}

/** The `operation` label: bounded by the trusted documents' names and the schema's root fields. */
export function operationLabel(
  operationName: string | undefined | null,
  operation: OperationDefinitionNode | undefined,
  telemetry: Pick<OperationTelemetry, 'trustedNames' | 'rootFields'>,
): string {
  if (operationName && telemetry.trustedNames.has(operationName)) return operationName;
  const first = operation?.selectionSet.selections[0];
  return first?.kind === Kind.FIELD && telemetry.rootFields.has(first.name.value)
    ? first.name.value
    : 'other';
}

// One listener for every request: the start time lives in the context, so nothing is allocated
// per request to hold it.
function listenerFor(telemetry: OperationTelemetry): GraphQLRequestListener<GatewayContext> {
  const { metrics } = telemetry;
  return {
    willSendResponse({ contextValue: ctx, operationName, operation, response, errors }) {
      const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
      const summaries = errors?.length
        ? errors.map((error, i) => errorSummary(error, body?.errors?.[i]))
        : undefined;
      const durationMs = performance.now() - ctx.startedAt;
      ctx.log.info('graphql operation', {
        operationName: operationName ?? null,
        durationMs: Math.round(durationMs * 10) / 10,
        errorCodes: summaries?.map((s) => s.code),
        errorProviders: summaries?.some((s) => s.provider)
          ? [...new Set(summaries.map((s) => s.provider).filter(Boolean))]
          : undefined,
        userErrorCount: body?.data ? countUserErrors(body.data) : undefined,
      });
      if (metrics || ctx.trace) {
        const label = operationLabel(operationName, operation, telemetry);
        const type = operation?.operation ?? 'unknown';
        const outcome =
          summaries?.[0]?.code ?? (body?.data ? firstUserErrorCode(body.data) : undefined) ?? 'ok';
        metrics?.operation(label, type, outcome, durationMs / 1000);
        if (ctx.trace) {
          telemetry.tracing?.endOperation(
            ctx.trace,
            type,
            operationName ?? label,
            outcome,
            ctx.client.id,
          );
        }
      }
      return Promise.resolve();
    },
  };
}

export function operationLog(telemetry: OperationTelemetry): ApolloServerPlugin<GatewayContext> {
  const started = Promise.resolve(listenerFor(telemetry));
  return { requestDidStart: () => started };
}
