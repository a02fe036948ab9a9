/** Gateway environment that points every provider at the benchmark's sandbox process (LIVE mode). */
import type { BlackhawkSettings } from '../../src/providers/blackhawk/config.js';
import type { FusebillSettings } from '../../src/providers/fusebill/config.js';
import type { NetxdSettings } from '../../src/providers/netxd/config.js';

export interface SandboxesInfo {
  control: string;
  settings: { fusebill: FusebillSettings; netxd: NetxdSettings; blackhawk: BlackhawkSettings };
}

export function gatewayEnv(
  info: SandboxesInfo,
  extra: Record<string, string> = {},
): Record<string, string> {
  const { fusebill, netxd, blackhawk } = info.settings;
  return {
    PORT: '0',
    LOG_LEVEL: 'info',
    // Off: gateways measured side by side would share METRICS_PORT; price it with AFTER_ENV.
    METRICS_PORT: 'off',
    // Fusebill runs LIVE against the sandbox here, so its documented 1,000 a minute would apply:
    // the benchmark measures the gateway, not the quota (which would answer PROVIDER_RATE_LIMITED).
    FUSEBILL_RATE_LIMIT_PER_MINUTE: '0',
    // Open, as the gateway has always been measured; scenario 1 prices authentication beside it.
    AUTH_DISABLED: 'true',
    DISABLED_PROVIDERS: 'enkash',
    FUSEBILL_BASE_URL: fusebill.baseUrl,
    FUSEBILL_API_KEY: fusebill.apiKey,
    NETXD_BASE_URL: netxd.baseUrl,
    NETXD_KEY_ID: netxd.keyId,
    NETXD_CREDENTIAL: netxd.credential,
    NETXD_PRIVATE_KEY: netxd.privateKeyPem,
    BLACKHAWK_BASE_URL: blackhawk.baseUrl,
    BLACKHAWK_CLIENT_ID: blackhawk.clientId,
    BLACKHAWK_CLIENT_SECRET: blackhawk.clientSecret,
    ...extra,
  };
}

export interface SandboxStats {
  [provider: string]: { received: number; firstAt: number | null; lastAt: number | null };
}

export async function sandboxStats(info: SandboxesInfo): Promise<SandboxStats> {
  return (await fetch(`${info.control}/stats`)).json() as Promise<SandboxStats>;
}

export async function resetSandboxes(info: SandboxesInfo): Promise<void> {
  await fetch(`${info.control}/reset`, { method: 'POST' });
}

export async function graphql<T = unknown>(
  url: string,
  query: string,
  variables?: unknown,
): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as T;
}
