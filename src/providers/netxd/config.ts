import { createPrivateKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { nonEmpty, originUrl, requiredWhenLive } from '../../config/shared.js';

/** Env files often carry a PEM on one line with literal "\n" escapes; turn them into newlines. */
export function normalizePem(value: string): string {
  return value.replace(/\\r\\n|\\n/g, '\n').trim();
}

/**
 * Parses NetXD's signing key: a PEM EC P-256 private key, PKCS#8 or SEC1. Throws with a message that
 * says what is wrong without ever quoting the key.
 */
export function parseNetxdPrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: normalizePem(pem), format: 'pem' });
  } catch {
    throw new Error(
      'must be an unencrypted PEM private key (PKCS#8 "BEGIN PRIVATE KEY" or SEC1 "BEGIN EC PRIVATE KEY"), with newlines or \\n escapes; it could not be parsed',
    );
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    const got =
      key.asymmetricKeyType === 'ec' ? `curve ${curve ?? 'unknown'}` : key.asymmetricKeyType;
    throw new Error(`must be an EC P-256 (prime256v1) private key; got ${got ?? 'another kind'}`);
  }
  return key;
}

const privateKeyPem = z.string().transform((value, ctx) => {
  const pem = normalizePem(value);
  try {
    parseNetxdPrivateKey(pem);
    return pem;
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** NetXD's environment variables. Setting NETXD_BASE_URL makes it LIVE. */
export const netxdEnv = z
  .object({
    /** Origin of the NetXD API, e.g. https://api.example-bank.com (the adapter adds /jsonrpc). */
    NETXD_BASE_URL: originUrl.optional(),
    /** The application key id NetXD issued, sent as params.api.keyId. */
    NETXD_KEY_ID: nonEmpty.optional(),
    /** The API credential NetXD issued, sent as params.api.credential. */
    NETXD_CREDENTIAL: nonEmpty.optional(),
    /** PEM EC P-256 private key (PKCS#8 or SEC1) that signs every payload; "\n" escapes allowed. */
    NETXD_PRIVATE_KEY: privateKeyPem.optional(),
  })
  .superRefine(
    requiredWhenLive('NETXD_BASE_URL', ['NETXD_KEY_ID', 'NETXD_CREDENTIAL', 'NETXD_PRIVATE_KEY']),
  );

export type NetxdEnv = z.infer<typeof netxdEnv>;

export interface NetxdSettings {
  baseUrl: string;
  keyId: string;
  credential: string;
  /** PEM EC P-256 private key; parsed once when the adapter is created. */
  privateKeyPem: string;
}

export function netxdLiveSettings(env: NetxdEnv): NetxdSettings | null {
  const { NETXD_BASE_URL, NETXD_KEY_ID, NETXD_CREDENTIAL, NETXD_PRIVATE_KEY } = env;
  return NETXD_BASE_URL && NETXD_KEY_ID && NETXD_CREDENTIAL && NETXD_PRIVATE_KEY
    ? {
        baseUrl: NETXD_BASE_URL,
        keyId: NETXD_KEY_ID,
        credential: NETXD_CREDENTIAL,
        privateKeyPem: NETXD_PRIVATE_KEY,
      }
    : null;
}
