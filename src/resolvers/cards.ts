/** Card activation codes (Blackhawk). */
import type { CardBatchFailureCode, Resolvers } from '../generated/graphql.js';
import { GatewayErrorCode, UpstreamError, userError, type UserFacingError } from '../errors.js';
import { assertMayUseCardPrograms, assertMayUseProvider } from '../access/model.js';
import { cardCodesOf } from '../gateway/card-codes.js';
import { cardGlobalId } from '../gateway/ids.js';
import type { KeyedRequest } from '../idempotency/index.js';
import type {
  CardBatchFailureModel,
  CardCodeRecord,
  CardCodesResult,
  CardModel,
} from '../providers/contract.js';
import { positionsIn, toRanges } from './reconcile.js';
import { toGraphqlProvider } from '../providers/ids.js';
import { unsupported, withUserErrors } from './payload.js';

/** A failure of a batch that was sent (or tried to be), as opposed to the NOT_SENT remainder. */
type SentFailure = CardBatchFailureModel & { code: Exclude<CardBatchFailureCode, 'NOT_SENT'> };
const wasSent = (failure: CardBatchFailureModel): failure is SentFailure =>
  failure.code !== 'NOT_SENT';

const codes = (n: number) => (n === 1 ? '1 code' : `${n} codes`);
const cardCount = (failures: readonly CardBatchFailureModel[]) =>
  failures.reduce((sum, failure) => sum + failure.cards.length, 0);

/**
 * No card was confirmed set, so the operation failed as a whole and is reported like any other
 * failure: OUTCOME_UNKNOWN when any batch got no answer (a bulk write in doubt is not the caller's to
 * fix); else a refusal as a user error; else the first failed batch's own code, with its retryAfter;
 * PROVIDER_TIMEOUT when no batch was sent at all (BULK_DEADLINE_MS passed before the first).
 */
function nothingSet(failures: readonly CardBatchFailureModel[]): UpstreamError | UserFacingError {
  const total = cardCount(failures);
  const unknown = cardCount(failures.filter((f) => f.code === 'OUTCOME_UNKNOWN'));
  if (unknown > 0) {
    const rest = total - unknown;
    const received =
      rest > 0
        ? `${unknown} of the ${codes(total)}`
        : total === 1
          ? 'the code'
          : `all ${total} codes`;
    return new UpstreamError(
      GatewayErrorCode.OUTCOME_UNKNOWN,
      'blackhawk',
      `No activation code was confirmed: Blackhawk received ${received} but did not answer, so ` +
        `whether ${unknown === 1 ? 'it was' : 'they were'} set is unknown` +
        (rest > 0 ? ` (the other ${codes(rest)} were not set)` : '') +
        '. Check the cards before retrying; setting the same code again is safe, so sending them all again is fine too.',
    );
  }
  const first = failures.find(wasSent);
  if (!first) {
    // Every batch was NOT_SENT: the operation's deadline passed before the first one started.
    return new UpstreamError(
      GatewayErrorCode.PROVIDER_TIMEOUT,
      'blackhawk',
      `No activation code was sent: the operation's deadline passed before the first batch started, so none of the ${codes(total)} were set; sending them again is safe.`,
    );
  }
  const others = total - first.cards.length;
  const message =
    first.message + (others > 0 ? ` None of the other ${codes(others)} were set either.` : '');
  if (first.code === 'PROVIDER_REJECTED') {
    return userError('PROVIDER_REJECTED', message, {
      provider: 'blackhawk',
      ...(first.providerCode !== null ? { providerCode: first.providerCode } : {}),
    });
  }
  return new UpstreamError(
    first.code,
    'blackhawk',
    message,
    first.retryAfter !== null ? { retryAfter: first.retryAfter } : {},
  );
}

const cardKey = (card: { programNumber: string; proxyNumber: string }) =>
  `${card.programNumber}:${card.proxyNumber}`;

/**
 * Under an Idempotency-Key: sends only the records an earlier run of the same request did not get
 * confirmed (all of them on a first run; setting the same code twice is safe), answers for every
 * card, and notes which input positions are confirmed, and which may have been set without a
 * confirmation, for a later reconciliation. A card an earlier run may have set stays "may have
 * been set" (OUTCOME_UNKNOWN) until a run confirms it, whatever this run's own failure was.
 */
