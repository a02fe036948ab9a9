/**
 * EnKash's outcome vocabulary in one place: the customer status an activation implies, the errorType
 * table, and the HTTP-status fallback for 4xx envelopes without a readable errorType.
 */
import type { CustomerStatus, UserErrorCode } from '../../generated/graphql.js';
import { GatewayErrorCode, UpstreamError, userError, type UserFacingError } from '../../errors.js';
import type { NormalizedStatus } from '../status.js';
import type { EnkashEnvelope } from './wire.js';

/** EnKash reports no customer status; a successful activation is documented to mean ACTIVE. */
export const ENKASH_ACTIVATED: NormalizedStatus = { status: 'ACTIVE', providerStatus: null };

/** EnKash AR has no status-change call the gateway maps (activate is its own mutation). */
export const ENKASH_SETTABLE_STATUSES = [] as const satisfies readonly CustomerStatus[];

/** What one EnKash errorType means: a user error in `userErrors`, or a provider failure. */
export type EnkashErrorRule =
  | { readonly kind: 'user'; readonly code: UserErrorCode }
  | {
      readonly kind: 'upstream';
      readonly code: GatewayErrorCode;
      /** The access token itself was refused: the transport renews it and retries once first. */
      readonly renewToken?: boolean;
    };

/** Every errorType EnKash documents for the AR customer APIs. */
export const ENKASH_ERROR_TABLE = {
  VALIDATION_ERROR: { kind: 'user', code: 'INVALID_INPUT' },
  CLIENT_REQUEST_ERROR: { kind: 'user', code: 'INVALID_INPUT' },
  RECORD_NOT_FOUND: { kind: 'user', code: 'NOT_FOUND' },
  UNPROCESSABLE_REQUEST: { kind: 'user', code: 'INVALID_STATE' },
  UNAUTHORIZED: { kind: 'upstream', code: 'PROVIDER_AUTH_FAILED', renewToken: true },
  // Our account lacks a right: a fresh token would carry the same rights, so no retry.
  INVALID_ACCESS: { kind: 'upstream', code: 'PROVIDER_AUTH_FAILED' },
  SYSTEM_ERROR: { kind: 'upstream', code: 'PROVIDER_UNAVAILABLE' },
  UNKNOWN_ERROR: { kind: 'upstream', code: 'PROVIDER_UNAVAILABLE' },
  CLIENT_REQUEST_ABORT: { kind: 'upstream', code: 'PROVIDER_UNAVAILABLE' },
} as const satisfies Record<string, EnkashErrorRule>;

export type EnkashErrorType = keyof typeof ENKASH_ERROR_TABLE;

/** The rule of an errorType; undefined for a value the table does not know. */
export function enkashErrorRule(errorType: string | null | undefined): EnkashErrorRule | undefined {
  return errorType && Object.hasOwn(ENKASH_ERROR_TABLE, errorType)
    ? ENKASH_ERROR_TABLE[errorType as EnkashErrorType]
    : undefined;
}

/**
 * 4xx answers in EnKash's envelope but without a readable errorType; any other status is
 * PROVIDER_REJECTED. A 4xx that is not an envelope at all never reaches this table (enkashOutcome).
 */
export const ENKASH_HTTP_STATUS_TABLE: Readonly<Record<number, UserErrorCode>> = {
  400: 'INVALID_INPUT',
  404: 'NOT_FOUND',
  422: 'INVALID_STATE',
};

/** The error an EnKash errorType becomes. An unknown errorType is PROVIDER_REJECTED, never a crash. */
export function enkashErrorFor(
  errorType: string | null | undefined,
  errorMessage: string | null | undefined,
): UserFacingError | UpstreamError {
  const rule = enkashErrorRule(errorType);
  if (rule?.kind === 'upstream') {
    // EnKash's own text is not shown for provider failures: it is not the caller's to act on.
    const message =
      rule.code === GatewayErrorCode.PROVIDER_AUTH_FAILED
        ? `enkash rejected the gateway's credentials (${errorType})`
        : `enkash failed with ${errorType}`;
    return new UpstreamError(rule.code, 'enkash', message);
  }
  const code = rule?.code ?? 'PROVIDER_REJECTED';
  return userError(
    code,
    errorMessage || `EnKash rejected the request (${errorType ?? 'no errorType'})`,
    {
      provider: 'enkash',
      ...(errorType ? { providerCode: errorType } : {}),
    },
  );
}

/**
 * Decides an answer by its envelope, not its HTTP status: null when it is a success, otherwise the
 * error to throw. `envelope` is null when the body is not EnKash's envelope: PROVIDER_UNAVAILABLE
 * (the client never passes null for a 2xx; parseWire makes that OUTCOME_UNKNOWN on a write). An
 * errorResponse wins; then a 4xx status (ENKASH_HTTP_STATUS_TABLE); then a non-zero response_code.
 */
export function enkashOutcome(
  statusCode: number,
  envelope: EnkashEnvelope | null,
): UserFacingError | UpstreamError | null {
  const error = envelope?.errorResponse;
  // Serialisers may send an errorResponse whose members are all null on success.
  if (error && (error.errorType || error.errorMessage)) {
    return enkashErrorFor(error.errorType, error.errorMessage);
  }
  const accepted = statusCode >= 200 && statusCode < 300;
  if (!envelope || (!accepted && (statusCode < 400 || statusCode >= 500))) {
    // Not EnKash speaking (an HTML page from a proxy, a framework's 404 for a wrong path or
    // origin, a redirect): its status says nothing about the customer, so it is no user error.
    return new UpstreamError(
      GatewayErrorCode.PROVIDER_UNAVAILABLE,
      'enkash',
      `enkash answered HTTP ${statusCode} without an EnKash error`,
    );
  }
  const message = envelope.response_message || null;
  if (!accepted) {
    return userError(
      ENKASH_HTTP_STATUS_TABLE[statusCode] ?? 'PROVIDER_REJECTED',
      message ?? `EnKash rejected the request (HTTP ${statusCode})`,
      { provider: 'enkash', providerCode: String(statusCode) },
    );
  }
  const code = envelope.response_code;
  if (code !== null && code !== undefined && code !== 0) {
    return userError('PROVIDER_REJECTED', message ?? `EnKash answered response_code ${code}`, {
      provider: 'enkash',
      providerCode: String(code),
    });
  }
  return null;
}
