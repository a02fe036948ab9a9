/**
 * Embedded NetXD sandbox: POST /jsonrpc with NetXD's envelope {method, id, params: {api, payload}},
 * key id, credential and ECDSA P-256 signature checks, CustomerService.GetCustomer and
 * CustomerService.UpdateCustomerStatus, answering {id, result} or {id, error: {code, message}}.
 */
import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { NetxdSettings } from '../providers/netxd/config.js';
import {
  countWrite,
  startSandboxServer,
  writeCounts,
  type WriteCounts,
  type SandboxHandle,
  type SandboxOptions,
  type SandboxRequest,
  type SandboxResponse,
} from './server.js';

export interface NetxdSandboxCustomer {
  id: string;
  status: string;
  firstName: string;
  lastName: string;
  notes: string[];
}

export interface NetxdSandboxState {
  customers: Map<string, NetxdSandboxCustomer>;
  /** GetCustomer's result shape is undocumented: the sandbox serves either casing. */
  getCustomerCasing: 'ID/Status' | 'Id/status';
  /** The public half of the key the adapter signs with, for verifying in tests. */
  publicKey: KeyObject;
  /** Status changes applied and refused per `<id>:<status>`, when `countWrites` is set. */
  writes: WriteCounts | null;
}

/** First ids of the seeded ranges (1,000 customers each). */
export const NETXD_IN_ACTIVE_RANGE = 100000000025001n;
export const NETXD_ACTIVE_RANGE = 100000000035001n;
const RANGE_SIZE = 1000n;

/** Seeded customers: one per NetXD status, one unknown status, and ranges for tests and demos. */
export function seedNetxdCustomers(): Map<string, NetxdSandboxCustomer> {
  const customers = new Map<string, NetxdSandboxCustomer>();
  const add = (id: string, status: string) =>
    customers.set(id, { id, status, firstName: 'Demo', lastName: `Customer ${id}`, notes: [] });
  add('100000000005001', 'ACTIVE');
  add('100000000005002', 'IN_ACTIVE');
  add('100000000005003', 'DORMANT');
  add('100000000005004', 'SUSPENDED');
  add('100000000005005', 'BLOCKED');
  add('100000000005006', 'BLACK_LISTED');
  add('100000000005007', 'CLOSED'); // not a documented status: shows the UNKNOWN path
  for (let i = 0n; i < RANGE_SIZE; i++) {
    add(String(NETXD_IN_ACTIVE_RANGE + i), 'IN_ACTIVE');
    add(String(NETXD_ACTIVE_RANGE + i), 'ACTIVE');
  }
  return customers;
}

// The sandbox writes down NetXD's documented names itself rather than importing the adapter's
// tables: a sandbox that shared the adapter's table could never show that table to be wrong.

/** The methods on NetXD's customer API pages. */
const GET_CUSTOMER = 'CustomerService.GetCustomer';
const UPDATE_CUSTOMER_STATUS = 'CustomerService.UpdateCustomerStatus';

/** The customer statuses UpdateCustomerStatus documents, spelled as NetXD spells them. */
const STATUSES: ReadonlySet<string> = new Set([
  'ACTIVE',
  'IN_ACTIVE',
  'DORMANT',
  'SUSPENDED',
  'BLOCKED',
  'BLACK_LISTED',
]);

/**
 * The JSON-RPC error codes the sandbox answers with: JSON-RPC 2.0's reserved codes, and codes in
 * the implementation-defined server range for the business outcomes (docs/providers/netxd.md).
 */
const ERRORS = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  CUSTOMER_NOT_FOUND: -32001,
  INVALID_STATUS_TRANSITION: -32002,
  AUTHENTICATION_FAILED: -32003,
} as const;

function rpcError(id: string | null, name: keyof typeof ERRORS, message: string): SandboxResponse {
  return { status: 200, body: { id, error: { code: ERRORS[name], message } } };
}

const envelope = z.object({
  method: z.string(),
  id: z.string().min(1),
  params: z.object({
    api: z.object({ signature: z.string(), keyId: z.string(), credential: z.string() }),
    payload: z.record(z.string(), z.unknown()),
  }),
});

const digits = z.string().regex(/^\d{1,20}$/);
const getCustomerPayload = z.object({ customerID: digits });
const updatePayload = z.object({
  ID: digits,
  // NetXD's table says Status, its example says status: the sandbox takes either.
  status: z.string().optional(),
  Status: z.string().optional(),
  notes: z.string().max(500).optional(),
});

/** How many recent request ids are remembered to refuse a replayed request. */
const SEEN_IDS_LIMIT = 10_000;

