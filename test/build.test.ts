/**
 * The production build: `tsc -p tsconfig.build.json` output run as `node dist/main.js`, without
 * tsx, from a folder laid out as a deployment is (package.json, node_modules, schema/, dist/; no
 * src/), through the same smoke test as `npm start` (test/gateway/startup.test.ts).
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killProcesses, startProcess } from './helpers/process.js';

const ROOT = resolve(import.meta.dirname, '..');
const app = mkdtempSync(join(tmpdir(), 'switchyard-dist-'));

beforeAll(async () => {
  // The build's own configuration and compiler. Type errors are CI's check:type (and `npm run
  // build` there); --noCheck halves the compiler's time here and emits the same JavaScript.
  await promisify(execFile)(
    process.execPath,
    [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(ROOT, 'tsconfig.build.json'),
      '--noCheck',
      '--sourceMap',
      'false',
      '--outDir',
      join(app, 'dist'),
    ],
    { cwd: ROOT },
  );
  copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'), 'dir');
  symlinkSync(join(ROOT, 'schema'), join(app, 'schema'), 'dir');
}, 180_000);

afterEach(() => killProcesses());
afterAll(() => rmSync(app, { recursive: true, force: true }));

describe('the production build (node dist/main.js)', () => {
  it('compiles src/ (sandboxes included) and nothing else', () => {
    expect(existsSync(join(app, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(app, 'dist/sandbox/fusebill.js'))).toBe(true);
    expect(existsSync(join(app, 'dist/gateway/schema.js'))).toBe(true);
    expect(existsSync(join(app, 'dist/test'))).toBe(false);
    expect(existsSync(join(app, 'dist/src'))).toBe(false);
    expect(existsSync(join(app, 'src'))).toBe(false);
  });

  it('boots the gateway and four sandboxes without tsx, answers, and stops on SIGTERM', async () => {
    const proc = startProcess({ PORT: '0' }, { entry: ['dist/main.js'], cwd: app });
    const url = await proc.url(30_000);
    expect((await fetch(url.replace('/graphql', '/healthz'))).status).toBe(200);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query:
          '{ providers { provider mode } customer(id: "fusebill:12000750") { status providerStatus } }',
      }),
    });
    expect(await res.json()).toEqual({
      data: {
        providers: [
          { provider: 'ENKASH', mode: 'SANDBOX' },
          { provider: 'NETXD', mode: 'SANDBOX' },
          { provider: 'FUSEBILL', mode: 'SANDBOX' },
          { provider: 'BLACKHAWK', mode: 'SANDBOX' },
        ],
        customer: { status: 'ACTIVE', providerStatus: 'Active' },
      },
    });
    // stdout is for log shippers: every line is one JSON object.
    for (const line of proc.out().split('\n').filter(Boolean))
      expect(() => JSON.parse(line) as unknown).not.toThrow();

    proc.child.kill('SIGTERM');
    const [code] = (await once(proc.child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
