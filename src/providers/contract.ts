/**
 * The port every provider implements. Imports nothing from any provider: the gateway and resolvers
 * talk to providers only through these types.
 */
import type { z } from 'zod';
import type { CardBatchFailureCode, CustomerStatus } from '../generated/graphql.js';
import type { Logger } from '../log.js';
import type { UserErrorModel } from '../errors.js';
import type { RejectionLedger } from '../transport/rejection-ledger.js';
import type { CallContext, HttpClient, ProviderHttpOptions } from '../transport/types.js';
import type { ProviderId } from './ids.js';
import type { SandboxHandle, SandboxOptions } from '../sandbox/server.js';

export type { CallContext, ProviderId };
export type ProviderMode = 'SANDBOX' | 'LIVE' | 'DISABLED';

/** A customer as the schema shows it, whatever provider it came from. */
export interface CustomerModel {
  kind: 'customer';
  provider: ProviderId;
  providerCustomerId: string;
  status: CustomerStatus;
  /** Raw provider status, verbatim; null when the provider reported none. */
  providerStatus: string | null;
}

/** A card as the schema shows it. Numbers stay digit strings end to end. */
export interface CardModel {
  kind: 'card';
  provider: ProviderId;
  programNumber: string;
  proxyNumber: string;
  activationCodeSet: boolean;
}

export type NodeModel = CustomerModel | CardModel;

export interface InvoiceModel {
  status: string | null;
  subtotal: number | null;
  totalDiscount: number | null;
  total: number | null;
  charges: {
    name: string | null;
    description: string | null;
    quantity: number | null;
    unitPrice: number | null;
    amount: number | null;
  }[];
  taxes: { name: string | null; amount: number | null }[];
}

/** Options of `activateCustomer`; each provider declares which ones it accepts. */
export interface ActivationOptions {
  parentCompanyId?: string | null;
  activateAllSubscriptions?: boolean | null;
  activateAllDraftPurchases?: boolean | null;
  temporarilyDisableAutoPost?: boolean | null;
  showZeroDollarCharges?: boolean | null;
}
export type ActivationOptionName = keyof ActivationOptions;

export interface ActivationRequest {
  providerCustomerId: string;
  options: ActivationOptions;
}

export interface ActivationResult {
  customer: CustomerModel;
  invoices: InvoiceModel[];
}

export interface NativePreviewResult {
  customer: CustomerModel;
  resultingStatus: CustomerStatus;
  invoices: InvoiceModel[];
}

export interface CardCodeRecord {
  programNumber: string;
  proxyNumber: string;
  activationCode: string;
}

/** Cards whose codes the provider did not confirm, and why (the schema's CardBatchFailure). */
export interface CardBatchFailureModel {
  code: CardBatchFailureCode;
  /** For clients: what happened and whether resending is safe; no secrets, no upstream bodies. */
  message: string;
  /** True only for OUTCOME_UNKNOWN: the codes were sent and may have been set. */
  outcomeUnknown: boolean;
  /** Seconds the provider asked to wait (PROVIDER_RATE_LIMITED), null when it did not say. */
  retryAfter: number | null;
  /** The provider's own code for a PROVIDER_REJECTED failure, verbatim, when it gave one. */
  providerCode: string | null;
  /** Every card of the failure, with `activationCodeSet: false`. */
  cards: CardModel[];
}

/** Every card sent or meant to be sent is in exactly one of `cards` (confirmed) or `failures`. */
export interface CardCodesResult {
  cards: CardModel[];
  failures: CardBatchFailureModel[];
}

export interface BulkFile {
  filename: string;
  mimetype: string;
  content: Buffer;
}

export interface BulkUpdateResultModel {
  totalCount: number;
  successCount: number;
  failureCount: number;
  warnCount: number;
  successFileUrl: string | null;
  failureFileUrl: string | null;
}

/**
 * What one provider can do. Optional members are capabilities: a missing one makes the gateway
 * answer UNSUPPORTED_BY_PROVIDER without calling anything.
 */
