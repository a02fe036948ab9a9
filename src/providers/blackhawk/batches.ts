/**
 * Sending a validated set of codes in batches: at most `concurrency` in flight, no new batch after
 * one fails (the provider is failing; batches in flight still finish) or after the operation's
 * deadline, and a result that names every card as set, failed, or not sent.
 */
import type { CardBatchFailureCode } from '../../generated/graphql.js';
import { mapConcurrent } from '../../transport/limit.js';
import type {
  CardBatchFailureModel,
  CardCodeRecord,
  CardCodesResult,
  CardModel,
} from '../contract.js';

/** Why a batch was not sent: an earlier batch failed, or the operation's deadline had passed. */
export type NotSentReason = 'after-failure' | 'deadline';

/** What happened to one batch; a failure is its CardBatchFailure without the cards. */
export type BatchOutcome =
  | { kind: 'set' }
  | { kind: 'failed'; failure: Omit<CardBatchFailureModel, 'cards'> }
  | { kind: 'not-sent'; reason: NotSentReason };

/** The failure code of batches never sent (after a failure, or past the deadline). */
export const NOT_SENT = 'NOT_SENT' satisfies CardBatchFailureCode;

export interface SendBatchesOptions {
  /** Most batches in flight at once. */
  concurrency: number;
  /** Epoch ms after which no batch starts (BULK_DEADLINE_MS from the operation's start). */
  deadline?: number;
  now?: () => number;
}

/** Splits `items` into consecutive slices of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}

/**
 * Runs `send` over the batches; once one fails, or once the deadline has passed, the batches not
 * yet started are not sent. A batch already started runs to its own per-call deadline.
 */
export async function sendBatches<T>(
  batches: readonly T[],
  { concurrency, deadline = Infinity, now = Date.now }: SendBatchesOptions,
  send: (batch: T, index: number) => Promise<Exclude<BatchOutcome, { kind: 'not-sent' }>>,
): Promise<BatchOutcome[]> {
  let failed = false;
  return mapConcurrent(batches, concurrency, async (batch, index): Promise<BatchOutcome> => {
    if (failed) return { kind: 'not-sent', reason: 'after-failure' };
    if (now() >= deadline) return { kind: 'not-sent', reason: 'deadline' };
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
  const reasons = new Set<NotSentReason>();
  batches.forEach((batch, index) => {
    const outcome = outcomes[index] ?? { kind: 'not-sent', reason: 'after-failure' };
    if (outcome.kind === 'set') {
      for (const record of batch) cards.push(toCard(record, true));
    } else if (outcome.kind === 'failed') {
      failures.push({ ...outcome.failure, cards: batch.map((record) => toCard(record, false)) });
    } else {
      reasons.add(outcome.reason);
      for (const record of batch) notSent.push(toCard(record, false));
    }
  });
  if (notSent.length > 0) {
    const because = [
      ...(reasons.has('after-failure') ? ['an earlier batch failed'] : []),
      ...(reasons.has('deadline')
        ? ["the operation's deadline passed before their batches started"]
        : []),
    ].join(' or ');
    failures.push({
      code: NOT_SENT,
      message: `${notSent.length} codes were not sent because ${because}, so none of them were set; sending them again is safe`,
      outcomeUnknown: false,
      retryAfter: null,
      providerCode: null,
      cards: notSent,
    });
  }
  return { cards, failures };
}
