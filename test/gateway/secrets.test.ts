/** Input values that may be secrets are never echoed back in error messages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutInputValues } from '../../src/gateway/format-error.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const MUTATION = `mutation ($input: SetCardActivationCodesInput!) {
  setCardActivationCodes(input: $input) { acceptedCount userErrors { code field } } }`;

describe('error messages never echo input values', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  it('cuts a code sent as a number in variables, keeping the path', async () => {
    const res = await gw.graphql(MUTATION, {
      input: {
        codes: [
          {
            programNumber: '95000000',
            proxyNumber: '6039530407033839166',
            activationCode: 987654321,
          },
        ],
      },
    });
    expect(res.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors?.[0]?.message).toContain('input.codes[0].activationCode');
    expect(JSON.stringify(res.body)).not.toContain('987654321');
  });

  it('cuts a code written inline in the document', async () => {
    const res = await gw.graphql(`mutation { setCardActivationCodes(input: {codes: [
      {programNumber: "95000000", proxyNumber: "1", activationCode: 555444333}]}) { acceptedCount } }`);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(res.body)).not.toContain('555444333');
  });

  it('does not quote a body that is not JSON', async () => {
    const res = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"mutation","variables":{"activationCode":"Sup3rS3cret"',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('Sup3rS3cret');
  });

  it.each([
    [
      'Variable "$input" got invalid value 123456 at "input.codes[0].activationCode"; String cannot represent a non string value: 123456',
      'Variable "$input" got an invalid value at "input.codes[0].activationCode"; String cannot represent a non string value.',
    ],
    [
      'Variable "$x" got invalid value "a;b"; Int cannot represent non-integer value: "a;b"',
      'Variable "$x" got an invalid value; Int cannot represent non-integer value.',
    ],
    ['Expected value of type "String!", found 123456.', 'Expected value of type "String!".'],
    [
      'Enum "CustomerStatus" cannot represent non-enum value: "FOO".',
      'Enum "CustomerStatus" cannot represent non-enum value.',
    ],
    ['Cannot query field "nope" on type "Query".', 'Cannot query field "nope" on type "Query".'],
    [
      'Variable "$input" got invalid value { codes: [[Object]] }; Field "activationCode" of required type "String!" was not provided.',
      'Variable "$input" got an invalid value; Field "activationCode" of required type "String!" was not provided.',
    ],
    [
      'Variable "$x" got invalid value "a; Int cannot"; Int cannot represent non-integer value: "a; Int cannot"',
      'Variable "$x" got an invalid value; Int cannot represent non-integer value.',
    ],
  ])('%s', (message, expected) => {
    expect(withoutInputValues(message)).toBe(expected);
  });
});
