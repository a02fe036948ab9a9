/** Query.providers and Query.node. */
import type { ProviderOperation, Resolvers } from '../generated/graphql.js';
import { parseGlobalId } from '../gateway/ids.js';
import type { ProviderAdapter } from '../providers/contract.js';
import { toGraphqlProvider } from '../providers/ids.js';
import { loadCustomer, readCard } from './payload.js';
import { mayUseProvider } from '../access/model.js';

function operations(adapter: ProviderAdapter | null): ProviderOperation[] {
  if (!adapter) return [];
  const ops: [boolean, ProviderOperation][] = [
    [!!adapter.readCustomers, 'READ_CUSTOMER'],
    [!!adapter.activateCustomer, 'ACTIVATE_CUSTOMER'],
    [!!adapter.previewActivation, 'NATIVE_ACTIVATION_PREVIEW'],
    [
      !!adapter.updateCustomerStatus && adapter.settableStatuses.length > 0,
      'UPDATE_CUSTOMER_STATUS',
    ],
    [!!adapter.setCardActivationCodes, 'SET_CARD_ACTIVATION_CODES'],
    [!!adapter.bulkUpdateCustomers, 'BULK_UPDATE_CUSTOMERS'],
  ];
  return ops.filter(([supported]) => supported).map(([, op]) => op);
}

export const providerResolvers: Resolvers = {
  Query: {
    // Only the providers this client may use: a partner sees its own share of the graph.
    providers: (_parent, _args, ctx) =>
      ctx.providers.list
        .filter((p) => mayUseProvider(ctx.client, p.id))
        .map((p) => ({
          provider: toGraphqlProvider(p.id),
          mode: p.mode,
          operations: operations(p.adapter),
          settableStatuses: p.adapter?.updateCustomerStatus ? [...p.adapter.settableStatuses] : [],
          circuit: p.circuit?.state ?? null,
        })),

    async node(_parent, { id }, ctx) {
      const parsed = parseGlobalId(id, ['id']);
      if (parsed.kind === 'card') readCard(ctx, parsed, ['id']);
      return loadCustomer(ctx, id, ['id']);
    },
  },

  Node: {
    __resolveType: (node) => (node.kind === 'customer' ? 'Customer' : 'Card'),
  },
};
