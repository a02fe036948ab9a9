/** Customer reads, activation (and its preview), status changes and bulk updates. */
import type { Readable } from 'node:stream';
import { assertMayUseProvider } from '../access/model.js';
import type { Resolvers } from '../generated/graphql.js';
import type { GatewayContext } from '../gateway/context.js';
import { UserFacingError, userError } from '../errors.js';
import { customerGlobalId } from '../gateway/ids.js';
import type { ActivationOptions, BulkFile, CustomerModel } from '../providers/contract.js';
import { fromGraphqlProvider, toGraphqlProvider } from '../providers/ids.js';
import {
  customerTarget,
  loadCustomer,
  unsupported,
  validateActivationOptions,
  withUserErrors,
} from './payload.js';
import { alreadyInStatus } from './reconcile.js';

const CUSTOMER_FIELD = ['input', 'customerId'];

function activationOptions(input: ActivationOptions): ActivationOptions {
  const {
    parentCompanyId,
    activateAllSubscriptions,
    activateAllDraftPurchases,
    temporarilyDisableAutoPost,
    showZeroDollarCharges,
  } = input;
  return {
    parentCompanyId,
    activateAllSubscriptions,
    activateAllDraftPurchases,
    temporarilyDisableAutoPost,
    showZeroDollarCharges,
  };
}

/** The customer, its adapter and the options of an activation, all checked before any call. */
function activationTarget(ctx: GatewayContext, input: ActivationOptions & { customerId: string }) {
  const target = customerTarget(ctx, input.customerId, CUSTOMER_FIELD);
  const options = activationOptions(input);
  validateActivationOptions(target.adapter, options);
  return { ...target, options };
}

async function readUpload(file: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of file) {
    size += (chunk as Buffer).length;
    if (size > maxBytes)
      throw userError('INVALID_INPUT', `The file is larger than ${maxBytes} bytes`, {
        field: ['input', 'file'],
      });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export const customerResolvers: Resolvers = {
  Query: {
    customer: (_parent, { id }, ctx) => loadCustomer(ctx, id, ['id']),

    customerActivationPreview: (_parent, { input }, ctx) =>
      withUserErrors({ preview: null }, async () => {
        const { provider, providerCustomerId, adapter, options } = activationTarget(ctx, input);
        const request = { providerCustomerId, options };
        if (adapter.previewActivation) {
          const preview = await adapter.previewActivation(request, ctx.call);
          return { preview: { ...preview, native: true } };
        }
        if (!adapter.activateCustomer)
          throw unsupported(provider, 'customer activation', CUSTOMER_FIELD);
        // A dry run: the input is valid; where the provider has a read, check the current status.
        let customer: CustomerModel = {
          kind: 'customer',
          provider,
          providerCustomerId,
          status: 'UNKNOWN',
          providerStatus: null,
        };
        if (adapter.readCustomers) {
          const current = await ctx.customerLoader(provider).load(providerCustomerId);
          if (!current)
            throw userError('NOT_FOUND', `Customer ${input.customerId} does not exist`, {
              provider,
              field: CUSTOMER_FIELD,
            });
          if (current.status === 'ACTIVE') {
            throw userError('INVALID_STATE', `Customer ${input.customerId} is already ACTIVE`, {
              provider,
              field: CUSTOMER_FIELD,
            });
          }
          if (adapter.activationBlockedFrom?.includes(current.status)) {
            throw userError(
              'INVALID_STATE',
              `Customer ${input.customerId} is ${current.status}: ${toGraphqlProvider(provider)} does not activate customers in that status`,
              { provider, field: CUSTOMER_FIELD },
            );
          }
          customer = current;
        }
        return {
          preview: { customer, resultingStatus: 'ACTIVE' as const, native: false, invoices: [] },
        };
      }),
  },

  Mutation: {
    activateCustomer: (_parent, { input }, ctx) =>
      withUserErrors({ customer: null, invoices: [], reconciled: false }, async () => {
        const { provider, providerCustomerId, adapter, options } = activationTarget(ctx, input);
        if (!adapter.activateCustomer)
          throw unsupported(provider, 'customer activation', CUSTOMER_FIELD);
        const settled = await alreadyInStatus(ctx, provider, adapter, providerCustomerId, 'ACTIVE');
        if (settled) return { customer: settled, invoices: [], reconciled: true };
        const result = await adapter.activateCustomer({ providerCustomerId, options }, ctx.call);
        ctx
          .customerLoader(provider)
          .clear(providerCustomerId)
          .prime(providerCustomerId, result.customer);
        return { ...result, reconciled: false };
      }),

    updateCustomerStatus: (_parent, { input }, ctx) =>
      withUserErrors({ customer: null, reconciled: false }, async () => {
        const { provider, providerCustomerId, adapter } = customerTarget(
          ctx,
          input.customerId,
          CUSTOMER_FIELD,
        );
        if (!adapter.updateCustomerStatus || !adapter.settableStatuses.includes(input.status)) {
          const settable = adapter.settableStatuses.length
            ? adapter.settableStatuses.join(', ')
            : 'none';
          throw userError(
            'UNSUPPORTED_BY_PROVIDER',
            `${toGraphqlProvider(provider)} cannot set status ${input.status} (settable here: ${settable})`,
            { provider, field: ['input', 'status'] },
          );
        }
        const settled = await alreadyInStatus(
          ctx,
          provider,
          adapter,
          providerCustomerId,
          input.status,
        );
        if (settled) return { customer: settled, reconciled: true };
        const customer = await adapter.updateCustomerStatus(
          providerCustomerId,
          input.status,
          input.notes ?? null,
          ctx.call,
        );
        ctx.customerLoader(provider).clear(providerCustomerId).prime(providerCustomerId, customer);
        return { customer, reconciled: false };
      }),

    bulkUpdateCustomers: (_parent, { input }, ctx) =>
      withUserErrors({ result: null }, async () => {
        const provider = fromGraphqlProvider(input.provider);
        assertMayUseProvider(ctx.client, provider);
        const adapter = ctx.providers.adapter(provider);
        if (!adapter.bulkUpdateCustomers)
          throw unsupported(provider, 'bulk customer updates', ['input', 'provider']);
        const upload = await input.file;
        let content: Buffer;
        try {
          content = await readUpload(upload.createReadStream(), ctx.limits.uploadMaxFileBytes);
        } catch (error) {
          if (error instanceof UserFacingError) throw error;
          throw userError(
            'INVALID_INPUT',
            `The file could not be read: ${(error as Error).message}`,
            { field: ['input', 'file'] },
          );
        }
        if (content.length === 0)
          throw userError('INVALID_INPUT', 'The file is empty', { field: ['input', 'file'] });
        const file: BulkFile = { filename: upload.filename, mimetype: upload.mimetype, content };
        return {
          result: await adapter.bulkUpdateCustomers(file, input.parentCompanyId ?? null, ctx.call),
        };
      }),
  },

  Customer: {
    id: (customer) => customerGlobalId(customer),
    provider: (customer) => toGraphqlProvider(customer.provider),
  },
};
