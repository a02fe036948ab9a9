import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { netxdFailure, signPayload } from '../../src/providers/netxd/client.js';
import { NETXD_ERRORS, netxdCustomer, netxdErrorMapping } from '../../src/providers/netxd/wire.js';

const quiet = createLogger({ write: () => undefined });

describe('NetXD signing', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

  it('signs the UTF-8 bytes with DER ECDSA P-256 SHA-256, base64', () => {
    const text = '{"ID":"100000000025001","status":"ACTIVE","notes":"Ünïcode ✓"}';
    const signature = Buffer.from(signPayload(text, privateKey), 'base64');
    expect(signature[0]).toBe(0x30);
    expect(verify('sha256', Buffer.from(text, 'utf8'), publicKey, signature)).toBe(true);
    expect(
      verify(
        'sha256',
        Buffer.from(text, 'utf8'),
        { key: publicKey, dsaEncoding: 'der' },
        signature,
      ),
    ).toBe(true);
  });

  it('does not verify for other bytes', () => {
    const signature = Buffer.from(signPayload('{"customerID":"1"}', privateKey), 'base64');
    expect(verify('sha256', Buffer.from('{"customerID":"2"}'), publicKey, signature)).toBe(false);
    expect(verify('sha256', Buffer.from('{ "customerID": "1" }'), publicKey, signature)).toBe(
      false,
    );
  });
});

describe('NetXD wire and error table', () => {
  it.each([
    [
      { ID: '1', Status: 'ACTIVE' },
      { id: '1', status: 'ACTIVE' },
    ],
    [
      { Id: '1', status: 'DORMANT' },
      { id: '1', status: 'DORMANT' },
    ],
    [{ Id: 42 }, { id: '42', status: null }],
  ])('reads %j', (wire, expected) => {
    expect(netxdCustomer.parse(wire)).toEqual(expected);
  });

  it.each([[{ Status: 'ACTIVE' }], [{ ID: 'x1' }], [{ ID: 2 ** 60 }], [null]])(
    'refuses %j',
    (wire) => {
      expect(netxdCustomer.safeParse(wire).success).toBe(false);
    },
  );

  it.each(Object.entries(NETXD_ERRORS))(
    '%s is found by its code, numeric or string',
    (_name, row) => {
      expect(netxdErrorMapping(row.code)).toEqual(row.maps);
      expect(netxdErrorMapping(String(row.code))).toEqual(row.maps);
    },
  );

  it('leaves codes outside the table to PROVIDER_REJECTED with the code', () => {
    expect(netxdErrorMapping(4711)).toBeUndefined();
    const error = netxdFailure('CustomerService.GetCustomer', { code: 4711, message: '' }, quiet);
    expect(error).toMatchObject({
      errors: [
        {
          code: 'PROVIDER_REJECTED',
          providerCode: '4711',
          provider: 'netxd',
          message: 'NetXD rejected CustomerService.GetCustomer (code 4711)',
        },
      ],
    });
  });
});
