/**
 * Scenario 4: from start to /healthz answering 200, sandboxes included, for both ways to run the
 * gateway: `npm start` (TypeScript through tsx) and `npm run start:prod` (`node dist/main.js`, after
 * `npm run build`). The two alternate, run by run.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { median, round } from '../lib/stats.js';

const SCRIPTS = { tsx: 'start', dist: 'start:prod' } as const;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function once_(script: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['run', script, '--silent'], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
    detached: true,
  });
  try {
    for (;;) {
      if (performance.now() - started > 30_000)
        throw new Error(`npm run ${script} did not answer /healthz in 30 s`);
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
  // The build first, so start:prod runs what the working tree's src/ compiles to.
  const buildStarted = performance.now();
  await promisify(execFile)('npm', ['run', 'build', '--silent']);
  const buildMs = performance.now() - buildStarted;

  const times = { tsx: [] as number[], dist: [] as number[] };
  for (let i = 0; i < opts.runs; i++)
    for (const way of ['tsx', 'dist'] as const) times[way].push(await once_(SCRIPTS[way]));
  const rows = (['tsx', 'dist'] as const).map((way) => ({
    command: `npm run ${SCRIPTS[way]}`,
    medianMs: round(median(times[way]), 0),
    runs: times[way].map((t) => round(t, 0)).join(' '),
  }));
  return {
    buildMs: round(buildMs, 0),
    rows,
    targetsMet: {
      under3s: median(times.tsx) < 3000,
      distUnder3s: median(times.dist) < 3000,
    },
  };
}
