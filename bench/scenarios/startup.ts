/** Scenario 4: from `npm start` to /healthz answering 200, sandboxes included. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { median, round } from '../lib/stats.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function once_(): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
    detached: true,
  });
  try {
    for (;;) {
      if (performance.now() - started > 30_000)
        throw new Error('npm start did not answer /healthz in 30 s');
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await once(child, 'exit');
  }
}

export async function startup(opts: { runs: number }) {
  const times: number[] = [];
  for (let i = 0; i < opts.runs; i++) times.push(await once_());
  const ms = median(times);
  return {
    runs: times.map((t) => round(t, 0)),
    medianMs: round(ms, 0),
    targetsMet: { under3s: ms < 3000 },
  };
}
