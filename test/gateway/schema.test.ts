/** The published schema, read the way a client reads it: introspection over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_IDS } from '../../src/providers/ids.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const INTROSPECT = `{ __schema { types {
  name kind description
  fields { name description args { name description } }
  inputFields { name description }
  enumValues { name description }
} } }`;

interface Described {
  name: string;
  description: string | null;
}
interface IntrospectedType extends Described {
  kind: string;
  fields: (Described & { args: Described[] })[] | null;
  inputFields: Described[] | null;
  enumValues: Described[] | null;
}

let gw: TestGateway;
let types: IntrospectedType[];
beforeAll(async () => {
  gw = await startTestGateway();
  const res = await gw.graphql(INTROSPECT);
  types = (res.body.data.__schema.types as IntrospectedType[]).filter(
    (t) =>
      !t.name.startsWith('__') && !['String', 'Boolean', 'Int', 'Float', 'ID'].includes(t.name),
  );
});
afterAll(() => gw.close());

const values = (name: string) => types.find((t) => t.name === name)?.enumValues?.map((v) => v.name);
const fieldNames = (name: string) =>
  types
    .find((t) => t.name === name)
    ?.fields?.map((f) => f.name)
    .sort();

describe('schema', () => {
  it('describes every type, field, input field and enum value', () => {
    const missing: string[] = [];
    const check = (what: string, d: Described) => {
      if (!d.description?.trim()) missing.push(what);
    };
    for (const type of types) {
      check(type.name, type);
      for (const field of type.fields ?? []) {
        check(`${type.name}.${field.name}`, field);
        // A lone `input` or `id` argument is described by its field.
        for (const arg of field.args)
          if (!['input', 'id'].includes(arg.name))
            check(`${type.name}.${field.name}(${arg.name})`, arg);
      }
      for (const field of type.inputFields ?? []) check(`${type.name}.${field.name}`, field);
      for (const value of type.enumValues ?? []) check(`${type.name}.${value.name}`, value);
    }
    expect(missing).toEqual([]);
  });

  it('keeps the public contract names', () => {
    expect(values('CustomerStatus')).toEqual([
      'DRAFT',
      'ACTIVE',
      'INACTIVE',
      'DORMANT',
      'ON_HOLD',
      'SUSPENDED',
      'BLOCKED',
      'BLACKLISTED',
      'CANCELLED',
      'UNKNOWN',
    ]);
    expect(values('Provider')).toEqual(['ENKASH', 'NETXD', 'FUSEBILL', 'BLACKHAWK']);
    // The schema enum and the code's list of providers are one list in two places: keep them equal.
    expect(values('Provider')).toEqual(PROVIDER_IDS.map((id) => id.toUpperCase()));
    expect(values('UserErrorCode')).toEqual([
      'INVALID_INPUT',
      'NOT_FOUND',
      'INVALID_STATE',
      'UNSUPPORTED_BY_PROVIDER',
      'PROVIDER_REJECTED',
    ]);
    expect(fieldNames('Mutation')).toEqual([
      'activateCustomer',
      'bulkUpdateCustomers',
      'setCardActivationCodes',
      'updateCustomerStatus',
    ]);
    expect(fieldNames('Query')).toEqual([
      'customer',
      'customerActivationPreview',
      'node',
      'providers',
    ]);
    expect(fieldNames('Customer')).toEqual([
      'id',
      'provider',
      'providerCustomerId',
      'providerStatus',
      'status',
    ]);
    expect(fieldNames('Card')).toEqual([
      'activationCodeSet',
      'id',
      'programNumber',
      'provider',
      'proxyNumber',
    ]);
    expect(fieldNames('UserError')).toEqual([
      'code',
      'field',
      'message',
      'provider',
      'providerCode',
    ]);
    expect(types.find((t) => t.name === 'Upload')?.kind).toBe('SCALAR');
  });
});
