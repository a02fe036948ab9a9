/**
 * Where the gateway's time goes on one scenario: runs the gateway under `node --cpu-prof` against
 * the sandboxes process, drives load, stops it, and prints the heaviest functions by self time.
 * Usage: tsx bench/profile.ts <read|bulk|floor> [seconds=5] [connections=8]   (floor: the bare server (b) on the read)
 * PROFILE_ENV and PROFILE_HEADERS (JSON) add gateway variables and request headers (credentials).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayEnv, graphql, type SandboxesInfo } from './lib/env.js';
import { runNode, startNode } from './lib/proc.js';
import { makeCodes } from './scenarios/bulk-codes.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}

const scenario = process.argv[2] ?? 'read';
const seconds = Number(process.argv[3] ?? 5);
const connections = Number(process.argv[4] ?? 8);
const dir = mkdtempSync(join(tmpdir(), 'switchyard-prof-'));
const sandboxes = await startNode<SandboxesInfo>('bench/servers/sandboxes.ts', [
  scenario === 'bulk' ? '50' : '0',
]);
const { baseUrl, apiKey } = sandboxes.info.settings.fusebill;
const target =
  scenario === 'floor' ? ['bench/servers/bare.ts', 'http-got', baseUrl, apiKey] : ['src/main.ts'];
const child = spawn(
  process.execPath,
  ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', ...target],
  {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      ...gatewayEnv(
        sandboxes.info,
        JSON.parse(process.env.PROFILE_ENV ?? '{}') as Record<string, string>,
      ),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
// The gateway names its URL on stderr; the bare server in a JSON line on stdout.
const url = await new Promise<string>((resolve) => {
  const find = (chunk: Buffer) => {
    const match = /(?:"url":"|GraphQL endpoint: )(http[^"\s]+)/.exec(chunk.toString());
    if (match?.[1]) resolve(match[1]);
  };
  child.stdout.on('data', find);
  child.stderr.on('data', find);
});
child.stdout.resume();
child.stderr.resume();

let requests = 0;
if (scenario === 'bulk') {
  const codes = makeCodes(100_000);
  for (let i = 0; i < 3; i++)
    await graphql(
      url,
      'mutation ($input: SetCardActivationCodesInput!) { setCardActivationCodes(input: $input) { acceptedCount } }',
      { input: { codes } },
    );
} else {
  const body = JSON.stringify({
    query: 'query ($id: ID!) { customer(id: $id) { id status } }',
    variables: { id: 'fusebill:12000750' },
  });
  const load = await runNode<{ total: number }>('bench/load.ts', [
    JSON.stringify({
      url,
      connections,
      durationS: seconds,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(JSON.parse(process.env.PROFILE_HEADERS ?? '{}') as Record<string, string>),
      },
      body,
    }),
  ]);
  requests = load.total;
}
child.kill('SIGTERM');
await once(child, 'exit');
await sandboxes.stop();

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error('no profile written');
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
};
// Self time of each node from the sample intervals (µs), not from hit counts.
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) =>
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
);
const total = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
const byFunction = new Map<string, number>();
for (const node of profile.nodes) {
  const where = node.callFrame.url
    .replace(/^.*node_modules\//, '')
    .replace(/^file:\/\/.*\/(src|bench)\//, '$1/');
  const key = `${node.callFrame.functionName || '(anonymous)'}  ${where}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + (selfUs.get(node.id) ?? 0));
}
const byPackage = new Map<string, number>();
for (const node of profile.nodes) {
  const url = node.callFrame.url;
  const pkg =
    /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
    (url.includes('/src/')
      ? 'switchyard src'
      : url.startsWith('node:')
        ? 'node core'
        : node.callFrame.functionName.startsWith('(')
          ? node.callFrame.functionName
          : 'other');
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + (selfUs.get(node.id) ?? 0));
}
// Per request too, for the read scenarios (start-up included, so a run of a few seconds or more).
const perRequest = (us: number) =>
  requests ? `  ${(us / requests).toFixed(1).padStart(6)} us/req` : '';
const top = (map: Map<string, number>, n: number) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}%${perRequest(v)}  ${k}`);
console.log(
  `profile: ${join(dir, file)} (${profile.samples.length} samples${requests ? `, ${requests} requests` : ''})\n\nself time by package:\n${top(byPackage, 15).join('\n')}\n\nheaviest functions:\n${top(byFunction, 25).join('\n')}`,
);
