/** Blackhawk configured LIVE (BLACKHAWK_BASE_URL and credentials, with BLACKHAWK_SCOPE) against a sandbox started here. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlackhawkSettings } from '../../src/providers/blackhawk/config.js';
import { startBlackhawkSandbox, type BlackhawkSandboxState } from '../../src/sandbox/blackhawk.js';
import type { SandboxHandle } from '../../src/sandbox/server.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SET = `mutation ($input: SetCardActivationCodesInput!) {
  setCardActivationCodes(input: $input) { acceptedCount failures { code } userErrors { code } }
}`;
const codes = [
  { programNumber: '95000000', proxyNumber: '6039530433000000001', activationCode: 'LiveCode1' },
];

let remote: SandboxHandle<BlackhawkSettings, BlackhawkSandboxState>;
let gw: TestGateway;

beforeAll(async () => {
  remote = await startBlackhawkSandbox();
  gw = await startTestGateway({
    BLACKHAWK_BASE_URL: remote.url,
    BLACKHAWK_CLIENT_ID: remote.settings.clientId,
    BLACKHAWK_CLIENT_SECRET: remote.settings.clientSecret,
    BLACKHAWK_SCOPE: 'cavs',
  });
});
afterAll(async () => {
  await gw.close();
  await remote.close();
});

describe('blackhawk LIVE configuration', () => {
  it('runs LIVE and offers activation codes', async () => {
    const res = await gw.graphql('{ providers { provider mode operations } }');
    expect(res.body.data.providers).toContainEqual({
      provider: 'BLACKHAWK',
      mode: 'LIVE',
      operations: ['SET_CARD_ACTIVATION_CODES'],
    });
  });

  it('sends BLACKHAWK_SCOPE with the token request', async () => {
    const res = await gw.graphql(SET, { input: { codes } });
    expect(res.body.data.setCardActivationCodes).toEqual({
      acceptedCount: 1,
      failures: [],
      userErrors: [],
    });
    const form = new URLSearchParams(
      remote.journal.find((e) => e.path === '/api/auth')?.body.toString(),
    );
    expect(Object.fromEntries(form)).toEqual({ grant_type: 'client_credentials', scope: 'cavs' });
    expect(remote.state.codes.get('6039530433000000001')).toBe('LiveCode1');
  });

  // Last in the file: after rejected credentials the token cache fails fast for 30 s.
  it('maps a 400 from the token endpoint to PROVIDER_AUTH_FAILED', async () => {
    remote.state.revokeTokens();
    remote.inject({
      match: (r) => r.path === '/api/auth',
      action: {
        kind: 'respond',
        response: {
          status: 400,
          body: { error: 'invalid_scope', error_description: 'Unknown scope' },
        },
      },
    });
    const res = await gw.graphql(SET, { input: { codes } });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_AUTH_FAILED',
      provider: 'BLACKHAWK',
    });
    expect(res.body.errors?.[0]?.message).toBe(
      "blackhawk rejected the gateway's credentials; none of the 1 codes of this batch were set, and sending them again is safe.",
    );
    const text = JSON.stringify(res.body) + gw.logText();
    expect(text).not.toContain(remote.settings.clientSecret);
    expect(text).not.toContain('LiveCode1');
  });
});