export function createNetxdHandler(
  credentials: { keyId: string; credential: string; publicKey: KeyObject },
  state: NetxdSandboxState,
) {
  const seen = new Set<string>();

  const customerResult = (customer: NetxdSandboxCustomer) => {
    const names = {
      FirstName: customer.firstName,
      LastName: customer.lastName,
      CustomerType: 'INDIVIDUAL',
    };
    return state.getCustomerCasing === 'ID/Status'
      ? { ID: customer.id, Status: customer.status, ...names }
      : { Id: customer.id, status: customer.status, ...names };
  };

  const getCustomer = (id: string, payload: unknown): SandboxResponse => {
    const parsed = getCustomerPayload.safeParse(payload);
    if (!parsed.success) return rpcError(id, 'INVALID_PARAMS', 'customerID must be a digit string');
    const customer = state.customers.get(parsed.data.customerID);
    return customer
      ? { status: 200, body: { id, result: customerResult(customer) } }
      : rpcError(id, 'CUSTOMER_NOT_FOUND', 'Customer not found');
  };

  const updateStatus = (id: string, payload: unknown): SandboxResponse => {
    const parsed = updatePayload.safeParse(payload);
    if (!parsed.success)
      return rpcError(
        id,
        'INVALID_PARAMS',
        'ID must be a digit string, notes at most 500 characters',
      );
    const target = parsed.data.status ?? parsed.data.Status;
    if (target === undefined || !STATUSES.has(target)) {
      return rpcError(id, 'INVALID_PARAMS', `status must be one of ${[...STATUSES].join(', ')}`);
    }
    const customer = state.customers.get(parsed.data.ID);
    if (!customer) return rpcError(id, 'CUSTOMER_NOT_FOUND', 'Customer not found');
    // Setting the status a customer already has is refused, as the gateway's dry-run preview does
    // for activation; BLACK_LISTED is documented as permanent.
    if (customer.status === target) {
      countWrite(state.writes, 'refused', `${customer.id}:${target}`);
      return rpcError(id, 'INVALID_STATUS_TRANSITION', `Customer is already ${target}`);
    }
    if (customer.status === 'BLACK_LISTED') {
      return rpcError(
        id,
        'INVALID_STATUS_TRANSITION',
        'Customer is BLACK_LISTED (permanently banned); its status cannot change',
      );
    }
    countWrite(state.writes, 'applied', `${customer.id}:${target}`);
    customer.status = target;
    if (parsed.data.notes !== undefined) customer.notes.push(parsed.data.notes);
    return { status: 200, body: { id, result: { Id: customer.id, Status: customer.status } } };
  };

  const signatureValid = (raw: string, payload: unknown, signature: string) => {
    // Compact JSON.stringify output is what a conforming client sends; requiring it verbatim in the
    // body makes a pretty-printed or re-ordered payload fail, as it would against the real bytes.
    const text = JSON.stringify(payload);
    if (!raw.includes(`"payload":${text}`)) return false;
    try {
      return verify(
        'sha256',
        Buffer.from(text, 'utf8'),
        { key: credentials.publicKey, dsaEncoding: 'der' },
        Buffer.from(signature, 'base64'),
      );
    } catch {
      return false;
    }
  };

  return (request: SandboxRequest): SandboxResponse => {
    if (request.path !== '/jsonrpc')
      return { ...rpcError(null, 'METHOD_NOT_FOUND', 'No such endpoint'), status: 404 };
    if (request.method !== 'POST')
      return { ...rpcError(null, 'INVALID_REQUEST', 'Use POST'), status: 405 };
    const raw = request.body.toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return rpcError(null, 'PARSE_ERROR', 'Parse error');
    }
    const parsed = envelope.safeParse(body);
    if (!parsed.success) {
      const id = (body as { id?: unknown } | null)?.id;
      return rpcError(
        typeof id === 'string' ? id : null,
        'INVALID_REQUEST',
        'Expected {method, id, params: {api: {signature, keyId, credential}, payload}} with a non-empty string id',
      );
    }
    const { method, id, params } = parsed.data;
    const { api, payload } = params;
    if (
      api.keyId !== credentials.keyId ||
      api.credential !== credentials.credential ||
      !signatureValid(raw, payload, api.signature)
    ) {
      return rpcError(id, 'AUTHENTICATION_FAILED', 'Request authentication failed');
    }
    if (seen.has(id)) return rpcError(id, 'INVALID_REQUEST', 'Duplicate request id');
    seen.add(id);
    if (seen.size > SEEN_IDS_LIMIT) seen.delete(seen.values().next().value as string);

    if (method === GET_CUSTOMER) return getCustomer(id, payload);
    if (method === UPDATE_CUSTOMER_STATUS) return updateStatus(id, payload);
    return rpcError(id, 'METHOD_NOT_FOUND', 'Method not found');
  };
}

export async function startNetxdSandbox(
  options: SandboxOptions = {},
): Promise<SandboxHandle<NetxdSettings, NetxdSandboxState>> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const keyId = `sandbox-${randomBytes(4).toString('hex')}`;
  const credential = randomBytes(24).toString('base64url');
  const state: NetxdSandboxState = {
    customers: seedNetxdCustomers(),
    getCustomerCasing: 'ID/Status',
    publicKey,
    writes: writeCounts(options),
  };
  const server = await startSandboxServer(
    createNetxdHandler({ keyId, credential, publicKey }, state),
    options,
  );
  return {
    ...server,
    state,
    settings: {
      baseUrl: server.url,
      keyId,
      credential,
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
  };
}
