import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import {
  netxdEnv,
  netxdLiveSettings,
  parseNetxdPrivateKey,
} from '../../src/providers/netxd/config.js';
import { netxdProvider } from '../../src/providers/netxd/index.js';

describe('NetXD configuration', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  const pkcs8 = ec.export({ type: 'pkcs8', format: 'pem' }).toString();
  const sec1 = ec.export({ type: 'sec1', format: 'pem' }).toString();
  const live = {
    NETXD_BASE_URL: 'https://netxd.example.com',
    NETXD_KEY_ID: 'k',
    NETXD_CREDENTIAL: 'c',
  };

  it.each([
    ['PKCS#8', pkcs8],
    ['SEC1', sec1],
    ['PKCS#8 with literal \\n escapes', pkcs8.replace(/\n/g, '\\n')],
    ['SEC1 with literal \\r\\n escapes', sec1.replace(/\n/g, '\\r\\n')],
  ])('accepts a %s key', (_what, pem) => {
    const env = netxdEnv.parse({ ...live, NETXD_PRIVATE_KEY: pem });
    const settings = netxdLiveSettings(env);
    expect(settings).toMatchObject({
      baseUrl: 'https://netxd.example.com',
      keyId: 'k',
      credential: 'c',
    });
    expect(parseNetxdPrivateKey(settings!.privateKeyPem).asymmetricKeyDetails?.namedCurve).toBe(
      'prime256v1',
    );
  });

  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const ed = generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

  it.each([
    ['an RSA key', rsa, /EC P-256.*got rsa/],
    ['a P-384 key', p384, /EC P-256.*curve secp384r1/],
    ['an Ed25519 key', ed, /EC P-256.*got ed25519/],
    ['a truncated key', pkcs8.slice(0, 80), /could not be parsed/],
    [
      'a public key',
      generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString(),
      /could not be parsed/,
    ],
  ])('stops start-up on %s, naming NETXD_PRIVATE_KEY without echoing it', (_what, pem, message) => {
    let error: Error | undefined;
    try {
      loadConfig({ ...live, NETXD_PRIVATE_KEY: pem }, [netxdProvider]);
    } catch (caught) {
      error = caught as Error;
    }
    expect(error?.name).toBe('ConfigError');
    expect(error?.message).toMatch(/NETXD_PRIVATE_KEY must be/);
    expect(error?.message).toMatch(message);
    const body = pem.split('\n').find((line) => line.length > 40 && !line.startsWith('-----'));
    expect(error?.message).not.toContain(body?.slice(0, 40) ?? '-----BEGIN');
  });

  it('requires the key id, credential and key once NETXD_BASE_URL is set', () => {
    expect(() =>
      loadConfig({ NETXD_BASE_URL: 'https://netxd.example.com' }, [netxdProvider]),
    ).toThrow(
      /NETXD_KEY_ID is required[\s\S]*NETXD_CREDENTIAL is required[\s\S]*NETXD_PRIVATE_KEY is required/,
    );
  });

  it('rejects a base URL with a path', () => {
    expect(() =>
      loadConfig(
        { ...live, NETXD_BASE_URL: 'https://x.example.com/jsonrpc', NETXD_PRIVATE_KEY: pkcs8 },
        [netxdProvider],
      ),
    ).toThrow(/NETXD_BASE_URL must be an origin/);
  });

  it('runs against the sandbox when NETXD_BASE_URL is not set', () => {
    expect(netxdLiveSettings(netxdEnv.parse({}))).toBeNull();
  });
});
