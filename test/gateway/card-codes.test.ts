/**
 * Activation codes coerced once (src/gateway/card-codes.ts): well-formed records skip graphql-js's
 * coercion, and nothing a client sees may differ from the path through graphql-js.
 */
import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardCodesPlugin } from '../../src/gateway/card-codes.js';
import type { GatewayContext } from '../../src/gateway/context.js';
import { buildSchema } from '../../src/gateway/schema.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SET = `mutation ($input: SetCardActivationCodesInput!) {
  setCardActivationCodes(input: $input) { acceptedCount cards { proxyNumber } userErrors { code field } } }`;
const PATH = '/cards/v1/set-activation-codes';

let serial = 0;
const codes = (n: number) =>
  Array.from({ length: n }, () => {
    const i = serial++;
    return {
      programNumber: '95000000',
      proxyNumber: `60395304${String(i).padStart(11, '0')}`,
      activationCode: `Cc${i.toString(36).padStart(6, '0')}`,
    };
  });

describe('the plugin', () => {
  const schema = buildSchema();
  const server = new ApolloServer<GatewayContext>({ schema, plugins: [cardCodesPlugin(schema)] });
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  // Execution is not the point here: a context without providers fails in the resolver, after
  // the plugin has done (or not done) its work. executeOperation copies the context object, so
  // the map the plugin fills is handed in.
  const run = async (variables: Record<string, unknown>) => {
    const cardCodes = new Map();
    const contextValue = { cardCodes } as unknown as GatewayContext;
    await server.executeOperation({ query: SET, variables }, { contextValue });
    return cardCodes.size ? cardCodes : undefined;
  };

  it('takes well-formed records as they are', async () => {
    const records = codes(3);
    const taken = await run({ input: { codes: records } });
    expect(taken?.get('input')).toBe(records);
  });

  it.each([
    ['a number where a string belongs', { ...codes(1)[0], activationCode: 1234 }],
    ['an extra field', { ...codes(1)[0], note: 'x' }],
    ['a missing field', { programNumber: '95000000', proxyNumber: '1' }],
    ['a list where a record belongs', ['95000000', '1', 'Abcd1234']],
  ])('leaves a record with %s to graphql-js', async (_name, bad) => {
    expect(await run({ input: { codes: [...codes(2), bad] } })).toBeUndefined();
  });

  it('refuses to start when the input types change shape', () => {
    const changed = buildSchema();
    const record = changed.getType('CardActivationCodeInput') as unknown as {
      getFields(): Record<string, unknown>;
    };
    delete record.getFields().activationCode;
    expect(() => cardCodesPlugin(changed)).toThrow(/CardActivationCodeInput changed shape/);
  });

  it('refuses to start when another field takes the input type', () => {
    const changed = buildSchema();
    const mutation = changed.getMutationType()!.getFields();
    mutation.again = { ...mutation.setCardActivationCodes!, name: 'again' };
    expect(() => cardCodesPlugin(changed)).toThrow(
      /used by Mutation.again\(input\), Mutation.setCardActivationCodes\(input\)/,
    );
  });
});

describe('over HTTP', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());
  const sent = () =>
    gw
      .sandbox('blackhawk')
      .journal.filter((e) => e.path === PATH)
      .map((e) =>
        (JSON.parse(e.body.toString()) as { proxyNumber: string }[]).map((r) => r.proxyNumber),
      );

  it('gives each field the records of its own variable', async () => {
    gw.sandbox('blackhawk').reset();
    const [a, b] = [codes(2), codes(3)];
    const res = await gw.graphql(
      `mutation ($a: SetCardActivationCodesInput!, $b: SetCardActivationCodesInput!) {
        first: setCardActivationCodes(input: $a) { acceptedCount cards { proxyNumber } }
        second: setCardActivationCodes(input: $b) { acceptedCount cards { proxyNumber } }
        again: setCardActivationCodes(input: $a) { acceptedCount }
      }`,
      { a: { codes: a }, b: { codes: b } },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.first.cards.map((c: any) => c.proxyNumber)).toEqual(
      a.map((c) => c.proxyNumber),
    );
    expect(res.body.data.second.cards.map((c: any) => c.proxyNumber)).toEqual(
      b.map((c) => c.proxyNumber),
    );
    expect(res.body.data.again.acceptedCount).toBe(2);
    expect(sent().sort()).toEqual([a, b, a].map((list) => list.map((c) => c.proxyNumber)).sort());
  });

  it('answers a malformed record exactly as graphql-js does, sending nothing', async () => {
    gw.sandbox('blackhawk').reset();
    const records: unknown[] = codes(3);
    records[2] = { ...(records[2] as object), proxyNumber: 6039530400 };
    const res = await gw.graphql(SET, { input: { codes: records } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        message:
          'Variable "$input" got an invalid value at "input.codes[2].proxyNumber"; String cannot represent a non string value.',
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
      }),
    ]);
    expect(sent()).toEqual([]);
  });

  it('still takes codes written inline or as a list variable', async () => {
    const [inline, listed] = [codes(1)[0]!, codes(2)];
    const res = await gw.graphql(
      `mutation ($list: [CardActivationCodeInput!]!) {
        inline: setCardActivationCodes(input: { codes: [{ programNumber: "${inline.programNumber}", proxyNumber: "${inline.proxyNumber}", activationCode: "${inline.activationCode}" }] }) { acceptedCount }
        listed: setCardActivationCodes(input: { codes: $list }) { acceptedCount }
      }`,
      { list: listed },
    );
    expect(res.body.data).toEqual({ inline: { acceptedCount: 1 }, listed: { acceptedCount: 2 } });
  });

  it('keeps the empty-list rule', async () => {
    const res = await gw.graphql(SET, { input: { codes: [] } });
    expect(res.body.data.setCardActivationCodes.userErrors).toEqual([
      { code: 'INVALID_INPUT', field: ['input', 'codes'] },
    ]);
  });
});
