/**
 * Before and after, side by side in one run: the gateway from a git revision against the gateway
 * of the working tree, same sandboxes process, load runs alternating A B A B (medians reported).
 * Usage: node --import tsx bench/compare.ts <rev> [connections=1,16] [rounds=4] [seconds=3]
 * AFTER_HEADERS='{"x-api-key":"..."}' adds headers to the requests it gets (credentials).
 * AFTER_ENV='{"LOG_LEVEL":"warn"}' adds variables to the working tree's gateway only (to price a
 * setting: compare HEAD with itself).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gatewayEnv, type SandboxesInfo } from './lib/env.js';
import { runNode, startNode } from './lib/proc.js';
import { median, round } from './lib/stats.js';

const [rev = 'HEAD', conns = '1,16', roundsArg = '4', secondsArg = '3'] = process.argv.slice(2);
const root = resolve('.');
const dir = mkdtempSync(join(tmpdir(), 'switchyard-before-'));
execFileSync('git', ['worktree', 'add', '--detach', dir, rev], { stdio: 'ignore' });
// The revision runs on its own dependencies when they differ from the working tree's (Express
// before the Fastify move, say); otherwise it shares node_modules.
const sameDependencies =
  spawnSync('git', ['diff', '--quiet', rev, '--', 'package.json', 'package-lock.json']).status ===
  0;
if (!sameDependencies) {
  process.stderr.write(`[compare] installing the dependencies of ${rev}\n`);
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: dir,
    stdio: 'ignore',
  });
} else if (!existsSync(join(dir, 'node_modules'))) {
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
}

const sandboxes = await startNode<SandboxesInfo>('bench/servers/sandboxes.ts', ['0']);
const before = await startNode<{ url: string }>(
  join(dir, 'src/main.ts'),
  [],
  gatewayEnv(sandboxes.info),
);
const afterEnv = JSON.parse(process.env.AFTER_ENV ?? '{}') as Record<string, string>;
const afterHeaders = JSON.parse(process.env.AFTER_HEADERS ?? '{}') as Record<string, string>;
const after = await startNode<{ url: string }>(
  'src/main.ts',
  [],
  gatewayEnv(sandboxes.info, afterEnv),
);
const body = JSON.stringify({
  query: 'query ($id: ID!) { customer(id: $id) { id status } }',
  variables: { id: 'fusebill:12000750' },
});
/** One load run; with the gateway's CPU time per request, the least noisy figure here. */
const load = async (gateway: typeof before, connections: number) => {
  const cpuBefore = gateway.cpuMs();
  const result = await runNode<{ rps: number; p50: number; total: number }>('bench/load.ts', [
    JSON.stringify({
      url: gateway.info.url,
      connections,
      durationS: Number(secondsArg),
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(gateway === after ? afterHeaders : {}) },
      body,
    }),
  ]);
  return { ...result, cpuUs: ((gateway.cpuMs() - cpuBefore) * 1000) / result.total };
};
try {
  for (const connections of conns.split(',').map(Number)) {
    await load(before, connections);
    await load(after, connections);
    const a: { rps: number; p50: number; cpuUs: number }[] = [];
    const b: { rps: number; p50: number; cpuUs: number }[] = [];
    for (let i = 0; i < Number(roundsArg); i++) {
      a.push(await load(before, connections));
      b.push(await load(after, connections));
    }
    const ra = median(a.map((r) => r.rps));
    const rb = median(b.map((r) => r.rps));
    console.log(
      JSON.stringify({
        connections,
        before: {
          rev,
          rps: round(ra, 0),
          p50: round(median(a.map((r) => r.p50)), 3),
          cpuUsPerRequest: round(median(a.map((r) => r.cpuUs)), 1),
        },
        after: {
          rps: round(rb, 0),
          p50: round(median(b.map((r) => r.p50)), 3),
          cpuUsPerRequest: round(median(b.map((r) => r.cpuUs)), 1),
        },
        afterVsBefore: round(rb / ra, 3),
      }),
    );
  }
} finally {
  await Promise.all([before.stop(), after.stop(), sandboxes.stop()]);
  execFileSync('git', ['worktree', 'remove', '--force', dir], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}
