/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Activate a customer at the provider that owns it. */
export type ActivateCustomerInput = {
  /** Fusebill only: also activate draft purchases. Default true. */
  activateAllDraftPurchases?: boolean | null | undefined;
  /** Fusebill only: also activate draft subscriptions. Default true. */
  activateAllSubscriptions?: boolean | null | undefined;
  /** Global customer id, for example `fusebill:8708457` or `enkash:KC1234567890ABCD`. */
  customerId: string | number;
  /** EnKash only: the parent company, matching ^CEK[A-Z0-9]{7}$. Rejected for other providers. */
  parentCompanyId?: string | null | undefined;
  /** Fusebill only: include zero-dollar charges on the invoices. Default false. */
  showZeroDollarCharges?: boolean | null | undefined;
  /** Fusebill only: keep the resulting invoice as a draft instead of posting it. Default false. */
  temporarilyDisableAutoPost?: boolean | null | undefined;
};

/** One activation code to set on one card. */
export type CardActivationCodeInput = {
  /** The code the cardholder must enter: 4 to 16 letters or digits, case-sensitive. A secret: never logged or returned. */
  activationCode: string;
  /** The card's client program number (Blackhawk quoteNumber), digits only. */
  programNumber: string;
  /** The card's proxy number, digits only, sent as a string. */
  proxyNumber: string;
};

/** Why the cards of a `CardBatchFailure` were not confirmed. */
export type CardBatchFailureCode =
  /** The gateway did not send these codes, because an earlier batch failed or because the operation's overall deadline passed before their batch started; none of them were set. Sending them again is safe. */
  | 'NOT_SENT'
  /** The batch was sent but no usable answer came (no answer in time, connection reset, an intermediary's gateway error): its codes MAY have been set, and `outcomeUnknown` is true. Check the cards before retrying; sending the same codes again is safe. */
  | 'OUTCOME_UNKNOWN'
  /** Blackhawk rejected the gateway's own credentials; none of the codes were set. An operator must fix the configuration. */
  | 'PROVIDER_AUTH_FAILED'
  /** Blackhawk answered 429; none of the codes were set. Wait `retryAfter` seconds (when given), then send them again. */
  | 'PROVIDER_RATE_LIMITED'
  /** Blackhawk refused the batch (a 4xx, or `success: false`); none of its codes were set. The message says why. Fix the cause, then send them again. */
  | 'PROVIDER_REJECTED'
  /** The batch ran out of time before it reached Blackhawk (waiting for a connection or a token); none of its codes were set. Sending them again is safe. */
  | 'PROVIDER_TIMEOUT'
  /** Blackhawk could not be reached or answered with a server error, so it did not take the batch; none of its codes were set. Sending them again later is safe. */
  | 'PROVIDER_UNAVAILABLE';

/** One status vocabulary for every provider's customer lifecycle. */
export type CustomerStatus =
  /** Fully active: can transact and be billed. */
  | 'ACTIVE'
  /** Permanently banned (NetXD BLACK_LISTED). */
  | 'BLACKLISTED'
  /** Restricted from all activities (NetXD BLOCKED). */
  | 'BLOCKED'
  /** Cancelled; Fusebill allows un-cancelling (Fusebill Cancelled/Canceled). */
  | 'CANCELLED'
  /** Inactive for a provider-defined period (NetXD DORMANT). */
  | 'DORMANT'
  /** Created but never activated (Fusebill Draft). */
  | 'DRAFT'
  /** Not currently active (NetXD IN_ACTIVE). */
  | 'INACTIVE'
  /** Put on hold by an operator: no new charges or collections (Fusebill Hold). */
  | 'ON_HOLD'
  /** Temporarily disabled, by an operator or automatically (NetXD SUSPENDED, Fusebill Suspended). */
  | 'SUSPENDED'
  /** The provider sent a status this gateway does not know yet, or the provider has no status read. See `providerStatus` for the raw value. */
  | 'UNKNOWN';

/** The upstream provider that owns a customer or card. */
export type Provider =
  /** Blackhawk Network Code Activation Service (REST, OAuth client credentials). */
  | 'BLACKHAWK'
  /** EnKash Accounts Receivable (REST, OAuth password grant). */
  | 'ENKASH'
  /** Fusebill / Stax Bill subscription billing (REST, API key). */
  | 'FUSEBILL'
  /** NetXD core banking (JSON-RPC with ECDSA-signed requests). */
  | 'NETXD';

/** Codes to set, one per card. Every record is validated before anything is sent; one bad record sends nothing. */
export type SetCardActivationCodesInput = {
  /** The codes; the same card may appear twice only with the same code (the duplicate is sent once). */
  codes: Array<CardActivationCodeInput>;
};

/** Categories of `UserError`. */
export type UserErrorCode =
  /** The input is malformed or fails a documented rule (id format, code format, missing field). Nothing was sent upstream. */
  | 'INVALID_INPUT'
  /** The request is valid but the record is in a state that does not allow it (for example activating an already active customer). */
  | 'INVALID_STATE'
  /** The customer or card does not exist at the provider. */
  | 'NOT_FOUND'
  /** The provider refused the request for a reason not covered above; see `providerCode` and `message`. */
  | 'PROVIDER_REJECTED'
  /** The provider cannot do this operation (or cannot express this status). Nothing was sent upstream. */
  | 'UNSUPPORTED_BY_PROVIDER';

export type ActivateCustomerMutationVariables = Exact<{
  input: ActivateCustomerInput;
}>;


export type ActivateCustomerMutation = { activateCustomer: { reconciled: boolean, customer: { id: string, status: CustomerStatus, providerStatus: string | null } | null, invoices: Array<{ status: string | null, total: number | null }>, userErrors: Array<{ code: UserErrorCode, message: string, field: Array<string> | null }> } };

export type CustomerQueryVariables = Exact<{
  id: string | number;
}>;


export type CustomerQuery = { customer: { id: string, provider: Provider, status: CustomerStatus, providerStatus: string | null } | null };

export type SetCardActivationCodesMutationVariables = Exact<{
  input: SetCardActivationCodesInput;
}>;


export type SetCardActivationCodesMutation = { setCardActivationCodes: { acceptedCount: number, cards: Array<{ id: string, activationCodeSet: boolean }>, failures: Array<{ code: CardBatchFailureCode, outcomeUnknown: boolean, retryAfter: number | null, cards: Array<{ id: string }> }>, userErrors: Array<{ code: UserErrorCode, message: string, field: Array<string> | null }> } };


export const ActivateCustomerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ActivateCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ActivateCustomerInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"activateCustomer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}}]}},{"kind":"Field","name":{"kind":"Name","value":"invoices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"total"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reconciled"}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}}]}}]} as unknown as DocumentNode<ActivateCustomerMutation, ActivateCustomerMutationVariables>;
export const CustomerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Customer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"providerStatus"}}]}}]}}]} as unknown as DocumentNode<CustomerQuery, CustomerQueryVariables>;
export const SetCardActivationCodesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetCardActivationCodes"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SetCardActivationCodesInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setCardActivationCodes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"acceptedCount"}},{"kind":"Field","name":{"kind":"Name","value":"cards"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"activationCodeSet"}}]}},{"kind":"Field","name":{"kind":"Name","value":"failures"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"outcomeUnknown"}},{"kind":"Field","name":{"kind":"Name","value":"retryAfter"}},{"kind":"Field","name":{"kind":"Name","value":"cards"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"field"}}]}}]}}]}}]} as unknown as DocumentNode<SetCardActivationCodesMutation, SetCardActivationCodesMutationVariables>;