/* eslint-disable */
import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { CustomerModel, CardModel, NodeModel } from '../providers/contract.js';
import type { GatewayContext } from '../gateway/context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /**
   * A file sent with the GraphQL multipart request spec
   * (https://github.com/jaydenseric/graphql-multipart-request-spec). Send the request as
   * multipart/form-data with an `Apollo-Require-Preflight: true` header (CSRF protection is on).
   */
  Upload: { input: Promise<import("graphql-upload/processRequest.mjs").FileUpload>; output: Promise<import("graphql-upload/processRequest.mjs").FileUpload>; }
};

/** Activate a customer at the provider that owns it. */
export type ActivateCustomerInput = {
  /** Fusebill only: also activate draft purchases. Default true. */
  activateAllDraftPurchases?: InputMaybe<Scalars['Boolean']['input']>;
  /** Fusebill only: also activate draft subscriptions. Default true. */
  activateAllSubscriptions?: InputMaybe<Scalars['Boolean']['input']>;
  /** Global customer id, for example `fusebill:8708457` or `enkash:KC1234567890ABCD`. */
  customerId: Scalars['ID']['input'];
  /** EnKash only: the parent company, matching ^CEK[A-Z0-9]{7}$. Rejected for other providers. */
  parentCompanyId?: InputMaybe<Scalars['String']['input']>;
  /** Fusebill only: include zero-dollar charges on the invoices. Default false. */
  showZeroDollarCharges?: InputMaybe<Scalars['Boolean']['input']>;
  /** Fusebill only: keep the resulting invoice as a draft instead of posting it. Default false. */
  temporarilyDisableAutoPost?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Result of `activateCustomer`. */
export type ActivateCustomerPayload = {
  __typename?: 'ActivateCustomerPayload';
  /** The customer with its new status; null when `userErrors` is not empty. */
  customer?: Maybe<Customer>;
  /**
   * Invoices the activation created (Fusebill); empty for other providers, and empty when
   * `reconciled` is true (the earlier run's invoices cannot be read back).
   */
  invoices: Array<InvoicePreview>;
  /**
   * True when this answer settles an earlier request with the same `Idempotency-Key` whose outcome
   * was unknown: the gateway read the customer, found it already in the target status, and did not
   * write again. False for every ordinary run.
   */
  reconciled: Scalars['Boolean']['output'];
  /** Why the customer was not activated. When not empty, nothing was changed. */
  userErrors: Array<UserError>;
};

/** What activating a customer would do, without doing it. */
export type ActivationPreview = {
  __typename?: 'ActivationPreview';
  /** The customer as it is now; a preview never changes it. */
  customer: Customer;
  /** Invoices the activation would create; empty when the provider does not simulate invoices. */
  invoices: Array<InvoicePreview>;
  /** True when the provider itself simulated the activation (Fusebill preview); false when the gateway did a dry run (input validation and a status read where the provider has one). */
  native: Scalars['Boolean']['output'];
  /** The status the customer would have after a successful activation. */
  resultingStatus: CustomerStatus;
};

/** Result of `customerActivationPreview`. */
export type ActivationPreviewPayload = {
  __typename?: 'ActivationPreviewPayload';
  /** The preview; null when `userErrors` is not empty. */
  preview?: Maybe<ActivationPreview>;
  /** Why the activation would not work (invalid input, not found, already active, unsupported). */
  userErrors: Array<UserError>;
};

/** Update many customers from a file (EnKash bulk update). */
export type BulkUpdateCustomersInput = {
  /** The file in the provider's bulk format (EnKash: CSV or Excel). Sent as a multipart upload. */
  file: Scalars['Upload']['input'];
  /** EnKash: the parent company, matching ^CEK[A-Z0-9]{7}$. */
  parentCompanyId?: InputMaybe<Scalars['String']['input']>;
  /** The provider to send the file to. Only ENKASH supports bulk updates. */
  provider: Provider;
};

/** Result of `bulkUpdateCustomers`. */
export type BulkUpdateCustomersPayload = {
  __typename?: 'BulkUpdateCustomersPayload';
  /** What the provider did with the file; null when `userErrors` is not empty. */
  result?: Maybe<BulkUpdateResult>;
  /** Why the file was not processed. When not empty, nothing was changed. */
  userErrors: Array<UserError>;
};

/** Counts and report files of a bulk update, as the provider reported them. */
export type BulkUpdateResult = {
  __typename?: 'BulkUpdateResult';
  /** Rows rejected. */
  failureCount: Scalars['Int']['output'];
  /** Where to download the report of rejected rows, when the provider made one. */
  failureFileUrl?: Maybe<Scalars['String']['output']>;
  /** Rows applied. */
  successCount: Scalars['Int']['output'];
  /** Where to download the report of applied rows, when the provider made one. */
  successFileUrl?: Maybe<Scalars['String']['output']>;
  /** Rows in the file. */
  totalCount: Scalars['Int']['output'];
  /** Rows applied with warnings. */
  warnCount: Scalars['Int']['output'];
};

/** A prepaid or gift card at Blackhawk, identified by its program and proxy numbers. */
export type Card = Node & {
  __typename?: 'Card';
  /**
   * True when the provider confirmed, in this operation, that the card's activation code is set. False
   * when it was not confirmed: for a card in a `CardBatchFailure` with `outcomeUnknown: true` the code
   * MAY have been set; in any other failure it was not. The code itself is a secret and is never returned.
   */
  activationCodeSet: Scalars['Boolean']['output'];
  /** Global id `blackhawk:<programNumber>:<proxyNumber>`. */
  id: Scalars['ID']['output'];
  /** The client program the card belongs to (Blackhawk's quoteNumber). A digit string, kept as a string end to end. */
  programNumber: Scalars['String']['output'];
  /** The provider that holds the card. */
  provider: Provider;
  /** The card's proxy number. A digit string of up to 19 digits, kept as a string end to end (it does not fit a JavaScript number). */
  proxyNumber: Scalars['String']['output'];
};

/** One activation code to set on one card. */
export type CardActivationCodeInput = {
  /** The code the cardholder must enter: 4 to 16 letters or digits, case-sensitive. A secret: never logged or returned. */
  activationCode: Scalars['String']['input'];
  /** The card's client program number (Blackhawk quoteNumber), digits only. */
  programNumber: Scalars['String']['input'];
  /** The card's proxy number, digits only, sent as a string. */
  proxyNumber: Scalars['String']['input'];
};

/**
 * Cards whose codes the provider did not confirm, grouped by what happened to them: one entry per
 * failed batch, then one `NOT_SENT` entry for every card never sent.
 */
export type CardBatchFailure = {
  __typename?: 'CardBatchFailure';
  /** The cards of this entry, each with `activationCodeSet: false` (not confirmed; possibly set when `outcomeUnknown` is true). */
  cards: Array<Card>;
  /** What happened to these cards; switch on this, not on `message`. */
  code: CardBatchFailureCode;
  /** What went wrong and whether sending again is safe, without secrets or upstream bodies. */
  message: Scalars['String']['output'];
  /**
   * True only for `OUTCOME_UNKNOWN`: the provider received these codes but did not answer, so they MAY
   * have been set even though each card shows `activationCodeSet: false`. Check before relying on them;
   * setting the same code again is safe. False means none of these codes were set.
   */
  outcomeUnknown: Scalars['Boolean']['output'];
  /** Seconds the provider asked to wait before sending these codes again (`PROVIDER_RATE_LIMITED` only); null when it did not say. */
  retryAfter?: Maybe<Scalars['Int']['output']>;
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

/** The state of a provider's circuit breaker, which stops calls to a provider that keeps failing. */
export type CircuitState =
  /** Calls go through; failures in a row are being counted. */
  | 'CLOSED'
  /** Cool-down over: one trial call is going through; other calls fail at once. Its success closes the circuit, its failure opens it again. */
  | 'HALF_OPEN'
  /** Too many failures in a row: calls fail at once with PROVIDER_UNAVAILABLE (`extensions.circuit` OPEN) and nothing is sent, until the cool-down (BREAKER_COOLDOWN_MS) has passed and a call arrives. */
  | 'OPEN';

/** A customer record held by one provider. */
export type Customer = Node & {
  __typename?: 'Customer';
  /** Global id `<provider>:<providerCustomerId>`, for example `fusebill:8708457`, `netxd:100000000025001`, `enkash:KC1234567890ABCD`. */
  id: Scalars['ID']['output'];
  /** The provider that owns this customer. */
  provider: Provider;
  /** The customer's id at the provider, exactly as the provider spells it. */
  providerCustomerId: Scalars['String']['output'];
  /** The raw status exactly as the provider sent it; null when the provider reported none. */
  providerStatus?: Maybe<Scalars['String']['output']>;
  /** The provider's status normalized into the shared vocabulary. Unknown provider values become UNKNOWN and never fail the request. */
  status: CustomerStatus;
};

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

/** A charge line on an invoice preview (Fusebill draft charge). */
export type InvoiceCharge = {
  __typename?: 'InvoiceCharge';
  /** Total amount of this charge line. */
  amount?: Maybe<Scalars['Float']['output']>;
  /** What the charge is for, when the provider describes it. */
  description?: Maybe<Scalars['String']['output']>;
  /** The charge's name as the provider shows it. */
  name?: Maybe<Scalars['String']['output']>;
  /** Quantity billed. */
  quantity?: Maybe<Scalars['Float']['output']>;
  /** Price of one unit. */
  unitPrice?: Maybe<Scalars['Float']['output']>;
};

/** An invoice that an activation creates, or would create in a preview (Fusebill draft invoice). */
export type InvoicePreview = {
  __typename?: 'InvoicePreview';
  /** Charge lines. */
  charges: Array<InvoiceCharge>;
  /** The invoice's status at the provider, verbatim (for example Ready, Pending, Projected). */
  status?: Maybe<Scalars['String']['output']>;
  /** Sum of charges before discounts and taxes. */
  subtotal?: Maybe<Scalars['Float']['output']>;
  /** Tax lines. */
  taxes: Array<InvoiceTax>;
  /** Amount due: subtotal minus discounts plus taxes. */
  total?: Maybe<Scalars['Float']['output']>;
  /** Sum of discounts. */
  totalDiscount?: Maybe<Scalars['Float']['output']>;
};

/** A tax line on an invoice preview. */
export type InvoiceTax = {
  __typename?: 'InvoiceTax';
  /** Tax amount. */
  amount?: Maybe<Scalars['Float']['output']>;
  /** The tax's name, for example a jurisdiction's sales tax. */
  name?: Maybe<Scalars['String']['output']>;
};

/** Write operations. User-fixable problems come back in each payload's `userErrors`; provider failures are GraphQL errors with `extensions.code`. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Activates a customer at its provider (EnKash activate, Fusebill customerActivation, NetXD status ACTIVE). */
  activateCustomer: ActivateCustomerPayload;
  /** Sends a bulk update file to the provider (EnKash). */
  bulkUpdateCustomers: BulkUpdateCustomersPayload;
  /**
   * Sets activation codes on Blackhawk cards, in batches of at most 1,000 codes sent a few at a time.
   * When at least one card was set, the payload lists `cards` and `failures` (a partial success). When
   * none was: invalid input or a Blackhawk refusal is in `userErrors`; any other failure is a GraphQL
   * error, `OUTCOME_UNKNOWN` when a batch got no answer (check the cards before retrying; setting the
   * same code again is safe), otherwise that of the first failed batch (with `retryAfter` for
   * `PROVIDER_RATE_LIMITED`), or `PROVIDER_TIMEOUT` when the operation's overall deadline passed
   * before any batch was sent. Batches not started by that deadline are `NOT_SENT`; a batch already
   * started runs to its own deadline.
   */
  setCardActivationCodes: SetCardActivationCodesPayload;
  /** Moves a customer to another status where the provider can express it (NetXD: all but DRAFT, ON_HOLD, CANCELLED, UNKNOWN; Fusebill: ON_HOLD). */
  updateCustomerStatus: UpdateCustomerStatusPayload;
};


/** Write operations. User-fixable problems come back in each payload's `userErrors`; provider failures are GraphQL errors with `extensions.code`. */
export type MutationActivateCustomerArgs = {
  input: ActivateCustomerInput;
};


/** Write operations. User-fixable problems come back in each payload's `userErrors`; provider failures are GraphQL errors with `extensions.code`. */
export type MutationBulkUpdateCustomersArgs = {
  input: BulkUpdateCustomersInput;
};


/** Write operations. User-fixable problems come back in each payload's `userErrors`; provider failures are GraphQL errors with `extensions.code`. */
export type MutationSetCardActivationCodesArgs = {
  input: SetCardActivationCodesInput;
};


/** Write operations. User-fixable problems come back in each payload's `userErrors`; provider failures are GraphQL errors with `extensions.code`. */
export type MutationUpdateCustomerStatusArgs = {
  input: UpdateCustomerStatusInput;
};

/** Anything that can be fetched again by its global `id` through `Query.node`. */
export type Node = {
  /** Global id: `<provider>:<provider's own id>` with the provider in lower case, for example `fusebill:8708457`. */
  id: Scalars['ID']['output'];
};

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

/** A provider and what it can do here. */
export type ProviderInfo = {
  __typename?: 'ProviderInfo';
  /** The state of this gateway process's circuit breaker for the provider; null when it is disabled. */
  circuit?: Maybe<CircuitState>;
  /** Whether it runs against its sandbox, live, or is disabled. */
  mode: ProviderMode;
  /** Operations this provider supports through the gateway. */
  operations: Array<ProviderOperation>;
  /** The provider. */
  provider: Provider;
  /** Statuses `updateCustomerStatus` can set at this provider; empty when it cannot change status. */
  settableStatuses: Array<CustomerStatus>;
};

/** How the gateway reaches a provider. */
export type ProviderMode =
  /** Turned off by configuration; every operation on it fails with PROVIDER_DISABLED. */
  | 'DISABLED'
  /** Against the real provider at the configured *_BASE_URL with real credentials. */
  | 'LIVE'
  /** Against the embedded sandbox that speaks the provider's wire protocol (no *_BASE_URL configured). */
  | 'SANDBOX';

/** An operation a provider may support. */
export type ProviderOperation =
  /** Mutation.activateCustomer. */
  | 'ACTIVATE_CUSTOMER'
  /** Mutation.bulkUpdateCustomers. */
  | 'BULK_UPDATE_CUSTOMERS'
  /** Query.customerActivationPreview computed by the provider itself (otherwise a gateway dry run). */
  | 'NATIVE_ACTIVATION_PREVIEW'
  /** Query.customer and Query.node for customers. */
  | 'READ_CUSTOMER'
  /** Mutation.setCardActivationCodes. */
  | 'SET_CARD_ACTIVATION_CODES'
  /** Mutation.updateCustomerStatus (see `settableStatuses`). */
  | 'UPDATE_CUSTOMER_STATUS';

/** Read operations. */
export type Query = {
  __typename?: 'Query';
  /** A customer by global id. Null when the provider says it does not exist. Errors with code UNSUPPORTED_BY_PROVIDER for providers without a read (EnKash) and INVALID_INPUT for a malformed id. */
  customer?: Maybe<Customer>;
  /** Shows what `activateCustomer` would do without doing it. */
  customerActivationPreview: ActivationPreviewPayload;
  /** Any object by global id (customers and cards). Null when it does not exist. */
  node?: Maybe<Node>;
  /** The providers this client may use, each with its mode and the operations it supports. */
  providers: Array<ProviderInfo>;
};


/** Read operations. */
export type QueryCustomerArgs = {
  id: Scalars['ID']['input'];
};


/** Read operations. */
export type QueryCustomerActivationPreviewArgs = {
  input: ActivateCustomerInput;
};


/** Read operations. */
export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};

