/** Turning UserFacingError into `userErrors`, and the shared steps of customer operations. */
import type { UserError } from '../generated/graphql.js';
import { assertMayUseCardPrograms, assertMayUseProvider } from '../access/model.js';
import { UserFacingError, quoteInput, userError, type UserErrorModel } from '../errors.js';
import { parseCustomerId, type ParsedId } from '../gateway/ids.js';
import type { GatewayContext } from '../gateway/context.js';
import type { ActivationOptions, ProviderAdapter } from '../providers/contract.js';
import { toGraphqlProvider, type ProviderId } from '../providers/ids.js';

export function toUserError(error: UserErrorModel): UserError {
  return {
    code: error.code,
    message: error.message,
    field: error.field ?? null,
    provider: error.provider ? toGraphqlProvider(error.provider) : null,
    providerCode: error.providerCode ?? null,
  };
}

/**
 * Runs a mutation body; a UserFacingError becomes `{ userErrors }` with `empty` for the other
 * fields. Anything else (UpstreamError, bugs) propagates as a GraphQL error.
 */
export async function withUserErrors<T extends object, E extends object>(
  empty: E,
  body: () => Promise<T>,
): Promise<(T | E) & { userErrors: UserError[] }> {
  try {
    return { ...(await body()), userErrors: [] };
  } catch (error) {
    if (error instanceof UserFacingError)
      return { ...empty, userErrors: error.errors.map(toUserError) };
    throw error;
  }
}

/** Resolves a customer global id to its provider's adapter, validating the id before any call. */
export function customerTarget(ctx: GatewayContext, id: string, field: string[]) {
  const parsed = parseCustomerId(id, field);
  assertMayUseProvider(ctx.client, parsed.provider);
  const adapter = ctx.providers.adapter(parsed.provider);
  const invalid = adapter.validateCustomerId(parsed.providerCustomerId);
  if (invalid) throw new UserFacingError({ ...invalid, field, provider: parsed.provider });
  return { provider: parsed.provider, providerCustomerId: parsed.providerCustomerId, adapter };
}

/** Query.customer and Query.node: null when the provider says the customer does not exist. */
export function loadCustomer(ctx: GatewayContext, id: string, field: string[]) {
  const { provider, providerCustomerId, adapter } = customerTarget(ctx, id, field);
  if (!adapter.readCustomers) throw unsupported(provider, 'reading a customer by id', field);
  return ctx.customerLoader(provider).load(providerCustomerId);
}

/**
 * Query.node and a Card entity reference: the client's provider and card program are checked, then
 * UNSUPPORTED_BY_PROVIDER, as Blackhawk has no card read (nothing is called).
 */
export function readCard(
  ctx: GatewayContext,
  parsed: Extract<ParsedId, { kind: 'card' }>,
  field: string[],
): never {
  assertMayUseProvider(ctx.client, parsed.provider);
  assertMayUseCardPrograms(ctx.client, [parsed]);
  ctx.providers.adapter(parsed.provider);
  throw unsupported(parsed.provider, 'reading a card', field);
}

/** A card reference whose id names a customer. */
export function notACardId(id: string, parsed: ParsedId, field: string[]): UserFacingError {
  return userError('INVALID_INPUT', `${quoteInput(id)} is a customer id, not a card id`, {
    field,
    provider: parsed.provider,
  });
}

export function unsupported(provider: ProviderId, what: string, field?: string[]): UserFacingError {
  return userError(
    'UNSUPPORTED_BY_PROVIDER',
    `${toGraphqlProvider(provider)} does not support ${what}`,
    {
      provider,
      ...(field ? { field } : {}),
    },
  );
}

const OPTION_NAMES = [
  'parentCompanyId',
  'activateAllSubscriptions',
  'activateAllDraftPurchases',
  'temporarilyDisableAutoPost',
  'showZeroDollarCharges',
] as const satisfies readonly (keyof ActivationOptions)[];

/** Rejects options the provider does not understand, then applies the provider's own value rules. */
export function validateActivationOptions(
  adapter: ProviderAdapter,
  options: ActivationOptions,
): void {
  const errors: UserErrorModel[] = [];
  for (const name of OPTION_NAMES) {
    if (options[name] != null && !adapter.activationOptions.includes(name)) {
      errors.push({
        code: 'INVALID_INPUT',
        message: `${name} does not apply to ${toGraphqlProvider(adapter.id)} customers`,
        field: ['input', name],
        provider: adapter.id,
      });
    }
  }
  errors.push(...(adapter.validateActivationOptions?.(options) ?? []));
  if (errors.length > 0) throw new UserFacingError(errors);
}
