/** Blackhawk CAVS (Card Activation Service): sets card activation codes. It has no customers. */
import { GatewayErrorCode, UpstreamError } from '../../gateway/errors.js';
import type { UserErrorCode } from '../../generated/graphql.js';
import type { Logger } from '../../log.js';
import { startBlackhawkSandbox } from '../../sandbox/blackhawk.js';
import {
  defineProvider,
  type CardCodeRecord,
  type ProviderAdapter,
  type ProviderDeps,
} from '../contract.js';
import { chunk, sendBatches, summarizeBatches, type BatchOutcome } from './batches.js';
import { createBlackhawkClient } from './client.js';
import { blackhawkEnv, blackhawkLiveSettings, type BlackhawkSettings } from './config.js';
import { validateCardCodes } from './validate.js';
import { MAX_CODES_PER_REQUEST } from './wire.js';

const REJECTED = 'PROVIDER_REJECTED' satisfies UserErrorCode;

export function createBlackhawkProvider(
  settings: BlackhawkSettings,
  deps: ProviderDeps,
): ProviderAdapter {
  const client = createBlackhawkClient(settings, deps);

  const sendBatch = async (
    batch: readonly CardCodeRecord[],
    index: number,
    log: Logger,
  ): Promise<Exclude<BatchOutcome, { kind: 'not-sent' }>> => {
    const size = batch.length;
    try {
      const answer = await client.setActivationCodes(batch);
      if (answer.accepted) return { kind: 'set' };
      log.warn('blackhawk rejected a batch', {
        batch: index,
        size,
        status: answer.statusCode,
        detail: answer.detail,
      });
      return {
        kind: 'failed',
        code: REJECTED,
        outcomeUnknown: false,
        message:
          `Blackhawk rejected this batch of ${size} codes (HTTP ${answer.statusCode})` +
          (answer.detail ? `: ${answer.detail}` : '') +
          '. None of them were set (Blackhawk takes a batch all or nothing); once the cause is fixed, sending them again is safe.',
      };
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      const outcomeUnknown = error.code === GatewayErrorCode.OUTCOME_UNKNOWN;
      return {
        kind: 'failed',
        code: error.code,
        outcomeUnknown,
        message: outcomeUnknown
          ? `Blackhawk received this batch of ${size} codes but did not answer, so they may or may not be set; setting the same codes again is safe.`
          : `${error.message}; none of the ${size} codes of this batch were set, and sending them again is safe.`,
      };
    }
  };

  return {
    id: 'blackhawk',
    validateCustomerId: () => ({
      code: 'UNSUPPORTED_BY_PROVIDER',
      message:
        'Blackhawk has no customers: its ids name cards, as blackhawk:<programNumber>:<proxyNumber>',
      provider: 'blackhawk',
    }),
    activationOptions: [],
    settableStatuses: [],

    async setCardActivationCodes(records, ctx) {
      const started = performance.now();
      const unique = validateCardCodes(records);
      const validatedMs = performance.now() - started;
      const batches = chunk(unique, MAX_CODES_PER_REQUEST);
      const outcomes = await sendBatches(batches, deps.batchConcurrency, (batch, index) =>
        sendBatch(batch, index, ctx.log),
      );
      const result = summarizeBatches(batches, outcomes);
      ctx.log.info('activation codes sent', {
        provider: 'blackhawk',
        records: records.length,
        unique: unique.length,
        batches: batches.length,
        setCount: result.cards.length,
        failedBatches: outcomes.filter((o) => o.kind === 'failed').length,
        notSentBatches: outcomes.filter((o) => o.kind === 'not-sent').length,
        validationMs: Math.round(validatedMs * 10) / 10,
        durationMs: Math.round(performance.now() - started),
      });
      return result;
    },
  };
}

export const blackhawkProvider = defineProvider({
  id: 'blackhawk',
  env: blackhawkEnv,
  liveSettings: blackhawkLiveSettings,
  startSandbox: startBlackhawkSandbox,
  create: createBlackhawkProvider,
});
