/**
 * Embedded Fusebill sandbox: GET /v1/customers/{id}, POST /v1/customerActivation (preview,
 * view=Sideeffects, showZeroDollarCharges), POST /v1/CustomerHold/{id}, API-key auth,
 * Fusebill's error envelope and, when enforced, its per-minute request limit with its headers. Paths and query names are case-insensitive, as Fusebill's samples mix cases.
 */
import { randomBytes } from 'node:crypto';
import type { FusebillSettings } from '../providers/fusebill/config.js';
import {
  countWrite,
  jsonBody,
  startSandboxServer,
  writeCounts,
  type WriteCounts,
  type SandboxHandle,
  type SandboxOptions,
  type SandboxRequest,
  type SandboxResponse,
} from './server.js';

export interface FusebillSandboxCustomer {
  id: number;
  status: string;
  firstName: string;
  lastName: string;
  /** Monthly charges that activation turns into an invoice. */
  charges: { name: string; amount: number }[];
}

export interface FusebillSandboxState {
  customers: Map<number, FusebillSandboxCustomer>;
  /** Where view=Sideeffects puts invoices; the real placement is undocumented, so both are served. */
  sideEffectsShape: 'invoices' | 'invoice';
  invoicesCreated: number;
  /** The per-minute limit, when enforced (SANDBOX_ENFORCE_QUOTA). */
  quota: FusebillSandboxQuota | null;
  /** Activations applied and refused per customer id, when `countWrites` is set. */
  writes: WriteCounts | null;
}

/** Fusebill's per-minute request limit as the sandbox enforces it: a fixed window per key. */
export interface FusebillSandboxQuota {
  limit: number;
  /** Requests answered in the current window. */
  used: number;
  /** Epoch ms at which the current window ends. */
  resetAt: number;
  /** Requests answered 429 since the sandbox started. */
  rejected: number;
}

export interface FusebillSandboxOptions extends SandboxOptions {
  /** Requests a minute allowed when `enforceQuota` is set; Fusebill's sandbox accounts get 50. */
  quotaPerMinute?: number;
  /** Extra Draft customers seeded from id 14000000 up, for soaks that activate many. */
  extraDraftCustomers?: number;
}

/** First id of the extra Draft customers (`extraDraftCustomers`). */
export const FUSEBILL_EXTRA_DRAFTS_FROM = 14_000_000;

// Fusebill's documented sandbox-account limit (https://developer.staxbill.com/reference/rate-limits).
const SANDBOX_LIMIT_PER_MINUTE = 50;
const QUOTA_WINDOW_MS = 60_000;

/** Seeded customers: one per documented status, an unknown status, and ranges for tests and demos. */
export function seedFusebillCustomers(extraDrafts = 0): Map<number, FusebillSandboxCustomer> {
  const customers = new Map<number, FusebillSandboxCustomer>();
  const add = (id: number, status: string, charges = [{ name: 'Pro plan', amount: 49 }]) =>
    customers.set(id, { id, status, firstName: 'Demo', lastName: `Customer ${id}`, charges });
  add(8708457, 'Draft', [
    { name: 'Pro plan', amount: 49 },
    { name: 'Setup fee', amount: 0 },
  ]);
  for (let id = 8708458; id < 8708500; id++) add(id, 'Draft');
  add(12000750, 'Active');
  add(12000751, 'Hold');
  add(12000752, 'Suspended');
  add(12000753, 'Cancelled');
  add(12000754, 'Canceled');
  add(12000755, 'Archived'); // not a documented status: shows the UNKNOWN path
  add(12000756, 'ACTIVE'); // odd casing: statuses are matched case-insensitively
  for (let id = 13000000; id < 13001000; id++) add(id, 'Active');
  for (let i = 0; i < extraDrafts; i++) add(FUSEBILL_EXTRA_DRAFTS_FROM + i, 'Draft');
  return customers;
}

const TAX_RATE = 0.13;

function fusebillErrorResponse(status: number, value: string, key = 'Api Error'): SandboxResponse {
  return {
    status,
    body: { ErrorId: 0, HttpStatusCode: status, Errors: [{ Key: key, Value: value }] },
  };
}

function customerBody(customer: FusebillSandboxCustomer) {
  return {
    id: customer.id,
    firstName: customer.firstName,
    lastName: customer.lastName,
    status: customer.status,
    customerAccountStatus: 'Good',
    currency: 'USD',
    uri: `https://secure.fusebill.com/v1/customers/${customer.id}`,
  };
}

function invoiceBody(customer: FusebillSandboxCustomer, status: string, showZero: boolean) {
  const charges = customer.charges.filter((c) => showZero || c.amount !== 0);
  const subtotal = charges.reduce((sum, c) => sum + c.amount, 0);
  const tax = Math.round(subtotal * TAX_RATE * 100) / 100;
  return {
    status,
    subtotal,
    totalDiscount: 0,
    total: subtotal + tax,
    draftCharges: charges.map((c) => ({
      name: c.name,
      description: c.name,
      quantity: 1,
      unitPrice: c.amount,
      amount: c.amount,
    })),
    taxes: [{ name: 'HST', amount: tax }],
  };
}

/**
 * Counts an authenticated request against the minute's limit: a 429 in Fusebill's envelope once it
 * is spent, and on every answer the X-Rate-Limit-*-Minute headers Fusebill sends (the reset as
 * epoch seconds). The day's limit is not enforced.
 */