/** Codes to set, one per card. Every record is validated before anything is sent; one bad record sends nothing. */
export type SetCardActivationCodesInput = {
  /** The codes; the same card may appear twice only with the same code (the duplicate is sent once). */
  codes: Array<CardActivationCodeInput>;
};

/**
 * Result of `setCardActivationCodes`, returned when the codes were invalid (`userErrors`), Blackhawk
 * refused them (`userErrors`), or at least one card was set (`cards`, with `failures` for the rest). When
 * no card was set for any other reason, the mutation raises a GraphQL error instead (see its description).
 */
export type SetCardActivationCodesPayload = {
  __typename?: 'SetCardActivationCodesPayload';
  /** How many codes the provider confirmed (the length of `cards`). */
  acceptedCount: Scalars['Int']['output'];
  /** Cards whose codes the provider confirmed as set in this operation. */
  cards: Array<Card>;
  /**
   * Every card sent or meant to be sent but not confirmed, grouped by cause. Empty when every card was
   * set, and whenever `userErrors` is not empty. Together with `cards` it names every card of the input
   * exactly once (exact duplicates count once).
   */
  failures: Array<CardBatchFailure>;
  /**
   * True when this answer settles an earlier request with the same `Idempotency-Key` whose outcome
   * was unknown: cards confirmed then are listed in `cards` without being sent again, and only the
   * others were sent. False for every ordinary run.
   */
  reconciled: Scalars['Boolean']['output'];
  /**
   * Not empty only when no code was set; `cards` and `failures` are then empty. INVALID_INPUT: one error
   * per bad record, with its index in `field`, and nothing was sent. PROVIDER_REJECTED: Blackhawk refused
   * the first batch (its reason in `message`, the status its body gave, if any, in `providerCode`); fix the
   * cause and send all the codes again.
   */
  userErrors: Array<UserError>;
};

