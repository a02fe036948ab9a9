/**
 * One audit line per mutation field, whatever its outcome: who (clientId, requestId), what (the
 * mutation, the provider, the target ids), and how it ended (ok, the userError codes, or the error
 * code). A JSON log line with `"audit": true`. Never a key, token or activation code.
 */
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { ForbiddenError, UpstreamError, UserFacingError } from '../errors.js';
import type { GatewayContext } from '../gateway/context.js';
import { cardCodesOf } from '../gateway/card-codes.js';
import { isProviderId } from '../providers/ids.js';

/** Most card ids one audit line lists; the count is always given. */
const MAX_LISTED_CARDS = 20;
const MAX_ID_LENGTH = 128;

interface Targets {
  provider?: string;
  targets: string[];
  cardCount?: number;
  cardPrograms?: string[];
}

type Args = { input?: Record<string, unknown> };

function targetsOf(
  field: string,
  args: Args,
  ctx: GatewayContext,
  info: Parameters<GraphQLFieldResolver<unknown, GatewayContext>>[3],
): Targets {
  const input = args.input ?? {};
  if (field === 'setCardActivationCodes') {
    const records =
      cardCodesOf(ctx, info) ??
      (input.codes as { programNumber: string; proxyNumber: string }[] | undefined) ??
      [];
    const programs = new Set<string>();
    for (const record of records) {
      if (programs.size >= MAX_LISTED_CARDS) break;
      programs.add(String(record.programNumber).slice(0, 32));
    }
    return {
      provider: 'blackhawk',
      targets: records
        .slice(0, MAX_LISTED_CARDS)
        .map(
          (r) =>
            `blackhawk:${String(r.programNumber).slice(0, 32)}:${String(r.proxyNumber).slice(0, 32)}`,
        ),
      cardCount: records.length,
      cardPrograms: [...programs],
    };
  }
  if (typeof input.customerId === 'string') {
    const prefix = input.customerId.split(':', 1)[0];
    return {
      ...(isProviderId(prefix) ? { provider: prefix } : {}),
      targets: [input.customerId.slice(0, MAX_ID_LENGTH)],
    };
  }
  if (typeof input.provider === 'string')
    return { provider: input.provider.toLowerCase(), targets: [] };
  return { targets: [] };
}

function errorCode(error: unknown): string {
  if (error instanceof UpstreamError) return error.code;
  if (error instanceof ForbiddenError) return 'FORBIDDEN';
  if (error instanceof UserFacingError) return error.errors[0]?.code ?? 'INVALID_INPUT';
  const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

function outcomeOf(result: unknown): Record<string, unknown> {
  const payload = result as {
    userErrors?: { code: string }[];
    failures?: { code: string; cards: unknown[] }[];
    acceptedCount?: number;
  } | null;
  const codes = payload?.userErrors?.map((e) => e.code) ?? [];
  return {
    outcome: codes.length ? [...new Set(codes)].join(',') : 'ok',
    ...(payload?.acceptedCount !== undefined ? { acceptedCount: payload.acceptedCount } : {}),
    ...(payload?.failures?.length
      ? {
          failures: payload.failures.map((f) => ({ code: f.code, cards: f.cards.length })),
        }
      : {}),
  };
}

/** Wraps every mutation field so that it writes its audit line when it ends. */
export function auditMutations(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve: GraphQLFieldResolver<unknown, GatewayContext> =
      field.resolve ?? defaultFieldResolver;
    field.resolve = async (source, args: Args, ctx: GatewayContext, info) => {
      const started = performance.now();
      const what = {
        audit: true,
        operation: field.name,
        ...targetsOf(field.name, args, ctx, info),
      };
      const durationMs = () => Math.round((performance.now() - started) * 10) / 10;
      try {
        const result: unknown = await resolve(source, args, ctx, info);
        ctx.log.info('audit', { ...what, ...outcomeOf(result), durationMs: durationMs() });
        return result;
      } catch (error) {
        ctx.log.info('audit', { ...what, outcome: errorCode(error), durationMs: durationMs() });
        throw error;
      }
    };
  }
  return schema;
}
