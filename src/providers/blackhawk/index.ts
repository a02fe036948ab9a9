/** Blackhawk CAVS (Card Activation Service): sets card activation codes. It has no customers. */
import { GatewayErrorCode, UpstreamError } from '../../errors.js';
import type { CardBatchFailureCode } from '../../generated/graphql.js';
import {
  defineProvider,
  type CallContext,
  type CardCodeRecord,
  type ProviderAdapter,
  type ProviderDeps,
} from '../contract.js';
import { chunk, sendBatches, summarizeBatches, type BatchOutcome } from './batches.js';
import { createBlackhawkClient, type BatchAnswer } from './client.js';
import { blackhawkEnv, blackhawkLiveSettings, type BlackhawkSettings } from './config.js';
import { validateCardCodes } from './validate.js';
import { MAX_CODES_PER_REQUEST } from './wire.js';

const REJECTED = 'PROVIDER_REJECTED' satisfies CardBatchFailureCode;

export function createBlackhawkProvider(
  settings: BlackhawkSettings,
  deps: ProviderDeps,
): ProviderAdapter {
  const client = createBlackhawkClient(settings, deps);

  const sendBatch = async (
    batch: readonly CardCodeRecord[],
    index: number,
    ctx: CallContext,
  ): Promise<Exclude<BatchOutcome, { kind: 'not-sent' }>> => {
    const { log } = ctx;
    const size = batch.length;
    let answer: BatchAnswer;
    try {
      answer = await client.setActivationCodes(batch, ctx);
    } catch (error) {
      // PROVIDER_DISABLED comes from the registry, never from a request: not a batch outcome.
      if (!(error instanceof UpstreamError) || error.code === GatewayErrorCode.PROVIDER_DISABLED) {
        throw error;
      }
      const code: CardBatchFailureCode = error.code;
      const outcomeUnknown = code === GatewayErrorCode.OUTCOME_UNKNOWN;
      return {
        kind: 'failed',
        failure: {
          code,
          outcomeUnknown,
          retryAfter: error.options.retryAfter ?? null,
          providerCode: null,
          message: outcomeUnknown
            ? `Blackhawk received this batch of ${size} codes but did not answer, so they may or may not be set; setting the same codes again is safe.`
            : `${error.message}; none of the ${size} codes of this batch were set, and sending them again is safe.`,
        },
      };
    }
    if (answer.accepted) return { kind: 'set' };
    log.warn('blackhawk rejected a batch', {
      batch: index,
      size,
      status: answer.statusCode,
      providerCode: answer.providerCode,
      detail: answer.detail,
    });
    return {
      kind: 'failed',
      failure: {
        code: REJECTED,
        outcomeUnknown: false,
        retryAfter: null,
        providerCode: answer.providerCode,
        message:
          `Blackhawk rejected a batch of ${size} codes (HTTP ${answer.statusCode})` +
          (answer.detail ? `: ${answer.detail}` : '') +
          '. None of them were set (Blackhawk takes a batch all or nothing); once the cause is fixed, sending them again is safe.',
      },
    };
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
      const deadline = Date.now() + deps.bulkDeadlineMs;
      const unique = validateCardCodes(records);
      const validatedMs = performance.now() - started;
      const batches = chunk(unique, MAX_CODES_PER_REQUEST);
      const outcomes = await sendBatches(
        batches,
        { concurrency: deps.batchConcurrency, deadline },
        (batch, index) => sendBatch(batch, index, ctx),
      );
      const result = summarizeBatches(batches, outcomes);
      ctx.log.info('activation codes sent', {
        provider: 'blackhawk',
        records: records.length,
        unique: unique.length,
        batches: batches.length,
        setCount: result.cards.length,
        failures: outcomes.flatMap((o) => (o.kind === 'failed' ? [o.failure.code] : [])),
        notSentBatches: outcomes.filter((o) => o.kind === 'not-sent').length,
        deadlineReached: outcomes.some((o) => o.kind === 'not-sent' && o.reason === 'deadline'),
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
  // Loaded only when the provider runs against its sandbox: a live gateway never imports it.
  startSandbox: async (options) =>
    (await import('../../sandbox/blackhawk.js')).startBlackhawkSandbox(options),
  create: createBlackhawkProvider,
});