/** Change a customer's status. */
export type UpdateCustomerStatusInput = {
  /** Global customer id, for example `netxd:100000000025001`. */
  customerId: Scalars['ID']['input'];
  /** Free-text reason kept by the provider where it supports notes (NetXD). Fusebill refuses non-empty notes with INVALID_INPUT. */
  notes?: InputMaybe<Scalars['String']['input']>;
  /** The status to move to. Not every provider can express every status: see `Query.providers`. */
  status: CustomerStatus;
};

/** Result of `updateCustomerStatus`. */
export type UpdateCustomerStatusPayload = {
  __typename?: 'UpdateCustomerStatusPayload';
  /** The customer with its new status; null when `userErrors` is not empty. */
  customer?: Maybe<Customer>;
  /**
   * True when this answer settles an earlier request with the same `Idempotency-Key` whose outcome
   * was unknown: the gateway read the customer, found it already in the target status, and did not
   * write again. False for every ordinary run.
   */
  reconciled: Scalars['Boolean']['output'];
  /** Why the status was not changed. When not empty, nothing was changed. */
  userErrors: Array<UserError>;
};

/**
 * A problem the caller can fix or must know about as a business outcome. Returned in the `userErrors`
 * list of a mutation payload; when it is not empty, nothing was changed unless the payload says otherwise.
 */
