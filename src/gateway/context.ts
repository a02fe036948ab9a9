import type DataLoader from 'dataloader';
import type { Logger } from '../log.js';
import type { CallContext, CustomerModel, ProviderId } from '../providers/contract.js';
import type { ProviderSet } from '../providers/runtime.js';

/** Everything a resolver may use during one GraphQL operation. Built per request. */
export interface GatewayContext {
  requestId: string;
  log: Logger;
  providers: ProviderSet;
  /** Per-request customer loaders, one per provider: the same customer is fetched once per operation. */
  customerLoader(provider: ProviderId): DataLoader<string, CustomerModel | null>;
  call: CallContext;
  limits: { uploadMaxFileBytes: number };
}
