/**
 * Sending a validated set of codes in batches: at most `concurrency` in flight, no new batch after
 * one fails (the provider is failing; batches in flight still finish), and a result that names every
 * card as set, failed, or not sent.
 */
import type { CardBatchFailureCode } from '../../generated/graphql.js';
import { mapConcurrent } from '../../transport/limit.js';
import type {
  CardBatchFailureModel,
  CardCodeRecord,
  CardCodesResult,
  CardModel,
} from '../contract.js';

/** What happened to one batch; a failure is its CardBatchFailure without the cards. */
export type BatchOutcome =
  | { kind: 'set' }
  | { kind: 'failed'; failure: Omit<CardBatchFailureModel, 'cards'> }
  | { kind: 'not-sent' };

/** The failure code of batches skipped after an earlier one failed. */
export const NOT_SENT = 'NOT_SENT' satisfies CardBatchFailureCode;

/** Splits `items` into consecutive slices of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}

/** Runs `send` over the batches; once one fails, the batches not yet started are not sent. */
export async function sendBatches<T>(
  batches: readonly T[],
  concurrency: number,
  send: (batch: T, index: number) => Promise<Exclude<BatchOutcome, { kind: 'not-sent' }>>,
): Promise<BatchOutcome[]> {
  let failed = false;
  return mapConcurrent(batches, concurrency, async (batch, index): Promise<BatchOutcome> => {
    if (failed) return { kind: 'not-sent' };
    const outcome = await send(batch, index);
    if (outcome.kind === 'failed') failed = true;
    return outcome;
  });
}

function toCard(record: CardCodeRecord, activationCodeSet: boolean): CardModel {
  return {
    kind: 'card',
    provider: 'blackhawk',
    programNumber: record.programNumber,
    proxyNumber: record.proxyNumber,
    activationCodeSet,
  };
}

/** Cards of batches that were set; one failure per failed batch, then one for all batches not sent. */
export function summarizeBatches(
  batches: readonly (readonly CardCodeRecord[])[],
  outcomes: readonly BatchOutcome[],
): CardCodesResult {
  const cards: CardModel[] = [];
  const failures: CardBatchFailureModel[] = [];
  const notSent: CardModel[] = [];
  batches.forEach((batch, index) => {
    const outcome = outcomes[index] ?? { kind: 'not-sent' };
    if (outcome.kind === 'set') {
      for (const record of batch) cards.push(toCard(record, true));
    } else if (outcome.kind === 'failed') {
      failures.push({ ...outcome.failure, cards: batch.map((record) => toCard(record, false)) });
    } else {
      for (const record of batch) notSent.push(toCard(record, false));
    }
  });
  if (notSent.length > 0) {
    failures.push({
      code: NOT_SENT,
      message: `${notSent.length} codes were not sent because an earlier batch failed, so none of them were set; sending them again is safe`,
      outcomeUnknown: false,
      retryAfter: null,
      providerCode: null,
      cards: notSent,
    });
  }
  return { cards, failures };
}
