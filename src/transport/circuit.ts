/**
 * One circuit breaker per provider (cockatiel's circuitBreaker with a ConsecutiveBreaker): after
 * `failures` calls in a row fail through the provider's fault, calls are refused without being
 * sent until `cooldownMs` has passed; then one trial call goes through, and its outcome closes or
 * reopens the circuit. Calls that arrive while the trial runs are refused too, not queued behind it.
 * A trial that ends in an answer that does not count (a business 4xx, a 429, rejected credentials)
 * closes the circuit: the provider answered.
 */
import {
  BrokenCircuitError,
  CircuitState as CockatielState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import { GatewayErrorCode, UpstreamError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ProviderId } from '../providers/ids.js';
import type { CircuitState } from './types.js';

export interface CircuitOptions {
  provider: ProviderId;
  /** Consecutive provider failures that open the circuit (BREAKER_FAILURES). */
  failures: number;
  /** How long the circuit stays open before one trial call (BREAKER_COOLDOWN_MS). */
  cooldownMs: number;
  log: Logger;
}

export interface ProviderCircuit {
  readonly state: CircuitState;
  /**
   * True when a call would be refused now: open and cooling down, or half-open with its trial
   * running. Checked before a call waits for a connection slot, so a refusal is immediate.
   */
  refuses(): boolean;
  /** The error a refused call fails with: PROVIDER_UNAVAILABLE, `circuit` OPEN, nothing sent. */
  refusal(): UpstreamError;
  /** Runs one call (all its retries) through the breaker; its final outcome is what counts. */
  run<T>(call: () => Promise<T>): Promise<T>;
  /** Called on every transition; returns a function that removes the listener. */
  onStateChange(listener: (state: CircuitState) => void): () => void;
}

/**
 * The failures that count against a provider: 5xx, timeouts, resets, unreachable, unreadable
 * answers and writes left unconfirmed. Not 429 (the provider is up and pacing us), not rejected
 * credentials (an operator's problem that no amount of waiting fixes; the token cache paces
 * logins itself), not business 4xx (those are answers, and count as successes), and not a
 * refusal by the circuit itself.
 */
export function isProviderFault(error: unknown): boolean {
  if (!(error instanceof UpstreamError) || error.options.circuit) return false;
  return (
    error.code === GatewayErrorCode.PROVIDER_UNAVAILABLE ||
    error.code === GatewayErrorCode.PROVIDER_TIMEOUT ||
    error.code === GatewayErrorCode.OUTCOME_UNKNOWN
  );
}

const STATES: Record<CockatielState, CircuitState> = {
  [CockatielState.Closed]: 'CLOSED',
  [CockatielState.Open]: 'OPEN',
  [CockatielState.HalfOpen]: 'HALF_OPEN',
  [CockatielState.Isolated]: 'OPEN',
};

export function createCircuit(options: CircuitOptions): ProviderCircuit {
  const { provider, cooldownMs, log } = options;
  const policy = circuitBreaker(handleWhen(isProviderFault), {
    halfOpenAfter: cooldownMs,
    breaker: new ConsecutiveBreaker(options.failures),
  });
  let openedAt = 0;
  policy.onBreak(() => {
    openedAt = Date.now();
    log.warn('circuit opened: calls are refused without being sent', {
      provider,
      consecutiveFailures: options.failures,
      cooldownMs,
    });
  });
  policy.onHalfOpen(() => log.info('circuit half-open: one trial call goes through', { provider }));
  policy.onReset(() => log.info('circuit closed', { provider }));

  const refusal = () => {
    const left = Math.max(1, Math.ceil((openedAt + cooldownMs - Date.now()) / 1000));
    return new UpstreamError(
      GatewayErrorCode.PROVIDER_UNAVAILABLE,
      provider,
      `${provider} is failing, so the gateway stopped calling it for a while (circuit open); nothing was sent, so retrying later is safe`,
      { circuit: 'OPEN', retryAfter: left },
    );
  };

  return {
    get state() {
      return STATES[policy.state];
    },
    refuses() {
      const state = policy.state;
      return (
        state === CockatielState.HalfOpen ||
        state === CockatielState.Isolated ||
        (state === CockatielState.Open && Date.now() - openedAt < cooldownMs)
      );
    },
    refusal,
    async run(call) {
      // cockatiel queues calls behind a half-open trial; here they are refused at once instead.
      if (policy.state === CockatielState.HalfOpen) throw refusal();
      try {
        return await policy.execute(call);
      } catch (error) {
        if (error instanceof BrokenCircuitError) throw refusal();
        throw error;
      }
    },
    onStateChange(listener) {
      const subscription = policy.onStateChange((state) => listener(STATES[state]));
      return () => subscription.dispose();
    },
  };
}