export interface ProviderAdapter {
  readonly id: ProviderId;
  /** Checks a provider customer id before any URL is built; returns a user error when malformed. */
  validateCustomerId(providerCustomerId: string): UserErrorModel | null;
  /** Activation options this provider understands; any other non-null option is INVALID_INPUT. */
  readonly activationOptions: readonly ActivationOptionName[];
  /** Provider rules on option values (formats), checked before any call, previews included. */
  validateActivationOptions?(options: ActivationOptions): UserErrorModel[];
  /** Statuses `updateCustomerStatus` can set; empty when the provider cannot change status. */
  readonly settableStatuses: readonly CustomerStatus[];
  /** Statuses the provider refuses to activate from, so a dry-run preview can say so too. */
  readonly activationBlockedFrom?: readonly CustomerStatus[];
  /** Reads customers by provider id, one slot per id, null when not found. Used by DataLoader. */
  readCustomers?(
    ids: readonly string[],
    ctx: CallContext,
  ): Promise<(CustomerModel | null | Error)[]>;
  activateCustomer?(request: ActivationRequest, ctx: CallContext): Promise<ActivationResult>;
  /** Provider-native preview (nothing changes). Without it the gateway does a dry run. */
  previewActivation?(request: ActivationRequest, ctx: CallContext): Promise<NativePreviewResult>;
  updateCustomerStatus?(
    providerCustomerId: string,
    status: CustomerStatus,
    notes: string | null,
    ctx: CallContext,
  ): Promise<CustomerModel>;
  /** Validates every record first (UserFacingError listing each bad record), then sends. */
  setCardActivationCodes?(
    records: readonly CardCodeRecord[],
    ctx: CallContext,
  ): Promise<CardCodesResult>;
  bulkUpdateCustomers?(
    file: BulkFile,
    parentCompanyId: string | null,
    ctx: CallContext,
  ): Promise<BulkUpdateResultModel>;
}

/** Shared services a provider factory receives. */
export interface ProviderDeps {
  log: Logger;
  /**
   * Builds this provider's HTTP client: the gateway adds its deadline, concurrency limit and
   * logger, so every provider's upstream calls share one policy.
   */
  http(options: ProviderHttpOptions): HttpClient;
  /** How many batches of one bulk operation are sent at once. */
  batchConcurrency: number;
  /** Overall deadline of one bulk operation (BULK_DEADLINE_MS): batches not started by then are not sent. */
  bulkDeadlineMs: number;
  /** Rejected logins per credential, shared by every replica when REDIS_URL is set. */
  rejections: RejectionLedger;
}

/**
 * One provider's module: how to read its slice of the environment, start its sandbox and build its
 * adapter. `Settings` is whatever the adapter needs (origin and credentials); `Env` is the parsed slice.
 */
export interface ProviderModule<Settings, Env> {
  readonly id: ProviderId;
  /** zod schema of this provider's environment variables; messages name the variable. */
  readonly env: z.ZodType<Env>;
  /**
   * The provider's documented limit of requests a minute: the default of
   * `<PROVIDER>_RATE_LIMIT_PER_MINUTE`. Absent when undocumented (no budget unless configured).
   */
  readonly rateLimitPerMinute?: number;
  /** Live settings from the parsed slice, or null when no *_BASE_URL is set (sandbox mode). */
  liveSettings(env: Env): Settings | null;
  /** Starts the embedded sandbox; its `settings` point the adapter at it. */
  startSandbox(options: SandboxOptions): Promise<SandboxHandle<Settings>>;
  create(settings: Settings, deps: ProviderDeps): ProviderAdapter;
}

/** A provider module with its types sealed in, as the registry holds it. */
export interface RegisteredProvider {
  readonly id: ProviderId;
  readonly env: z.ZodType;
  /** The documented requests a minute, when known: the default of `<PROVIDER>_RATE_LIMIT_PER_MINUTE`. */
  readonly rateLimitPerMinute?: number;
  /** True when the env slice configures the real provider (its *_BASE_URL is set). */
  isLive(env: Record<string, string | undefined>): boolean;
  /** Builds the adapter: live when the env slice configures it, otherwise against a fresh sandbox. */
  start(
    env: Record<string, string | undefined>,
    deps: ProviderDeps,
    sandbox: SandboxOptions,
  ): Promise<{
    mode: 'LIVE' | 'SANDBOX';
    adapter: ProviderAdapter;
    sandbox: SandboxHandle<unknown> | null;
  }>;
}

export function defineProvider<Settings, Env>(
  module: ProviderModule<Settings, Env>,
): RegisteredProvider {
  return {
    id: module.id,
    env: module.env,
    ...(module.rateLimitPerMinute !== undefined && {
      rateLimitPerMinute: module.rateLimitPerMinute,
    }),
    isLive: (env) => module.liveSettings(module.env.parse(env)) !== null,
    async start(env, deps, sandboxOptions) {
      const live = module.liveSettings(module.env.parse(env));
      if (live) return { mode: 'LIVE', adapter: module.create(live, deps), sandbox: null };
      const sandbox = await module.startSandbox(sandboxOptions);
      return { mode: 'SANDBOX', adapter: module.create(sandbox.settings, deps), sandbox };
    },
  };
}
