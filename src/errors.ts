import type { ProviderId } from './providers/ids.js';
import type { UserErrorCode } from './generated/graphql.js';

/**
 * Public codes of GraphQL errors (`extensions.code`) for failures that are not the caller's to fix.
 * The codes are the API; the classes below are internal.
 */
export const GatewayErrorCode = {
  /**
   * 5xx, connection refused, or a response we could not understand. Safe to retry later. With
   * `extensions.circuit` OPEN the gateway sent nothing (the provider's circuit is open).
   */
  PROVIDER_UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
  /** A read, or a write that provably never reached the provider, ran out of time. Safe to retry. */
  PROVIDER_TIMEOUT: 'PROVIDER_TIMEOUT',
  /** The provider rejected the gateway's own credentials. An operator must fix configuration. */
  PROVIDER_AUTH_FAILED: 'PROVIDER_AUTH_FAILED',
  /** The provider answered 429. `extensions.retryAfter` holds seconds to wait when known. */
  PROVIDER_RATE_LIMITED: 'PROVIDER_RATE_LIMITED',
  /** A write was sent but no answer came: check the record before retrying. */
  OUTCOME_UNKNOWN: 'OUTCOME_UNKNOWN',
  /** The provider is disabled by configuration. */
  PROVIDER_DISABLED: 'PROVIDER_DISABLED',
} as const;
export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

/** A provider failure: becomes a GraphQL error with `extensions.code` and `extensions.provider`. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly code: GatewayErrorCode,
    readonly provider: ProviderId,
    message: string,
    readonly options: {
      retryAfter?: number;
      cause?: unknown;
      /** Set when the provider's circuit refused the call: nothing was sent. */
      circuit?: 'OPEN';
    } = {},
  ) {
    super(message, { cause: options.cause });
  }
}

/**
 * The client may not do this: a field its scopes do not cover, or a provider or card program
 * outside its share. Becomes a GraphQL error with `extensions.code` FORBIDDEN, decided before any
 * upstream call.
 */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
  constructor(
    message: string,
    readonly details: {
      requiredScopes?: readonly (readonly string[])[];
      provider?: ProviderId;
    } = {},
  ) {
    super(message);
  }
}

/** The limits an operation can exceed (`extensions.limit` of OPERATION_TOO_COMPLEX). */
export type OperationLimit = 'depth' | 'aliases' | 'rootFields' | 'tokens' | 'upstreamCalls';

/** An operation over one of the operation limits: nothing of it runs. */
export class OperationTooComplexError extends Error {
  override readonly name = 'OperationTooComplexError';
  constructor(
    readonly limit: OperationLimit,
    message: string,
  ) {
    super(message);
  }
}

/** One user-fixable problem or business outcome, reported in a payload's `userErrors`. */
export interface UserErrorModel {
  code: UserErrorCode;
  message: string;
  field?: string[];
  provider?: ProviderId;
  providerCode?: string;
}

/** Thrown by adapters and validators; resolvers turn it into `userErrors` (or a GraphQL error on reads). */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
  readonly errors: readonly UserErrorModel[];
  constructor(errors: UserErrorModel | readonly UserErrorModel[]) {
    const list = (Array.isArray(errors) ? errors : [errors]) as readonly UserErrorModel[];
    super(list.map((e) => e.message).join('; '));
    this.errors = list;
  }
}

export function userError(
  code: UserErrorCode,
  message: string,
  extra: Omit<UserErrorModel, 'code' | 'message'> = {},
): UserFacingError {
  return new UserFacingError({ code, message, ...extra });
}

/** The first error of `type` in an error's chain of original errors. */
export function causeOf<T extends Error>(
  error: unknown,
  type: new (...args: never[]) => T,
): T | undefined {
  for (let current = error, hops = 0; current && hops < 5; hops++) {
    if (current instanceof type) return current;
    current = (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}

/** Most characters of the caller's own input an error message quotes. */
export const MAX_QUOTED_INPUT = 64;

/**
 * The caller's own input as an error message may quote it: in quotes, cut to 64 characters, so a
 * huge value cannot make a huge answer. Never for secrets (activation codes, keys, tokens).
 */
export function quoteInput(value: string): string {
  return value.length > MAX_QUOTED_INPUT
    ? `"${value.slice(0, MAX_QUOTED_INPUT)}…" (${value.length} characters)`
    : `"${value}"`;
}
