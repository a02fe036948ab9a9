/** Fusebill (Stax Bill): read, activate (with native preview and invoices) and hold customers. */
import { quoteInput, userError } from '../../errors.js';
import {
  defineProvider,
  type ActivationRequest,
  type CallContext,
  type CustomerModel,
  type InvoiceModel,
  type ProviderAdapter,
  type ProviderDeps,
} from '../contract.js';
import { readEach } from '../reads.js';
import { normalizeStatus } from '../status.js';
import { createFusebillClient } from './client.js';
import { fusebillEnv, fusebillLiveSettings, type FusebillSettings } from './config.js';
import { FUSEBILL_SETTABLE_STATUSES, fusebillStatus } from './status.js';
import { fusebillActivation, fusebillCustomer, type FusebillInvoice } from './wire.js';

/** Fusebill ids are positive integers sent as JSON numbers, so they must stay within 2^53. */
function validateFusebillId(id: string) {
  return /^[1-9]\d{0,15}$/.test(id) && Number(id) <= Number.MAX_SAFE_INTEGER
    ? null
    : {
        code: 'INVALID_INPUT' as const,
        message: `Fusebill customer ids are positive integers; got ${quoteInput(id)}`,
        provider: 'fusebill' as const,
      };
}

function toInvoice(invoice: FusebillInvoice): InvoiceModel {
  return {
    status: invoice.status ?? null,
    subtotal: invoice.subtotal ?? null,
    totalDiscount: invoice.totalDiscount ?? null,
    total: invoice.total ?? null,
    charges: (invoice.draftCharges ?? []).map((c) => ({
      name: c.name ?? null,
      description: c.description ?? null,
      quantity: c.quantity ?? null,
      unitPrice: c.unitPrice ?? null,
      amount: c.amount ?? null,
    })),
    taxes: (invoice.taxes ?? []).map((t) => ({ name: t.name ?? null, amount: t.amount ?? null })),
  };
}

export function createFusebillProvider(
  settings: FusebillSettings,
  deps: ProviderDeps,
): ProviderAdapter {
  const client = createFusebillClient(settings, deps);
  const toCustomer = (
    wire: { id: string; status?: string | null },
    ctx: CallContext,
  ): CustomerModel => ({
    kind: 'customer',
    provider: 'fusebill',
    providerCustomerId: wire.id,
    ...normalizeStatus('fusebill', wire.status, fusebillStatus, ctx.log, ctx.telemetry),
  });

  const readCustomer = async (id: string, ctx: CallContext): Promise<CustomerModel> => {
    const wire = await client.call(
      {
        method: 'GET',
        path: `/v1/customers/${id}`,
        kind: 'read',
        operation: 'read customer',
        scope: ctx,
      },
      fusebillCustomer,
    );
    return toCustomer(wire, ctx);
  };

  const activation = async (request: ActivationRequest, preview: boolean, ctx: CallContext) => {
    const { options } = request;
    const searchParams: Record<string, string> = { view: 'Sideeffects' };
    if (preview) searchParams.preview = 'true';
    if (options.showZeroDollarCharges != null) {
      searchParams.showZeroDollarCharges = String(options.showZeroDollarCharges);
    }
    const wire = await client.call(
      {
        method: 'POST',
        path: '/v1/customerActivation',
        kind: preview ? 'read' : 'write',
        operation: preview ? 'activation preview' : 'activate customer',
        scope: ctx,
        searchParams,
        json: {
          customerId: Number(request.providerCustomerId),
          activateAllSubscriptions: options.activateAllSubscriptions ?? true,
          activateAllDraftPurchases: options.activateAllDraftPurchases ?? true,
          temporarilyDisableAutoPost: options.temporarilyDisableAutoPost ?? false,
        },
      },
      fusebillActivation,
    );
    const invoices = [...(wire.invoices ?? []), ...(wire.invoice ? [wire.invoice] : [])];
    return { customer: toCustomer(wire, ctx), invoices: invoices.map(toInvoice) };
  };

  return {
    id: 'fusebill',
    validateCustomerId: validateFusebillId,
    activationOptions: [
      'activateAllSubscriptions',
      'activateAllDraftPurchases',
      'temporarilyDisableAutoPost',
      'showZeroDollarCharges',
    ],
    settableStatuses: FUSEBILL_SETTABLE_STATUSES,

    readCustomers: (ids, ctx) => readEach(ids, (id) => readCustomer(id, ctx)),

    activateCustomer: (request, ctx) => activation(request, false, ctx),

    async previewActivation(request, ctx) {
      const result = await activation(request, true, ctx);
      return { ...result, resultingStatus: 'ACTIVE' };
    },

    // The gateway only calls this with a status from settableStatuses, so ON_HOLD here.
    async updateCustomerStatus(id, _status, notes, ctx) {
      // CustomerHold takes no note: dropping one silently would lose what the caller wrote.
      if (notes) {
        throw userError('INVALID_INPUT', 'notes are not supported by FUSEBILL', {
          provider: 'fusebill',
          field: ['input', 'notes'],
        });
      }
      const wire = await client.call(
        {
          method: 'POST',
          path: `/v1/CustomerHold/${id}`,
          kind: 'write',
          operation: 'hold customer',
          scope: ctx,
        },
        fusebillCustomer,
      );
      return toCustomer(wire, ctx);
    },
  };
}

export const fusebillProvider = defineProvider({
  id: 'fusebill',
  env: fusebillEnv,
  // Fusebill's live limit (FACTS.md 4.6); its sandbox accounts allow 50, TestDrive 10.
  rateLimitPerMinute: 1_000,
  liveSettings: fusebillLiveSettings,
  // Loaded only when the provider runs against its sandbox: a live gateway never imports it.
  startSandbox: async (options) =>
    (await import('../../sandbox/fusebill.js')).startFusebillSandbox(options),
  create: createFusebillProvider,
});
