/**
 * Reconciliation of a write whose earlier outcome was unknown (an Idempotency-Key retried after
 * OUTCOME_UNKNOWN, see src/idempotency/): settle what happened where the provider can tell before
 * writing again, so the provider never sees a write twice when a read shows it already happened.
 */
import type { GatewayContext } from '../gateway/context.js';
import type { CustomerModel, ProviderAdapter } from '../providers/contract.js';
import type { CustomerStatus } from '../generated/graphql.js';
import type { ProviderId } from '../providers/ids.js';

/**
 * The customer, read fresh, when this run reconciles and it is already in `target`: the earlier
 * write happened. Null when there is nothing to reconcile, the provider has no read, or the
 * customer is elsewhere (then the write runs once more).
 */
export async function alreadyInStatus(
  ctx: GatewayContext,
  provider: ProviderId,
  adapter: ProviderAdapter,
  providerCustomerId: string,
  target: CustomerStatus,
): Promise<CustomerModel | null> {
  if (!ctx.idempotency?.reconciling || !adapter.readCustomers) return null;
  const customer = await ctx
    .customerLoader(provider)
    .clear(providerCustomerId)
    .load(providerCustomerId);
  if (customer?.status !== target) return null;
  ctx.log.info('reconciled: the earlier write had happened', { provider, status: target });
  return customer;
}

/** Sorted positions as [first, last] ranges: confirmed batches are runs of consecutive records. */
export function toRanges(positions: Iterable<number>): [number, number][] {
  const sorted = [...positions].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const position of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && position <= last[1] + 1) last[1] = Math.max(last[1], position);
    else ranges.push([position, position]);
  }
  return ranges;
}

/** Every position the ranges cover, below `length` (a stored note is never trusted past the input). */
export function positionsIn(ranges: readonly [number, number][], length: number): Set<number> {
  const positions = new Set<number>();
  for (const [first, last] of ranges) {
    for (let i = Math.max(0, first); i <= Math.min(last, length - 1); i++) positions.add(i);
  }
  return positions;
}