async function sendUnconfirmed(
  records: readonly CardCodeRecord[],
  run: KeyedRequest,
  field: string,
  send: (records: CardCodeRecord[]) => Promise<CardCodesResult>,
): Promise<CardCodesResult> {
  const note = run.previousNote(field);
  const before = positionsIn(note?.confirmed ?? [], records.length);
  const maybeBefore = positionsIn(note?.maybe ?? [], records.length);
  const rest = records.filter((_, i) => !before.has(i));
  const result = rest.length > 0 ? await send(rest) : { cards: [], failures: [] };
  const setNow = new Set(result.cards.map(cardKey));
  const unknownNow = new Set(
    result.failures.filter((f) => f.outcomeUnknown).flatMap((f) => f.cards.map(cardKey)),
  );
  const earlier = new Map<string, CardModel>();
  /** Cards an earlier run may have set that this run did not confirm either. */
  const stillMaybe = new Set<string>();
  const confirmed: number[] = [];
  const maybe: number[] = [];
  records.forEach((record, i) => {
    const key = cardKey(record);
    if (before.has(i)) {
      confirmed.push(i);
      earlier.set(key, {
        kind: 'card',
        provider: 'blackhawk',
        programNumber: record.programNumber,
        proxyNumber: record.proxyNumber,
        activationCodeSet: true,
      });
    } else if (setNow.has(key)) {
      confirmed.push(i);
    } else if (unknownNow.has(key) || maybeBefore.has(i)) {
      maybe.push(i);
      if (maybeBefore.has(i) && !unknownNow.has(key)) stillMaybe.add(key);
    }
  });
  run.note(field, {
    confirmed: toRanges(confirmed),
    maybe: toRanges(maybe),
    unknown: maybe.length > 0,
  });
  // A card confirmed earlier and sent again (a duplicate record) is listed once.
  const cards = [
    ...[...earlier.values()].filter((card) => !setNow.has(cardKey(card))),
    ...result.cards,
  ];
  return { cards, failures: keepUnknown(result.failures, stillMaybe) };
}

/**
 * Moves the cards an earlier attempt may have set out of this run's definite failures into one
 * OUTCOME_UNKNOWN entry: "not set by this retry" does not mean "not set".
 */
function keepUnknown(
  failures: readonly CardBatchFailureModel[],
  maybe: ReadonlySet<string>,
): CardBatchFailureModel[] {
  if (maybe.size === 0) return [...failures];
  const moved: CardModel[] = [];
  const kept: CardBatchFailureModel[] = [];
  for (const failure of failures) {
    const stay = failure.cards.filter((card) => !maybe.has(cardKey(card)));
    moved.push(...failure.cards.filter((card) => maybe.has(cardKey(card))));
    if (stay.length > 0) kept.push({ ...failure, cards: stay });
  }
  if (moved.length === 0) return kept;
  return [
    {
      code: 'OUTCOME_UNKNOWN',
      message: `An earlier attempt under this Idempotency-Key sent ${codes(moved.length)} without an answer and this retry could not confirm them, so they may or may not be set; retry with the same key, or check the cards (setting the same code again is safe).`,
      outcomeUnknown: true,
      retryAfter: null,
      providerCode: null,
      cards: moved,
    },
    ...kept,
  ];
}

export const cardResolvers: Resolvers = {
  Mutation: {
    setCardActivationCodes: (_parent, { input }, ctx, info) =>
      withUserErrors({ cards: [], acceptedCount: 0, failures: [], reconciled: false }, async () => {
        assertMayUseProvider(ctx.client, 'blackhawk');
        const records = cardCodesOf(ctx, info) ?? input.codes;
        // Every record within the client's card programs, or nothing is sent at all.
        assertMayUseCardPrograms(ctx.client, records);
        const adapter = ctx.providers.adapter('blackhawk');
        if (!adapter.setCardActivationCodes) throw unsupported('blackhawk', 'activation codes');
        if (records.length === 0) {
          throw userError('INVALID_INPUT', 'codes must hold at least one record', {
            field: ['input', 'codes'],
          });
        }
        const run = ctx.idempotency;
        const field = String(info.path.key);
        const { cards, failures } = run?.storeKey
          ? await sendUnconfirmed(records, run, field, (rest) =>
              adapter.setCardActivationCodes!(rest, ctx.call),
            )
          : await adapter.setCardActivationCodes(records, ctx.call);
        if (cards.length === 0) throw nothingSet(failures);
        // At least one card set: a partial success, reported card by card.
        return {
          cards,
          acceptedCount: cards.length,
          failures,
          reconciled: run?.reconciling ?? false,
        };
      }),
  },

  Card: {
    id: (card) => cardGlobalId(card),
    provider: (card) => toGraphqlProvider(card.provider),
  },
};
