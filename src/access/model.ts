/** Who calls the gateway and what it may do: the client model every access check reads. */
import { ForbiddenError, quoteInput } from '../errors.js';
import { toGraphqlProvider, type ProviderId } from '../providers/ids.js';

/** Every scope a client can hold; each guards the fields that declare it with @requiresScopes. */
export const SCOPES = [
  'customers:read',
  'customers:activate',
  'customers:status',
  'customers:bulk',
  'cards:write',
] as const;
export type Scope = (typeof SCOPES)[number];

export interface Client {
  /** Stable id: in logs, audit lines and rate-limit keys. Never a secret. */
  id: string;
  name: string;
  /** How the client proved who it is. */
  via: 'api-key' | 'jwt' | 'open';
  scopes: ReadonlySet<string>;
  /** Providers this client may use; null for all. */
  providers: ReadonlySet<ProviderId> | null;
  /** Card programs (Blackhawk quoteNumbers) this client may set codes in; null for all. */
  cardPrograms: ReadonlySet<string> | null;
  rateLimitPerMinute: number;
  /** Only documents of the persisted-document manifest may run for this client. */
  trustedDocumentsOnly: boolean;
}

/** The caller when the gateway runs open (no CLIENTS_FILE, no AUTH_JWKS_URL): every scope. */
export function openClient(rateLimitPerMinute: number): Client {
  return {
    id: 'open',
    name: 'Any caller (the gateway runs without client authentication)',
    via: 'open',
    scopes: new Set(SCOPES),
    providers: null,
    cardPrograms: null,
    rateLimitPerMinute,
    trustedDocumentsOnly: false,
  };
}

export function mayUseProvider(client: Client, provider: ProviderId): boolean {
  return client.providers === null || client.providers.has(provider);
}

/**
 * Throws FORBIDDEN unless the client may use `provider`. Checked on the provider named by an id
 * or an argument, before the id is looked up anywhere: an id of a provider outside the client's
 * share answers the same whether or not it exists.
 */
export function assertMayUseProvider(client: Client, provider: ProviderId): void {
  if (!mayUseProvider(client, provider)) {
    throw new ForbiddenError(`This client may not use ${toGraphqlProvider(provider)}`, {
      provider,
    });
  }
}

/** Throws FORBIDDEN when any record names a card program outside the client's share. */
export function assertMayUseCardPrograms(
  client: Client,
  records: readonly { programNumber: string }[],
): void {
  const allowed = client.cardPrograms;
  if (allowed === null) return;
  const refused = new Set<string>();
  let count = 0;
  for (const { programNumber } of records) {
    if (!allowed.has(programNumber)) {
      count += 1;
      if (refused.size < 5) refused.add(quoteInput(String(programNumber)));
    }
  }
  if (count > 0) {
    throw new ForbiddenError(
      `This client may not set codes in card program ${[...refused].join(', ')}${count > refused.size ? ' (and others)' : ''}: ${count} record${count === 1 ? '' : 's'} outside its programs; nothing was sent`,
      { provider: 'blackhawk' },
    );
  }
}
