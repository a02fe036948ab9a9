import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLogger, redact } from '../../src/log.js';

describe('logger', () => {
  it('writes one JSON line per event with bindings, and filters by level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (l) => lines.push(l) }).child({
      requestId: 'r1',
    });
    log.debug('hidden');
    log.warn('shown', { provider: 'netxd' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'warn',
      msg: 'shown',
      requestId: 'r1',
      provider: 'netxd',
    });
  });

  it.each([
    'authorization',
    'Authorization',
    'password',
    'clientSecret',
    'access_token',
    'activationCode',
    'privateKey',
    'NETXD_PRIVATE_KEY',
    'credential',
    'signature',
    'apiKey',
    'cookie',
  ])('redacts %s wherever it sits', (key) => {
    const out = JSON.stringify(
      redact({ a: { [key]: 'SECRET-VALUE' }, list: [{ [key]: 'SECRET-VALUE' }] }),
    );
    expect(out).not.toContain('SECRET-VALUE');
    expect(out).toContain('[redacted]');
  });

  it('redacts secrets at any depth', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: { password: 'hunter2' } } } } } } } };
    expect(JSON.stringify(redact(deep))).not.toContain('hunter2');
  });

  it('keeps ordinary fields and serializes errors without stacks', () => {
    const error = Object.assign(new Error('boom', { cause: new Error('root') }), { code: 'E1' });
    const out = redact({ status: 200, provider: 'fusebill', error }) as Record<string, any>;
    expect(out).toMatchObject({
      status: 200,
      provider: 'fusebill',
      error: { name: 'Error', message: 'boom', code: 'E1', cause: { message: 'root' } },
    });
    expect(JSON.stringify(out)).not.toContain('at ');
  });

  it('survives cycles and BigInt, keeps core keys and the request id, and works detached', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) }).child({ requestId: 'r9' });
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const { warn } = log;
    warn('odd fields', {
      cyclic,
      big: 10n ** 20n,
      requestId: 'spoofed',
      msg: 'spoofed',
      level: 'debug',
    });
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({
      level: 'warn',
      msg: 'odd fields',
      requestId: 'r9',
      big: '100000000000000000000',
    });
    expect(line.cyclic).toEqual({ name: 'loop', self: '[circular]' });
  });
});

describe('logger on stdout', () => {
  // The default writer gathers lines and writes them together; none may be lost when the process
  // ends, however it ends short of being killed outright.
  const run = (ending: string) => {
    const script = `import { createLogger } from './src/log.ts';
      const log = createLogger();
      for (let i = 0; i < 2000; i++) log.info('line', { i });
      ${ending}`;
    return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
  };

  it.each([
    ['process.exit', 'process.exit(3);', 3],
    ['an uncaught exception', "throw new Error('boom');", 1],
    ['the event loop emptying', '', 0],
  ])('writes every pending line when the process ends by %s', (_name, ending, code) => {
    const result = run(ending);
    expect(result.status).toBe(code);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2000);
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i)).toEqual(
      Array.from({ length: 2000 }, (_, i) => i),
    );
  });
});
