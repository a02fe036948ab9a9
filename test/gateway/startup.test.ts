/** `npm start` as a person runs it: a real process, configuration from the environment, signals. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bannerUrl, killProcesses, startProcess } from '../helpers/process.js';

const children: ReturnType<typeof spawn>[] = [];
const start = startProcess;
/** Processes started in a group of their own: the whole group is killed, whatever it spawned. */
const groups: number[] = [];
afterEach(() => {
  killProcesses();
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const pid of groups.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // the group has already gone
    }
  }
});

describe('process start-up', () => {
  it('boots the gateway and four sandboxes with no configuration, prints the URL, and stops on SIGTERM', async () => {
    const proc = start({ PORT: '0' });
    const url = await proc.url();
    expect((await fetch(url.replace('/graphql', '/healthz'))).status).toBe(200);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ providers { provider mode } }' }),
    });
    const body = (await res.json()) as { data: { providers: { mode: string }[] } };
    expect(body.data.providers.map((p) => p.mode)).toEqual([
      'SANDBOX',
      'SANDBOX',
      'SANDBOX',
      'SANDBOX',
    ]);
    const listening = proc
      .out()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === 'gateway listening');
    expect(listening?.providers).toEqual({
      enkash: 'SANDBOX',
      netxd: 'SANDBOX',
      fusebill: 'SANDBOX',
      blackhawk: 'SANDBOX',
    });
    expect(proc.err()).toContain('curl');
    // No client authentication configured: it runs open, and says so in the banner and the log.
    expect(proc.err()).toContain('Open: no client authentication is configured');
    const open = proc
      .out()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => String(line.msg).startsWith('the gateway runs open'));
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ level: 'warn' });
    // stdout is for log shippers: every line is one JSON object.
    for (const line of proc.out().split('\n').filter(Boolean))
      expect(() => JSON.parse(line) as unknown).not.toThrow();

    proc.child.kill('SIGTERM');
    const [code] = (await once(proc.child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('stops as node does when a container runtime sends SIGTERM to `npm start`: drains, then exits', async () => {
    // npm runs the script through a shell; unless the script hands over to node, SIGTERM stops npm
    // and the shell and leaves node serving, re-parented, on the port.
    const npm = spawn('npm', ['start', '--silent'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: '0',
        METRICS_PORT: 'off',
        SANDBOX_LATENCY_MS: '600',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A group of its own, so a failing run cannot leave node serving behind.
      detached: true,
    });
    children.push(npm);
    groups.push(npm.pid!);
    let stderr = '';
    npm.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await bannerUrl(npm, () => stderr, 20_000);
    // A read that takes 600 ms at the sandbox is running when the signal arrives.
    const running = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ customer(id: "fusebill:12000750") { status } }' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    npm.kill('SIGTERM');

    const res = await running;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { customer: { status: 'ACTIVE' } } });
    const [code] = (await once(npm, 'exit')) as [number | null];
    expect(code).toBe(0);
    // Nothing serves the port any more: node itself has exited, not only npm.
    await expect(fetch(url.replace('/graphql', '/healthz'))).rejects.toThrow();
  });

  it('refuses to start on bad configuration, naming the variable and not the secret', async () => {
    const proc = start({
      PORT: '0',
      FUSEBILL_BASE_URL: 'https://secure.fusebill.com/v1',
      FUSEBILL_API_KEY: 'hunter2-secret',
    });
    const [code] = (await once(proc.child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(proc.err()).toContain('FUSEBILL_BASE_URL');
    expect(proc.err() + proc.out()).not.toContain('hunter2-secret');
  });

  it('refuses to run open in production unless AUTH_DISABLED=true says so', async () => {
    const refused = start({ PORT: '0', NODE_ENV: 'production', ALLOW_SANDBOXES: 'true' });
    const [code] = (await once(refused.child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(refused.err()).toContain('set AUTH_DISABLED=true to run open on purpose');
  });

  it('stops on a bad clients file, naming the client and the field but not the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-clients-'));
    const path = join(dir, 'clients.json');
    writeFileSync(
      path,
      JSON.stringify({
        clients: [
          {
            id: 'acme',
            name: 'Acme',
            apiKeys: ['sk_live_pasted_by_mistake'],
            scopes: ['customers:read'],
          },
        ],
      }),
    );
    const proc = start({ PORT: '0', CLIENTS_FILE: path });
    const [code] = (await once(proc.child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(proc.err()).toContain('client "acme" apiKeys.0');
    expect(proc.err() + proc.out()).not.toContain('sk_live_pasted_by_mistake');
    expect(proc.err()).not.toContain('    at ');
  });

  it('says clearly when its port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const proc = start({ PORT: String(port) });
      const [code] = (await once(proc.child, 'exit')) as [number | null];
      expect(code).toBe(1);
      expect(proc.err()).toContain(`127.0.0.1:${port}: the port is in use (set PORT)`);
      expect(proc.err()).not.toContain('    at ');
    } finally {
      blocker.close();
    }
  });
});
