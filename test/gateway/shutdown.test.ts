/** Graceful close: running requests finish, new ones are refused, and the drain has a bound. */
import net from 'node:net';
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

/** A kept-alive connection of our own: requests written on it, answers read from it. */
async function keptAlive(url: string) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise((resolve) => socket.once('connect', resolve));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    /** Writes a request and waits for `count` answers in all to have arrived. */
    async send(request: string, count = 1) {
      socket.write(request);
      while ((received.match(/HTTP\/1\.1 /g) ?? []).length < count) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return received;
    },
    closed,
    destroy: () => socket.destroy(),
  };
}

const HEALTH = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';

describe('graceful close', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  it('lets a running request finish, closes idle connections at once, and refuses new ones', async () => {
    gw = await startTestGateway({ SHUTDOWN_GRACE_MS: '5000' });
    // An idle kept-alive connection (keep-alive lasts 72 s) must not hold the close up.
    const idle = await keptAlive(gw.url);
    expect(await idle.send(HEALTH)).toContain('HTTP/1.1 200');
    gw.sandbox('fusebill').reset();
    gw.sandbox('fusebill').inject({ action: { kind: 'delay', ms: 400 } });
    const running = read(gw.url);
    await untilReceived(gw, 1);

    const started = performance.now();
    const stopped = gw.gateway.stop();
    const refused = await rawHttp(gw.url, [HEALTH], 1_000);
    expect(refused.status).toBeNull();
    expect(refused.closedAfterMs).toBeLessThan(500);
    await idle.closed;
    // Far below the 72 s keep-alive an idle connection would otherwise wait out.
    expect(performance.now() - started).toBeLessThan(1_000);

    const res = await running;
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    expect(((await res.json()) as any).data.customer).toEqual({
      id: 'fusebill:12000750',
      status: 'ACTIVE',
    });
    await stopped;
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('answers 503 to a request that completes on an open connection while it closes, then closes it', async () => {
    gw = await startTestGateway({ SHUTDOWN_GRACE_MS: '5000' });
    const open = await keptAlive(gw.url);
    // Half a request when the close starts; the rest after it.
    const body = READ;
    open
      .send(
        `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
      )
      .catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    gw.sandbox('fusebill').reset();
    const stopped = gw.gateway.stop();
    const answer = await open.send(body.slice(10));
    await stopped;
    await open.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 503/);
    expect(answer).toMatch(/connection: close/i);
    expect(answer).toMatch(/x-request-id: /i);
    expect(answer).toContain('"code":"SERVICE_UNAVAILABLE"');
    expect(gw.sandbox('fusebill').receivedCount()).toBe(0);
  });

  it('closes a connection after an error answered during the close', async () => {
    gw = await startTestGateway({ SHUTDOWN_GRACE_MS: '5000' });
    const open = await keptAlive(gw.url);
    // A body that has not all arrived when the close starts, and turns out not to be JSON.
    const head =
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\nno';
    open.send(head).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    const stopped = gw.gateway.stop();
    const answer = await open.send('pe');
    await stopped;
    await open.closed;
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toMatch(/connection: close/i);
    expect(performance.now() - started).toBeLessThan(1_500);
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