export type UserError = {
  __typename?: 'UserError';
  /** Machine-readable category; switch on this, not on `message`. */
  code: UserErrorCode;
  /** Path to the input field at fault, for example `["input", "codes", "17", "activationCode"]`. */
  field?: Maybe<Array<Scalars['String']['output']>>;
  /** Human-readable explanation, safe to show to an operator. Never contains secrets. */
  message: Scalars['String']['output'];
  /** The provider that raised or would have raised the problem, when there is one. */
  provider?: Maybe<Provider>;
  /** The provider's own error code or key, verbatim, when the provider reported it. */
  providerCode?: Maybe<Scalars['String']['output']>;
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



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  ActivateCustomerInput: ActivateCustomerInput;
  ActivateCustomerPayload: ResolverTypeWrapper<Omit<ActivateCustomerPayload, 'customer'> & { customer?: Maybe<ResolversTypes['Customer']> }>;
  ActivationPreview: ResolverTypeWrapper<Omit<ActivationPreview, 'customer'> & { customer: ResolversTypes['Customer'] }>;
  ActivationPreviewPayload: ResolverTypeWrapper<Omit<ActivationPreviewPayload, 'preview'> & { preview?: Maybe<ResolversTypes['ActivationPreview']> }>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  BulkUpdateCustomersInput: BulkUpdateCustomersInput;
  BulkUpdateCustomersPayload: ResolverTypeWrapper<BulkUpdateCustomersPayload>;
  BulkUpdateResult: ResolverTypeWrapper<BulkUpdateResult>;
  Card: ResolverTypeWrapper<CardModel>;
  CardActivationCodeInput: CardActivationCodeInput;
  CardBatchFailure: ResolverTypeWrapper<Omit<CardBatchFailure, 'cards'> & { cards: Array<ResolversTypes['Card']> }>;
  CardBatchFailureCode: CardBatchFailureCode;
  CircuitState: CircuitState;
  Customer: ResolverTypeWrapper<CustomerModel>;
  CustomerStatus: CustomerStatus;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  InvoiceCharge: ResolverTypeWrapper<InvoiceCharge>;
  InvoicePreview: ResolverTypeWrapper<InvoicePreview>;
  InvoiceTax: ResolverTypeWrapper<InvoiceTax>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Node: ResolverTypeWrapper<NodeModel>;
  Provider: Provider;
  ProviderInfo: ResolverTypeWrapper<ProviderInfo>;
  ProviderMode: ProviderMode;
  ProviderOperation: ProviderOperation;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  SetCardActivationCodesInput: SetCardActivationCodesInput;
  SetCardActivationCodesPayload: ResolverTypeWrapper<Omit<SetCardActivationCodesPayload, 'cards' | 'failures'> & { cards: Array<ResolversTypes['Card']>, failures: Array<ResolversTypes['CardBatchFailure']> }>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  UpdateCustomerStatusInput: UpdateCustomerStatusInput;
  UpdateCustomerStatusPayload: ResolverTypeWrapper<Omit<UpdateCustomerStatusPayload, 'customer'> & { customer?: Maybe<ResolversTypes['Customer']> }>;
  Upload: ResolverTypeWrapper<Scalars['Upload']['output']>;
  UserError: ResolverTypeWrapper<UserError>;
  UserErrorCode: UserErrorCode;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  ActivateCustomerInput: ActivateCustomerInput;
  ActivateCustomerPayload: Omit<ActivateCustomerPayload, 'customer'> & { customer?: Maybe<ResolversParentTypes['Customer']> };
  ActivationPreview: Omit<ActivationPreview, 'customer'> & { customer: ResolversParentTypes['Customer'] };
  ActivationPreviewPayload: Omit<ActivationPreviewPayload, 'preview'> & { preview?: Maybe<ResolversParentTypes['ActivationPreview']> };
  Boolean: Scalars['Boolean']['output'];
  BulkUpdateCustomersInput: BulkUpdateCustomersInput;
  BulkUpdateCustomersPayload: BulkUpdateCustomersPayload;
  BulkUpdateResult: BulkUpdateResult;
  Card: CardModel;
  CardActivationCodeInput: CardActivationCodeInput;
  CardBatchFailure: Omit<CardBatchFailure, 'cards'> & { cards: Array<ResolversParentTypes['Card']> };
  Customer: CustomerModel;
  Float: Scalars['Float']['output'];
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  InvoiceCharge: InvoiceCharge;
  InvoicePreview: InvoicePreview;
  InvoiceTax: InvoiceTax;
  Mutation: Record<PropertyKey, never>;
  Node: NodeModel;
  ProviderInfo: ProviderInfo;
  Query: Record<PropertyKey, never>;
  SetCardActivationCodesInput: SetCardActivationCodesInput;
  SetCardActivationCodesPayload: Omit<SetCardActivationCodesPayload, 'cards' | 'failures'> & { cards: Array<ResolversParentTypes['Card']>, failures: Array<ResolversParentTypes['CardBatchFailure']> };
  String: Scalars['String']['output'];
  UpdateCustomerStatusInput: UpdateCustomerStatusInput;
  UpdateCustomerStatusPayload: Omit<UpdateCustomerStatusPayload, 'customer'> & { customer?: Maybe<ResolversParentTypes['Customer']> };
  Upload: Scalars['Upload']['output'];
  UserError: UserError;
};

