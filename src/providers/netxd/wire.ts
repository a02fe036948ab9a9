/** zod schemas of NetXD's raw payloads (only the fields the gateway reads) and its error codes. */
import { z } from 'zod';
import type { GatewayErrorCode } from '../../errors.js';
import type { UserErrorCode } from '../../generated/graphql.js';

export const GET_CUSTOMER = 'CustomerService.GetCustomer';
export const UPDATE_CUSTOMER_STATUS = 'CustomerService.UpdateCustomerStatus';
export type NetxdMethod = typeof GET_CUSTOMER | typeof UPDATE_CUSTOMER_STATUS;

/** NetXD customer ids are digit strings (the samples quote them); a number is accepted if exact. */
const customerId = z
  .union([z.string().regex(/^\d+$/), z.number().int().nonnegative().refine(Number.isSafeInteger)])
  .transform(String);
const status = z.string().nullish();

/**
 * A customer as GetCustomer and UpdateCustomerStatus return it. UpdateCustomerStatus documents
 * `{Id, Status}`; GetCustomer's result is undocumented, so `ID`/`Id` and `Status`/`status` are all
 * accepted (docs/providers/netxd.md).
 */
export const netxdCustomer = z
  .object({ ID: customerId.optional(), Id: customerId.optional(), Status: status, status })
  .transform((wire, ctx) => {
    const id = wire.ID ?? wire.Id;
    if (id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ID'], message: 'ID or Id is required' });
      return z.NEVER;
    }
    return { id, status: wire.Status ?? wire.status ?? null };
  });
export type NetxdCustomer = z.infer<typeof netxdCustomer>;

/** What the gateway makes of a NetXD JSON-RPC error code. */
export type NetxdErrorMapping =
  | { user: Extract<UserErrorCode, 'INVALID_INPUT' | 'NOT_FOUND' | 'INVALID_STATE'> }
  | { upstream: Extract<GatewayErrorCode, 'PROVIDER_UNAVAILABLE' | 'PROVIDER_AUTH_FAILED'> };

/**
 * NetXD's JSON-RPC error codes are not documented. This table is the gateway's assumption: the
 * JSON-RPC 2.0 reserved codes, plus codes in the implementation-defined server range for the
 * business outcomes. Not-found on a read becomes null (index.ts). Any code not listed here is a
 * PROVIDER_REJECTED user error carrying the code. The sandbox answers with these same codes.
 */
export const NETXD_ERRORS = {
  /** NetXD could not parse our JSON: our bug, not the caller's. */
  PARSE_ERROR: { code: -32700, maps: { upstream: 'PROVIDER_UNAVAILABLE' } },
  /** The envelope was refused (missing or reused id, bad shape): our bug, not the caller's. */
  INVALID_REQUEST: { code: -32600, maps: { upstream: 'PROVIDER_UNAVAILABLE' } },
  /** The method does not exist there: our bug or their outage, never the caller's. */
  METHOD_NOT_FOUND: { code: -32601, maps: { upstream: 'PROVIDER_UNAVAILABLE' } },
  INVALID_PARAMS: { code: -32602, maps: { user: 'INVALID_INPUT' } },
  INTERNAL_ERROR: { code: -32603, maps: { upstream: 'PROVIDER_UNAVAILABLE' } },
  SERVER_ERROR: { code: -32000, maps: { upstream: 'PROVIDER_UNAVAILABLE' } },
  CUSTOMER_NOT_FOUND: { code: -32001, maps: { user: 'NOT_FOUND' } },
  INVALID_STATUS_TRANSITION: { code: -32002, maps: { user: 'INVALID_STATE' } },
  /** Signature, key id or credential rejected: an operator must fix configuration. */
  AUTHENTICATION_FAILED: { code: -32003, maps: { upstream: 'PROVIDER_AUTH_FAILED' } },
} as const satisfies Record<string, { code: number; maps: NetxdErrorMapping }>;

const BY_CODE: ReadonlyMap<string, NetxdErrorMapping> = new Map(
  Object.values(NETXD_ERRORS).map((entry) => [String(entry.code), entry.maps]),
);

/** The mapping of a JSON-RPC error code, numeric or a numeric string; undefined when not listed. */
export function netxdErrorMapping(code: number | string): NetxdErrorMapping | undefined {
  return BY_CODE.get(String(code).trim());
}
