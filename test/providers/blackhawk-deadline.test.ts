/**
 * The overall deadline of setCardActivationCodes (BULK_DEADLINE_MS) over real HTTP: batches not
 * started by then are reported NOT_SENT and never reach Blackhawk, a started batch finishes, and the
 * mutation answers soon after the deadline instead of after every batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlackhawkSandboxState } from '../../src/sandbox/blackhawk.js';
import type { SandboxRequest } from '../../src/sandbox/server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SET = `mutation ($input: SetCardActivationCodesInput!) {
  setCardActivationCodes(input: $input) {
    cards { proxyNumber activationCodeSet }
    acceptedCount
    failures { code message outcomeUnknown retryAfter cards { proxyNumber activationCodeSet } }
    userErrors { code message }
  }
}`;
const isSet = (r: SandboxRequest) => r.path === '/cards/v1/set-activation-codes';

const DEADLINE_MS = 300;
const BATCH_DELAY_MS = 1_000;
const BATCHES = 10;

let gw: TestGateway;
const sandbox = () => gw.sandbox<BlackhawkSandboxState>('blackhawk');
let serial = 0;

function newCodes(n: number) {
  return Array.from({ length: n }, () => {
    const i = serial++;
    return {
      programNumber: '95000001',
      proxyNumber: `6039530412${String(i).padStart(9, '0')}`,
      activationCode: `Dl${i.toString(36).padStart(6, '0')}Z`,
    };
  });
}

beforeAll(async () => {
  gw = await startTestGateway({
    UPSTREAM_BATCH_CONCURRENCY: '1',
    BULK_DEADLINE_MS: String(DEADLINE_MS),
  });
});
afterAll(() => gw.close());

describe('BULK_DEADLINE_MS', () => {
  it('sends no batch after the deadline and reports the rest NOT_SENT', async () => {
    sandbox().reset();
    sandbox().inject({
      match: isSet,
      action: { kind: 'delay', ms: BATCH_DELAY_MS },
      times: Infinity,
    });
    const codes = newCodes(BATCHES * 1_000);
    const started = Date.now();
    const res = await gw.graphql(SET, { input: { codes } });
    const elapsed = Date.now() - started;
    const received = sandbox().journal.filter(isSet);
    sandbox().reset(); // drops the delay fault

    expect(res.body.errors).toBeUndefined();
    const payload = res.body.data.setCardActivationCodes;
    expect(payload.userErrors).toEqual([]);
    // Batches go one at a time, each taking at least BATCH_DELAY_MS: only those started before the
    // deadline were sent (at most ceil(300 / 1000) = 1: the first), and they finished.
    const sentBatches = payload.acceptedCount / 1_000;
    expect(Number.isInteger(sentBatches)).toBe(true);
    expect(sentBatches).toBeGreaterThanOrEqual(1);
    expect(sentBatches).toBeLessThanOrEqual(Math.ceil(DEADLINE_MS / BATCH_DELAY_MS));
    const sentCodes = codes.slice(0, sentBatches * 1_000);
    expect(payload.cards).toEqual(
      sentCodes.map((c) => ({ proxyNumber: c.proxyNumber, activationCodeSet: true })),
    );
    expect(payload.failures).toEqual([
      {
        code: 'NOT_SENT',
        message: expect.stringMatching(
          /^\d+ codes were not sent because the operation's deadline passed before their batches started, so none of them were set; sending them again is safe$/,
        ),
        outcomeUnknown: false,
        retryAfter: null,
        cards: codes
          .slice(sentBatches * 1_000)
          .map((c) => ({ proxyNumber: c.proxyNumber, activationCodeSet: false })),
      },
    ]);

    // Blackhawk received exactly the started batches, and stored exactly their codes.
    expect(received).toHaveLength(sentBatches);
    const stored = sandbox().state.codes;
    for (const c of sentCodes) expect(stored.get(c.proxyNumber)).toBe(c.activationCode);
    for (const c of codes.slice(sentBatches * 1_000)) expect(stored.has(c.proxyNumber)).toBe(false);

    // Sending all 10 batches would take at least 10 s; the answer comes soon after the deadline
    // (the deadline, the one batch in flight, and a wide margin for a loaded machine).
    expect(elapsed).toBeLessThan(DEADLINE_MS + BATCH_DELAY_MS + 5_000);
    expect(elapsed).toBeGreaterThanOrEqual(sentBatches * BATCH_DELAY_MS);

    const line = gw.logs.find((l) => l.msg === 'activation codes sent' && l.deadlineReached);
    expect(line).toMatchObject({ batches: BATCHES, setCount: sentBatches * 1_000 });
    expect(gw.logText()).not.toContain(codes[0]!.activationCode);
  });

  it('answers PROVIDER_TIMEOUT, sending nothing, when the deadline passed before the first batch', async () => {
    const quick = await startTestGateway({ BULK_DEADLINE_MS: '1' });
    try {
      const bh = quick.sandbox<BlackhawkSandboxState>('blackhawk');
      // Validating 30,000 records takes longer than 1 ms: no batch may start after that.
      const codes = newCodes(30_000);
      const res = await quick.graphql(SET, { input: { codes } });
      expect(res.body.data).toBeNull();
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors?.[0]).toMatchObject({
        message:
          "No activation code was sent: the operation's deadline passed before the first batch started, so none of the 30000 codes were set; sending them again is safe.",
        extensions: { code: 'PROVIDER_TIMEOUT', provider: 'BLACKHAWK' },
      });
      expect(bh.journal.filter(isSet)).toHaveLength(0);
      expect(bh.state.codes.has(codes[0]!.proxyNumber)).toBe(false);
    } finally {
      await quick.close();
    }
  });
});
