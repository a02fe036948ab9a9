/** Global ids: `<provider>:<provider customer id>` for customers, `blackhawk:<program>:<proxy>` for cards. */
import { isProviderId, type ProviderId } from '../providers/ids.js';
import type { CardModel, CustomerModel } from '../providers/contract.js';
import { quoteInput, userError } from '../errors.js';

export type ParsedId =
  | { kind: 'customer'; provider: ProviderId; providerCustomerId: string }
  | { kind: 'card'; provider: ProviderId; programNumber: string; proxyNumber: string };

/** Providers whose global ids name cards rather than customers. */
const CARD_PROVIDERS: ReadonlySet<ProviderId> = new Set(['blackhawk']);

export function customerGlobalId(
  customer: Pick<CustomerModel, 'provider' | 'providerCustomerId'>,
): string {
  return `${customer.provider}:${customer.providerCustomerId}`;
}

export function cardGlobalId(
  card: Pick<CardModel, 'provider' | 'programNumber' | 'proxyNumber'>,
): string {
  return `${card.provider}:${card.programNumber}:${card.proxyNumber}`;
}

/** Parses a global id; throws INVALID_INPUT (pointing at `field`) when it is malformed. */
export function parseGlobalId(id: string, field: string[]): ParsedId {
  const at = id.indexOf(':');
  const prefix = at < 0 ? '' : id.slice(0, at);
  const rest = at < 0 ? '' : id.slice(at + 1);
  if (!isProviderId(prefix) || rest === '') {
    throw userError(
      'INVALID_INPUT',
      `${quoteInput(id)} is not a global id: expected "<provider>:<id>" with a lower-case provider (enkash, netxd, fusebill, blackhawk)`,
      { field },
    );
  }
  if (CARD_PROVIDERS.has(prefix)) {
    // Program and proxy numbers are Java longs at Blackhawk: 19 digits at most.
    const match = /^(\d{1,19}):(\d{1,19})$/.exec(rest);
    if (!match?.[1] || !match[2]) {
      throw userError(
        'INVALID_INPUT',
        `${quoteInput(id)} is not a card id: expected "${prefix}:<programNumber>:<proxyNumber>" with up to 19 digits each`,
        {
          field,
          provider: prefix,
        },
      );
    }
    return { kind: 'card', provider: prefix, programNumber: match[1], proxyNumber: match[2] };
  }
  return { kind: 'customer', provider: prefix, providerCustomerId: rest };
}

export function parseCustomerId(
  id: string,
  field: string[],
): Extract<ParsedId, { kind: 'customer' }> {
  const parsed = parseGlobalId(id, field);
  if (parsed.kind !== 'customer') {
    throw userError('INVALID_INPUT', `${quoteInput(id)} is a card id, not a customer id`, {
      field,
      provider: parsed.provider,
    });
  }
  return parsed;
}