export type AuthenticatedDirectiveArgs = { };

export type AuthenticatedDirectiveResolver<Result, Parent, ContextType = GatewayContext, Args = AuthenticatedDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type RequiresScopesDirectiveArgs = {
  scopes: Array<Array<Scalars['String']['input']>>;
};

export type RequiresScopesDirectiveResolver<Result, Parent, ContextType = GatewayContext, Args = RequiresScopesDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type ActivateCustomerPayloadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ActivateCustomerPayload'] = ResolversParentTypes['ActivateCustomerPayload']> = {
  customer?: Resolver<Maybe<ResolversTypes['Customer']>, ParentType, ContextType>;
  invoices?: Resolver<Array<ResolversTypes['InvoicePreview']>, ParentType, ContextType>;
  reconciled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type ActivationPreviewResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ActivationPreview'] = ResolversParentTypes['ActivationPreview']> = {
  customer?: Resolver<ResolversTypes['Customer'], ParentType, ContextType>;
  invoices?: Resolver<Array<ResolversTypes['InvoicePreview']>, ParentType, ContextType>;
  native?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  resultingStatus?: Resolver<ResolversTypes['CustomerStatus'], ParentType, ContextType>;
};

export type ActivationPreviewPayloadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ActivationPreviewPayload'] = ResolversParentTypes['ActivationPreviewPayload']> = {
  preview?: Resolver<Maybe<ResolversTypes['ActivationPreview']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type BulkUpdateCustomersPayloadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['BulkUpdateCustomersPayload'] = ResolversParentTypes['BulkUpdateCustomersPayload']> = {
  result?: Resolver<Maybe<ResolversTypes['BulkUpdateResult']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type BulkUpdateResultResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['BulkUpdateResult'] = ResolversParentTypes['BulkUpdateResult']> = {
  failureCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  failureFileUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  successCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  successFileUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  totalCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  warnCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type CardResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Card'] = ResolversParentTypes['Card']> = {
  activationCodeSet?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  programNumber?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['Provider'], ParentType, ContextType>;
  proxyNumber?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type CardBatchFailureResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['CardBatchFailure'] = ResolversParentTypes['CardBatchFailure']> = {
  cards?: Resolver<Array<ResolversTypes['Card']>, ParentType, ContextType>;
  code?: Resolver<ResolversTypes['CardBatchFailureCode'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  outcomeUnknown?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  retryAfter?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type CustomerResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Customer'] = ResolversParentTypes['Customer']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['Provider'], ParentType, ContextType>;
  providerCustomerId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  providerStatus?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['CustomerStatus'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type InvoiceChargeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['InvoiceCharge'] = ResolversParentTypes['InvoiceCharge']> = {
  amount?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  quantity?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  unitPrice?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
};

export type InvoicePreviewResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['InvoicePreview'] = ResolversParentTypes['InvoicePreview']> = {
  charges?: Resolver<Array<ResolversTypes['InvoiceCharge']>, ParentType, ContextType>;
  status?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  subtotal?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  taxes?: Resolver<Array<ResolversTypes['InvoiceTax']>, ParentType, ContextType>;
  total?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  totalDiscount?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
};

export type InvoiceTaxResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['InvoiceTax'] = ResolversParentTypes['InvoiceTax']> = {
  amount?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type MutationResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  activateCustomer?: Resolver<ResolversTypes['ActivateCustomerPayload'], ParentType, ContextType, RequireFields<MutationActivateCustomerArgs, 'input'>>;
  bulkUpdateCustomers?: Resolver<ResolversTypes['BulkUpdateCustomersPayload'], ParentType, ContextType, RequireFields<MutationBulkUpdateCustomersArgs, 'input'>>;
  setCardActivationCodes?: Resolver<ResolversTypes['SetCardActivationCodesPayload'], ParentType, ContextType, RequireFields<MutationSetCardActivationCodesArgs, 'input'>>;
  updateCustomerStatus?: Resolver<ResolversTypes['UpdateCustomerStatusPayload'], ParentType, ContextType, RequireFields<MutationUpdateCustomerStatusArgs, 'input'>>;
};

export type NodeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Node'] = ResolversParentTypes['Node']> = {
  __resolveType: TypeResolveFn<'Card' | 'Customer', ParentType, ContextType>;
};

export type ProviderInfoResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['ProviderInfo'] = ResolversParentTypes['ProviderInfo']> = {
  circuit?: Resolver<Maybe<ResolversTypes['CircuitState']>, ParentType, ContextType>;
  mode?: Resolver<ResolversTypes['ProviderMode'], ParentType, ContextType>;
  operations?: Resolver<Array<ResolversTypes['ProviderOperation']>, ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['Provider'], ParentType, ContextType>;
  settableStatuses?: Resolver<Array<ResolversTypes['CustomerStatus']>, ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  customer?: Resolver<Maybe<ResolversTypes['Customer']>, ParentType, ContextType, RequireFields<QueryCustomerArgs, 'id'>>;
  customerActivationPreview?: Resolver<ResolversTypes['ActivationPreviewPayload'], ParentType, ContextType, RequireFields<QueryCustomerActivationPreviewArgs, 'input'>>;
  node?: Resolver<Maybe<ResolversTypes['Node']>, ParentType, ContextType, RequireFields<QueryNodeArgs, 'id'>>;
  providers?: Resolver<Array<ResolversTypes['ProviderInfo']>, ParentType, ContextType>;
};

export type SetCardActivationCodesPayloadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['SetCardActivationCodesPayload'] = ResolversParentTypes['SetCardActivationCodesPayload']> = {
  acceptedCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  cards?: Resolver<Array<ResolversTypes['Card']>, ParentType, ContextType>;
  failures?: Resolver<Array<ResolversTypes['CardBatchFailure']>, ParentType, ContextType>;
  reconciled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type UpdateCustomerStatusPayloadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['UpdateCustomerStatusPayload'] = ResolversParentTypes['UpdateCustomerStatusPayload']> = {
  customer?: Resolver<Maybe<ResolversTypes['Customer']>, ParentType, ContextType>;
  reconciled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export interface UploadScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Upload'], any> {
  name: 'Upload';
}

export type UserErrorResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['UserError'] = ResolversParentTypes['UserError']> = {
  code?: Resolver<ResolversTypes['UserErrorCode'], ParentType, ContextType>;
  field?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  provider?: Resolver<Maybe<ResolversTypes['Provider']>, ParentType, ContextType>;
  providerCode?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type Resolvers<ContextType = GatewayContext> = {
  ActivateCustomerPayload?: ActivateCustomerPayloadResolvers<ContextType>;
  ActivationPreview?: ActivationPreviewResolvers<ContextType>;
  ActivationPreviewPayload?: ActivationPreviewPayloadResolvers<ContextType>;
  BulkUpdateCustomersPayload?: BulkUpdateCustomersPayloadResolvers<ContextType>;
  BulkUpdateResult?: BulkUpdateResultResolvers<ContextType>;
  Card?: CardResolvers<ContextType>;
  CardBatchFailure?: CardBatchFailureResolvers<ContextType>;
  Customer?: CustomerResolvers<ContextType>;
  InvoiceCharge?: InvoiceChargeResolvers<ContextType>;
  InvoicePreview?: InvoicePreviewResolvers<ContextType>;
  InvoiceTax?: InvoiceTaxResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Node?: NodeResolvers<ContextType>;
  ProviderInfo?: ProviderInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  SetCardActivationCodesPayload?: SetCardActivationCodesPayloadResolvers<ContextType>;
  UpdateCustomerStatusPayload?: UpdateCustomerStatusPayloadResolvers<ContextType>;
  Upload?: GraphQLScalarType;
  UserError?: UserErrorResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = GatewayContext> = {
  authenticated?: AuthenticatedDirectiveResolver<any, any, ContextType>;
  requiresScopes?: RequiresScopesDirectiveResolver<any, any, ContextType>;
};
