/**
 * What the HTTP clients of one provider report: the time of its last answer (for /readyz, always
 * kept) and, when metrics are on, its attempts, token requests and rate-limit refusals.
 */
import type { UpstreamObserver } from '../transport/types.js';
import type { ProviderMetrics } from './metrics.js';

export interface ProviderObserver extends UpstreamObserver {
  /** Epoch ms of the provider's last answer the adapter could read (2xx, or a business 4xx). */
  readonly lastAnswerAt: number | null;
}

export function providerObserver(metrics?: ProviderMetrics): ProviderObserver {
  let lastAnswerAt: number | null = null;
  return {
    get lastAnswerAt() {
      return lastAnswerAt;
    },
    attempt(operation, outcome, ms) {
      metrics?.attempt(operation, outcome, ms / 1000);
    },
    called(request, error, status) {
      if (error === undefined) lastAnswerAt = Date.now();
      metrics?.called(request, error, status);
    },
  };
}
