/** Request size limits: the defaults admit real bulk work, and limits answer clearly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SET_CODES = `mutation ($input: SetCardActivationCodesInput!) {
  setCardActivationCodes(input: $input) { acceptedCount userErrors { code field } } }`;
const BULK = `mutation ($input: BulkUpdateCustomersInput!) {
  bulkUpdateCustomers(input: $input) { result { totalCount } userErrors { code field provider } } }`;

describe('default limits', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  it('admit 100,000 activation codes in one operation (validated, nothing sent when one is bad)', async () => {
    const codes = Array.from({ length: 100_000 }, (_, i) => ({
      programNumber: '95000000',
      proxyNumber: String(6039530400000000000n + BigInt(i)),
      activationCode: `Ab${i.toString(36).padStart(6, '0')}`,
    }));
    codes[99_999]!.activationCode = 'no!';
    const body = JSON.stringify({ query: SET_CODES, variables: { input: { codes } } });
    expect(body.length).toBeGreaterThan(8 * 1024 * 1024);
    gw.sandbox('blackhawk').reset();
    const res = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(200);
    const json = (await res.json()) as any;
    expect(json.data.setCardActivationCodes).toEqual({
      acceptedCount: 0,
      userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'codes', '99999', 'activationCode'] }],
    });
    expect(gw.sandbox('blackhawk').receivedCount()).toBe(0);
  });

  it.each(['NETXD', 'FUSEBILL', 'BLACKHAWK'])(
    'refuse bulkUpdateCustomers on %s without calling anything',
    async (provider) => {
      const res = await gw.upload(BULK, { input: { provider, file: null } }, 'input.file', {
        content: 'customerId\nKC00000000000001\n',
      });
      expect(res.body.data.bulkUpdateCustomers.userErrors).toEqual([
        { code: 'UNSUPPORTED_BY_PROVIDER', field: ['input', 'provider'], provider },
      ]);
    },
  );
});

describe('upload size limit', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ UPLOAD_MAX_FILE_BYTES: '1000' });
  });
  afterAll(() => gw.close());

  it('answers an oversized file with INVALID_INPUT on the file field and sends nothing', async () => {
    gw.sandbox('enkash').reset();
    const content = 'customerId,name\n' + 'KC00000000000001,Someone\n'.repeat(100);
    const res = await gw.upload(BULK, { input: { provider: 'ENKASH', file: null } }, 'input.file', {
      content,
    });
    expect(res.body.data.bulkUpdateCustomers.userErrors).toEqual([
      { code: 'INVALID_INPUT', field: ['input', 'file'], provider: null },
    ]);
    expect(gw.sandbox('enkash').receivedCount()).toBe(0);
  });

  it('still accepts a file under the limit', async () => {
    const res = await gw.upload(BULK, { input: { provider: 'ENKASH', file: null } }, 'input.file', {
      content: 'customerId,name\nKC00000000000002,Someone\n',
    });
    expect(res.body.data.bulkUpdateCustomers).toMatchObject({
      result: { totalCount: 1 },
      userErrors: [],
    });
  });
});
