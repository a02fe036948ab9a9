/** GET /readyz: ready while serving (whatever the providers do), 503 from SIGTERM through the drain. */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway } from '../helpers/gateway.js';
import { REDIS_URL, requireRedis } from '../helpers/redis.js';

const redisUp = await requireRedis();
import { killProcesses, startProcess } from '../helpers/process.js';

const READ = '{ customer(id: "fusebill:12000750") { status } }';
const readyz = (url: string) => fetch(url.replace(/\/graphql$/, '/readyz'));

interface Readiness {
  status: string;
  redis?: string;
  providers: Record<
    string,
    { mode: string; circuit: string | null; lastAnswerAgoMs: number | null }
  >;
}

describe('/readyz in process', () => {
  it('is ready while serving; shows each provider, and a provider down leaves it ready', async () => {
    const gw = await startTestGateway({
      DISABLED_PROVIDERS: 'enkash',
      UPSTREAM_READ_RETRIES: '0',
      BREAKER_FAILURES: '1',
      BREAKER_COOLDOWN_MS: '60000',
    });
    try {
      let res = await readyz(gw.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      let body = (await res.json()) as Readiness;
      expect(body.status).toBe('ready');
      expect(body.redis).toBeUndefined();
      expect(body.providers).toEqual({
        enkash: { mode: 'DISABLED', circuit: null, lastAnswerAgoMs: null },
        netxd: { mode: 'SANDBOX', circuit: 'CLOSED', lastAnswerAgoMs: null },
        fusebill: { mode: 'SANDBOX', circuit: 'CLOSED', lastAnswerAgoMs: null },
        blackhawk: { mode: 'SANDBOX', circuit: 'CLOSED', lastAnswerAgoMs: null },
      });

      expect((await gw.graphql(READ)).body.data.customer.status).toBe('ACTIVE');
      body = (await (await readyz(gw.url)).json()) as Readiness;
      const ago = body.providers.fusebill!.lastAnswerAgoMs!;
      expect(ago).toBeGreaterThanOrEqual(0);
      expect(ago).toBeLessThan(60_000);
      expect(body.providers.netxd!.lastAnswerAgoMs).toBeNull();

      // Fusebill fails: its circuit opens, the gateway stays ready, the last answer stays known.
      gw.sandbox('fusebill').inject({ action: { kind: 'respond', response: { status: 503 } } });
      expect((await gw.graphql(READ)).body.errors?.[0]?.extensions?.code).toBe(
        'PROVIDER_UNAVAILABLE',
      );
      res = await readyz(gw.url);
      expect(res.status).toBe(200);
      body = (await res.json()) as Readiness;
      expect(body.providers.fusebill).toMatchObject({ circuit: 'OPEN' });
      expect(body.providers.fusebill!.lastAnswerAgoMs).toBeGreaterThanOrEqual(ago);
    } finally {
      await gw.close();
    }
  });

  it.runIf(redisUp)('says whether Redis is up when it is configured', async () => {
    const gw = await startTestGateway({
      REDIS_URL,
      REDIS_KEY_PREFIX: `switchyard-test-${randomUUID()}:`,
    });
    try {
      const body = (await (await readyz(gw.url)).json()) as Readiness;
      expect(body.redis).toBe('up');
    } finally {
      await gw.close();
    }
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('/readyz of a real process', () => {
  afterAll(killProcesses);

  it('refuses connections until start-up ends, answers 200 first, 503 from SIGTERM while still serving, then exits', async () => {
    const port = await freePort();
    const proc = startProcess({
      PORT: String(port),
      SHUTDOWN_DELAY_MS: '1500',
      SANDBOX_LATENCY_MS: '300',
    });
    const base = `http://127.0.0.1:${port}`;
    // Polled from the spawn on: refused connections until the server listens (it listens once
    // everything is loaded), and then its first answer is 200, never a 503.
    let banner = false;
    const early: string[] = [];
    const bannerSeen = proc.url(20_000).then(() => (banner = true));
    while (!banner) {
      try {
        const res = await fetch(`${base}/readyz`);
        if (!banner) early.push(String(res.status));
        break;
      } catch {
        early.push('refused');
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await bannerSeen;
    expect(early.filter((s) => s !== 'refused' && s !== '200')).toEqual([]);
    expect(early).toContain('refused');
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as Readiness).status).toBe('ready');

    // A read in flight when SIGTERM arrives.
    const running = fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: READ }),
    });
    await new Promise((r) => setTimeout(r, 100));
    proc.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    const stopping = await fetch(`${base}/readyz`);
    expect(stopping.status).toBe(503);
    expect(((await stopping.json()) as Readiness).status).toBe('stopping');
    // Still serving during SHUTDOWN_DELAY_MS: liveness holds and new operations are answered.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const during = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: READ }),
    });
    expect(await during.json()).toEqual({ data: { customer: { status: 'ACTIVE' } } });
    expect(await (await running).json()).toEqual({ data: { customer: { status: 'ACTIVE' } } });
    const [code] = (await once(proc.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(proc.out()).toContain('not ready: serving on while load balancers notice');
  }, 30_000);
});
