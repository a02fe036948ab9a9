/** Graceful close: running requests finish, new ones are refused, and the drain has a bound. */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { rawHttp } from '../helpers/raw-http.js';

const READ = JSON.stringify({ query: '{ customer(id: "fusebill:12000750") { id status } }' });
const read = (url: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: READ });

async function untilReceived(gw: TestGateway, count: number) {
  while (gw.sandbox('fusebill').receivedCount() < count) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('graceful close', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  it('lets a running request finish, then stops; new connections are refused meanwhile', async () => {
    gw = await startTestGateway({ SHUTDOWN_GRACE_MS: '5000' });
    // An idle kept-alive connection must not hold the close up (keep-alive lasts 72 s).
    expect((await read(gw.url)).status).toBe(200);
    gw.sandbox('fusebill').reset();
    gw.sandbox('fusebill').inject({ action: { kind: 'delay', ms: 400 } });
    const running = read(gw.url);
    await untilReceived(gw, 1);

    const started = performance.now();
    const stopped = gw.gateway.stop();
    const refused = await rawHttp(gw.url, ['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'], 1_000);
    expect(refused.status).toBeNull();

    const res = await running;
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).data.customer).toEqual({
      id: 'fusebill:12000750',
      status: 'ACTIVE',
    });
    await stopped;
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('closes what still runs once SHUTDOWN_GRACE_MS has passed', async () => {
    gw = await startTestGateway({ SHUTDOWN_GRACE_MS: '300', UPSTREAM_TIMEOUT_MS: '20000' });
    gw.sandbox('fusebill').inject({ action: { kind: 'hang' } });
    const running = read(gw.url).then(
      (res) => res.status,
      (error: Error) => error.name,
    );
    await untilReceived(gw, 1);

    const started = performance.now();
    await gw.gateway.stop();
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(2_000);
    expect(await running).toBe('TypeError'); // fetch failed: the socket was closed
    expect(gw.logs.some((l) => String(l.msg).startsWith('requests still running after'))).toBe(
      true,
    );
  });
});
