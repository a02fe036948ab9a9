/**
 * A retry of a write whose outcome was unknown is reconciled, not replayed: where the provider can
 * tell, the gateway reads before it writes again, so a write that happened is never sent twice;
 * for card codes only the batches that were not confirmed are sent again.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlackhawkSandboxState } from '../../src/sandbox/blackhawk.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ACTIVATE = `mutation ($id: ID!) {
  activateCustomer(input: { customerId: $id }) { customer { id status } reconciled userErrors { code } }
}`;
const STATUS = `mutation ($id: ID!, $status: CustomerStatus!) {
  updateCustomerStatus(input: { customerId: $id, status: $status }) {
    customer { id status } reconciled userErrors { code }
  }
}`;
const SET = `mutation ($input: SetCardActivationCodesInput!) {
  setCardActivationCodes(input: $input) {
    acceptedCount reconciled userErrors { code message }
    cards { proxyNumber }
    failures { code outcomeUnknown cards { proxyNumber } }
  }
}`;
const SET_PATH = '/cards/v1/set-activation-codes';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ UPSTREAM_TIMEOUT_MS: '800', UPSTREAM_BATCH_CONCURRENCY: '1' });
});
afterAll(() => gw.close());

async function post(body: unknown, key: string) {
  const res = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
}

describe('reconciling activateCustomer (Fusebill has a read)', () => {
  const writes = (id: string) =>
    gw
      .sandbox('fusebill')
      .journal.filter(
        (r) => r.path.toLowerCase() === '/v1/customeractivation' && r.body.toString().includes(id),
      ).length;

  it('answers success without writing again when the unconfirmed write had happened', async () => {
    const key = randomUUID();
    const body = { query: ACTIVATE, variables: { id: 'fusebill:8708480' } };
    gw.sandbox('fusebill').inject({
      match: (r) => r.path.toLowerCase() === '/v1/customeractivation',
      action: { kind: 'apply-then-hang' },
    });
    const first = await post(body, key);
    expect(first.json.errors[0].extensions.code).toBe('OUTCOME_UNKNOWN');
    expect(writes('8708480')).toBe(1);

    const retry = await post(body, key);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.json).toEqual({
      data: {
        activateCustomer: {
          customer: { id: 'fusebill:8708480', status: 'ACTIVE' },
          reconciled: true,
          userErrors: [],
        },
      },
    });
    expect(writes('8708480')).toBe(1);

    // The reconciled answer is what the key holds from now on.
    const third = await post(body, key);
    expect(third.headers.get('idempotent-replayed')).toBe('true');
    expect(third.json).toEqual(retry.json);
    expect(writes('8708480')).toBe(1);
  });

  it('writes once more when the read shows the write had not happened', async () => {
    const key = randomUUID();
    const body = { query: ACTIVATE, variables: { id: 'fusebill:8708481' } };
    gw.sandbox('fusebill').inject({
      match: (r) => r.path.toLowerCase() === '/v1/customeractivation',
      action: { kind: 'hang' },
    });
    const first = await post(body, key);
    expect(first.json.errors[0].extensions.code).toBe('OUTCOME_UNKNOWN');
    const retry = await post(body, key);
    expect(retry.json.data.activateCustomer).toEqual({
      customer: { id: 'fusebill:8708481', status: 'ACTIVE' },
      reconciled: false,
      userErrors: [],
    });
    expect(writes('8708481')).toBe(2);
  });
});

describe('reconciling updateCustomerStatus (NetXD has a read)', () => {
  it('answers success without a second status change when the first one happened', async () => {
    const key = randomUUID();
    const id = 'netxd:100000000035011';
    const body = { query: STATUS, variables: { id, status: 'SUSPENDED' } };
    const isUpdate = (text: string) => text.includes('UpdateCustomerStatus');
    const updates = () =>
      gw.sandbox('netxd').journal.filter((r) => isUpdate(r.body.toString())).length;
    const before = updates();
    gw.sandbox('netxd').inject({
      match: (r) => isUpdate(r.body.toString()),
      action: { kind: 'apply-then-hang' },
    });
    const first = await post(body, key);
    expect(first.json.errors[0].extensions.code).toBe('OUTCOME_UNKNOWN');
    const retry = await post(body, key);
    expect(retry.json.data.updateCustomerStatus).toEqual({
      customer: { id, status: 'SUSPENDED' },
      reconciled: true,
      userErrors: [],
    });
    expect(updates() - before).toBe(1);
  });

  // Found by the chaos soak (bench/scenarios/chaos.ts): the reconciling run's read failed, the key
  // was released as "nothing done", and the next retry ran afresh: the write went again and the
  // client was told INVALID_STATE "already SUSPENDED" about its own write.
  it('stays unknown when the reconciling read itself fails, so the next retry still reconciles', async () => {
    const key = randomUUID();
    const id = 'netxd:100000000035012';
    const body = { query: STATUS, variables: { id, status: 'SUSPENDED' } };
    const isUpdate = (text: string) => text.includes('UpdateCustomerStatus');
    const isRead = (text: string) => text.includes('GetCustomer');
    const updates = () =>
      gw.sandbox('netxd').journal.filter((r) => isUpdate(r.body.toString())).length;
    const before = updates();
    gw.sandbox('netxd').inject({
      match: (r) => isUpdate(r.body.toString()),
      action: { kind: 'apply-then-hang' },
    });
    const first = await post(body, key);
    expect(first.json.errors[0].extensions.code).toBe('OUTCOME_UNKNOWN');

    gw.sandbox('netxd').inject({
      match: (r) => isRead(r.body.toString()),
      action: { kind: 'hang' },
    });
    const second = await post(body, key);
    expect(second.json.errors[0].extensions.code).toBe('PROVIDER_TIMEOUT');
    expect(updates() - before).toBe(1);

    const third = await post(body, key);
    expect(third.json.data.updateCustomerStatus).toEqual({
      customer: { id, status: 'SUSPENDED' },
      reconciled: true,
      userErrors: [],
    });
    expect(updates() - before).toBe(1);
  });
});

describe('reconciling setCardActivationCodes', () => {
  it('sends again only the batches that were not confirmed, and accounts for every card', async () => {
    const sandbox = gw.sandbox<BlackhawkSandboxState>('blackhawk');
    const codes = Array.from({ length: 2_500 }, (_, i) => ({
      programNumber: '95000001',
      proxyNumber: `6039530499${String(i).padStart(9, '0')}`,
      activationCode: `Rc${String(i).padStart(6, '0')}`,
    }));
    const body = { query: SET, variables: { input: { codes } } };
    const key = randomUUID();
    const batches = () => sandbox.journal.filter((r) => r.path === SET_PATH);
    const before = batches().length;
    // The first batch is confirmed; the second is applied but never answered; the third is not sent.
    let seen = 0;
    sandbox.inject({
      match: (r) => r.path === SET_PATH && ++seen === 2,
      action: { kind: 'apply-then-hang' },
    });
    const first = await post(body, key);
    const partial = first.json.data.setCardActivationCodes;
    expect(partial.acceptedCount).toBe(1_000);
    expect(partial.reconciled).toBe(false);
    expect(partial.failures.map((f: any) => [f.code, f.cards.length])).toEqual([
      ['OUTCOME_UNKNOWN', 1_000],
      ['NOT_SENT', 500],
    ]);
    expect(batches().length - before).toBe(2);

    const retry = await post(body, key);
    const settled = retry.json.data.setCardActivationCodes;
    expect(settled.reconciled).toBe(true);
    expect(settled.acceptedCount).toBe(2_500);
    expect(settled.failures).toEqual([]);
    expect(new Set(settled.cards.map((c: any) => c.proxyNumber))).toEqual(
      new Set(codes.map((c) => c.proxyNumber)),
    );
    // Only batches two and three went again: the first batch's 1,000 codes were not resent.
    const resent = batches().slice(-2);
    expect(batches().length - before).toBe(4);
    for (const request of resent)
      expect(request.body.toString()).not.toContain(codes[0]!.proxyNumber);
    expect(resent[0]!.body.toString()).toContain(codes[1_000]!.proxyNumber);
    expect(resent[1]!.body.toString()).toContain(codes[2_000]!.proxyNumber);
    expect(sandbox.state.codes.get(codes[2_499]!.proxyNumber)).toBe(codes[2_499]!.activationCode);
  });

  it('keeps cards an earlier attempt may have set as OUTCOME_UNKNOWN when the retry fails them', async () => {
    const sandbox = gw.sandbox<BlackhawkSandboxState>('blackhawk');
    const codes = Array.from({ length: 2_500 }, (_, i) => ({
      programNumber: '95000001',
      proxyNumber: `6039530497${String(i).padStart(9, '0')}`,
      activationCode: `Mb${String(i).padStart(6, '0')}`,
    }));
    const body = { query: SET, variables: { input: { codes } } };
    const key = randomUUID();
    // First: batch 1 confirmed, batch 2 applied without an answer, batch 3 not sent.
    let seen = 0;
    sandbox.inject({
      match: (r) => r.path === SET_PATH && ++seen === 2,
      action: { kind: 'apply-then-hang' },
    });
    await post(body, key);
    // The retry sends batches 2 and 3; Blackhawk answers batch 2 with a 503 (a definite "not
    // taken" for this request), so batch 3 is not sent.
    let again = 0;
    sandbox.inject({
      match: (r) => r.path === SET_PATH && ++again === 1,
      action: { kind: 'respond', response: { status: 503, body: { message: 'busy' } } },
    });
    const retry = await post(body, key);
    const answer = retry.json.data.setCardActivationCodes;
    expect(answer.acceptedCount).toBe(1_000);
    // Batch 2 was set by the first attempt: the retry must not say it was not.
    expect(sandbox.state.codes.get(codes[1_000]!.proxyNumber)).toBe(codes[1_000]!.activationCode);
    expect(answer.failures.map((f: any) => [f.code, f.outcomeUnknown, f.cards.length])).toEqual([
      ['OUTCOME_UNKNOWN', true, 1_000],
      ['NOT_SENT', false, 500],
    ]);
    // A third try settles it: both remaining batches are sent and every card is accounted for.
    const third = await post(body, key);
    expect(third.json.data.setCardActivationCodes).toMatchObject({
      acceptedCount: 2_500,
      failures: [],
      reconciled: true,
    });
  });

  it('sends all codes again when none was confirmed (the whole call was unknown)', async () => {
    const sandbox = gw.sandbox<BlackhawkSandboxState>('blackhawk');
    const codes = [
      { programNumber: '95000001', proxyNumber: '6039530498000000001', activationCode: 'Aa1234' },
    ];
    const body = { query: SET, variables: { input: { codes } } };
    const key = randomUUID();
    sandbox.inject({ match: (r) => r.path === SET_PATH, action: { kind: 'apply-then-hang' } });
    const first = await post(body, key);
    expect(first.json.errors[0].extensions.code).toBe('OUTCOME_UNKNOWN');
    const before = sandbox.journal.filter((r) => r.path === SET_PATH).length;
    const retry = await post(body, key);
    expect(retry.json.data.setCardActivationCodes).toMatchObject({
      acceptedCount: 1,
      reconciled: true,
      failures: [],
    });
    expect(sandbox.journal.filter((r) => r.path === SET_PATH).length - before).toBe(1);
  });
});