function withQuota(
  quota: FusebillSandboxQuota,
  answer: () => SandboxResponse,
  now = Date.now(),
): SandboxResponse {
  if (now >= quota.resetAt) {
    quota.used = 0;
    quota.resetAt = now + QUOTA_WINDOW_MS;
  }
  const headers = (remaining: number) => ({
    'x-rate-limit-limit-minute': String(quota.limit),
    'x-rate-limit-remaining-minute': String(remaining),
    'x-rate-limit-reset-minute': String(Math.ceil(quota.resetAt / 1000)),
  });
  if (quota.used >= quota.limit) {
    quota.rejected += 1;
    return {
      ...fusebillErrorResponse(
        429,
        `Rate limit exceeded: ${quota.limit} requests per minute.`,
        'Rate Limit Minute',
      ),
      headers: headers(0),
    };
  }
  quota.used += 1;
  const response = answer();
  return { ...response, headers: { ...response.headers, ...headers(quota.limit - quota.used) } };
}

export function createFusebillHandler(apiKey: string, state: FusebillSandboxState) {
  const route = createFusebillRoutes(state);
  return (request: SandboxRequest): SandboxResponse => {
    if (request.headers.authorization !== `Basic ${apiKey}`) {
      return fusebillErrorResponse(401, 'Authorization key is not in the correct format.');
    }
    return state.quota ? withQuota(state.quota, () => route(request)) : route(request);
  };
}

function createFusebillRoutes(state: FusebillSandboxState) {
  return (request: SandboxRequest): SandboxResponse => {
    const query = new Map([...request.query].map(([k, v]) => [k.toLowerCase(), v]));
    const path = request.path.toLowerCase();
    const find = (raw: unknown) => (typeof raw === 'number' ? state.customers.get(raw) : undefined);

    const read = /^\/v1\/customers\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && read?.[1]) {
      if (!/^\d+$/.test(read[1]))
        return fusebillErrorResponse(400, 'The customer id must be an integer.');
      const customer = find(Number(read[1]));
      return customer
        ? { status: 200, body: customerBody(customer) }
        : fusebillErrorResponse(404, 'Customer not found.');
    }

    if (request.method === 'POST' && path === '/v1/customeractivation') {
      const body = jsonBody(request) as Record<string, unknown> | undefined;
      const preview = query.get('preview')?.toLowerCase() === 'true';
      if (!body || typeof body !== 'object')
        return fusebillErrorResponse(400, 'The request body is not valid JSON.');
      if (!Number.isInteger(body.customerId))
        return fusebillErrorResponse(400, 'customerId is required and must be an integer.');
      if (!preview) {
        for (const name of [
          'activateAllSubscriptions',
          'activateAllDraftPurchases',
          'temporarilyDisableAutoPost',
        ]) {
          if (typeof body[name] !== 'boolean')
            return fusebillErrorResponse(400, `${name} is required unless preview is true.`);
        }
      }
      const customer = find(body.customerId);
      if (!customer) return fusebillErrorResponse(404, 'Customer not found.');
      if (customer.status !== 'Draft') {
        if (!preview) countWrite(state.writes, 'refused', String(customer.id));
        return fusebillErrorResponse(
          400,
          `This activity could not be processed since the service status is ${customer.status}`,
        );
      }
      const showZero = query.get('showzerodollarcharges')?.toLowerCase() === 'true';
      const invoice = invoiceBody(
        customer,
        preview ? 'Projected' : body.temporarilyDisableAutoPost ? 'Pending' : 'Ready',
        showZero,
      );
      if (!preview) {
        countWrite(state.writes, 'applied', String(customer.id));
        customer.status = 'Active';
        state.invoicesCreated += 1;
      }
      const sideEffects = query.get('view')?.toLowerCase() === 'sideeffects';
      const extra = !sideEffects
        ? {}
        : state.sideEffectsShape === 'invoices'
          ? { invoices: [invoice] }
          : { invoice };
      return { status: 200, body: { ...customerBody(customer), ...extra } };
    }

    const hold = /^\/v1\/customerhold\/([^/]+)$/.exec(path);
    if (request.method === 'POST' && hold?.[1]) {
      const customer = /^\d+$/.test(hold[1]) ? find(Number(hold[1])) : undefined;
      if (!customer) return fusebillErrorResponse(404, 'Customer not found.');
      if (customer.status === 'Hold')
        return fusebillErrorResponse(409, 'The customer is already on hold.');
      if (customer.status !== 'Active') {
        return fusebillErrorResponse(
          400,
          `This activity could not be processed since the service status is ${customer.status}`,
        );
      }
      customer.status = 'Hold';
      return { status: 200, body: customerBody(customer) };
    }

    return fusebillErrorResponse(404, 'The requested resource does not exist.');
  };
}

export async function startFusebillSandbox(
  options: FusebillSandboxOptions = {},
): Promise<SandboxHandle<FusebillSettings, FusebillSandboxState>> {
  // Fusebill keys are base64 of "0:<secret>"; the sandbox issues one of the same form.
  const apiKey = Buffer.from(`0:${randomBytes(24).toString('base64url')}`).toString('base64');
  const state: FusebillSandboxState = {
    customers: seedFusebillCustomers(options.extraDraftCustomers),
    sideEffectsShape: 'invoices',
    invoicesCreated: 0,
    quota: options.enforceQuota
      ? {
          limit: options.quotaPerMinute ?? SANDBOX_LIMIT_PER_MINUTE,
          used: 0,
          resetAt: 0,
          rejected: 0,
        }
      : null,
    writes: writeCounts(options),
  };
  const server = await startSandboxServer(createFusebillHandler(apiKey, state), options);
  return { ...server, state, settings: { baseUrl: server.url, apiKey } };
}
