/** NetXD: read customers, set their status (activation included) over signed JSON-RPC. */
import { GatewayErrorCode, UpstreamError, quoteInput, userError } from '../../errors.js';
import type { CallKind } from '../../transport/types.js';
import {
  defineProvider,
  type CallContext,
  type CustomerModel,
  type ProviderAdapter,
  type ProviderDeps,
} from '../contract.js';
import { readEach } from '../reads.js';
import { normalizeStatus } from '../status.js';
import { createNetxdClient } from './client.js';
import { netxdEnv, netxdLiveSettings, type NetxdSettings } from './config.js';
import {
  NETXD_SETTABLE_STATUSES,
  netxdStatus,
  netxdStatusFor,
  type NetxdStatus,
} from './status.js';
import { GET_CUSTOMER, UPDATE_CUSTOMER_STATUS, netxdCustomer, type NetxdCustomer } from './wire.js';

/** NetXD customer ids are digit strings (e.g. 100000000025001); sent as strings, never as numbers. */
const NETXD_ID = /^\d{1,20}$/;

function validateNetxdId(id: string) {
  return NETXD_ID.test(id)
    ? null
    : {
        code: 'INVALID_INPUT' as const,
        message: `NetXD customer ids are 1 to 20 digits; got ${quoteInput(id)}`,
        provider: 'netxd' as const,
      };
}

export function createNetxdProvider(settings: NetxdSettings, deps: ProviderDeps): ProviderAdapter {
  const client = createNetxdClient(settings, deps);

  const toCustomer = (
    id: string,
    wire: NetxdCustomer,
    kind: CallKind,
    ctx: CallContext,
  ): CustomerModel => {
    if (wire.id !== id) {
      ctx.log.error('provider answered for another customer', {
        provider: 'netxd',
        kind,
        requested: id,
        answered: wire.id,
      });
      // A read for someone else would be a silently wrong answer. A write was applied to the ID we
      // sent; NetXD's own sample answers with a different Id, so only the read is refused.
      if (kind === 'read') {
        throw new UpstreamError(
          GatewayErrorCode.PROVIDER_UNAVAILABLE,
          'netxd',
          'netxd answered with a different customer',
        );
      }
    }
    return {
      kind: 'customer',
      provider: 'netxd',
      providerCustomerId: id,
      ...normalizeStatus('netxd', wire.status, netxdStatus, ctx.log, ctx.telemetry),
    };
  };

  const readCustomer = async (id: string, ctx: CallContext): Promise<CustomerModel | null> => {
    // GetCustomer's not-found answer is undocumented: a null result is read as not found too.
    const wire = await client.call(
      GET_CUSTOMER,
      { customerID: id },
      'read',
      netxdCustomer.nullable(),
      ctx,
    );
    return wire ? toCustomer(id, wire, 'read', ctx) : null;
  };

  const setStatus = async (
    id: string,
    status: NetxdStatus,
    notes: string | null,
    ctx: CallContext,
  ) => {
    // The doc's table names the field Status, its example sends status: we follow the example.
    const payload = { ID: id, status, ...(notes !== null ? { notes } : {}) };
    const wire = await client.call(UPDATE_CUSTOMER_STATUS, payload, 'write', netxdCustomer, ctx);
    return toCustomer(id, wire, 'write', ctx);
  };

  return {
    id: 'netxd',
    validateCustomerId: validateNetxdId,
    activationOptions: [],
    settableStatuses: NETXD_SETTABLE_STATUSES,
    // BLACK_LISTED is "permanently banned": NetXD refuses any change away from it.
    activationBlockedFrom: ['BLACKLISTED'],

    readCustomers: (ids, ctx) => readEach(ids, (id) => readCustomer(id, ctx)),

    async activateCustomer(request, ctx) {
      return {
        customer: await setStatus(request.providerCustomerId, 'ACTIVE', null, ctx),
        invoices: [],
      };
    },

    async updateCustomerStatus(id, status, notes, ctx) {
      const target = netxdStatusFor(status);
      if (!target) {
        throw userError('UNSUPPORTED_BY_PROVIDER', `NETXD cannot set status ${status}`, {
          provider: 'netxd',
          field: ['input', 'status'],
        });
      }
      return setStatus(id, target, notes, ctx);
    },
  };
}

export const netxdProvider = defineProvider({
  id: 'netxd',
  env: netxdEnv,
  liveSettings: netxdLiveSettings,
  // Loaded only when the provider runs against its sandbox: a live gateway never imports it.
  startSandbox: async (options) =>
    (await import('../../sandbox/netxd.js')).startNetxdSandbox(options),
  create: createNetxdProvider,
});
