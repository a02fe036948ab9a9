/**
 * The README's upload command, taken from the README and run as written (with curl, from the
 * repository root) against a test gateway: examples/customers.csv exists and the EnKash sandbox
 * applies every row of it.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnkashSandboxState } from '../../src/sandbox/enkash.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const ROOT = new URL('../../', import.meta.url);
const README_URL = 'http://127.0.0.1:4000/graphql';

/** The one shell block of the README that uploads a file. */
function readmeUploadCommand(): string {
  const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const upload = blocks.filter((block) => block.includes('bulkUpdateCustomers'));
  expect(upload).toHaveLength(1);
  return upload[0]!;
}

describe('the README upload example', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  it('runs as written with examples/customers.csv and applies all four rows', async () => {
    const command = readmeUploadCommand();
    expect(command).toContain(README_URL);
    expect(command).toContain('@examples/customers.csv');
    const { stdout } = await promisify(execFile)(
      'bash',
      ['-c', command.replace(README_URL, gw.url)],
      { cwd: ROOT },
    );
    expect(JSON.parse(stdout)).toEqual({
      data: {
        bulkUpdateCustomers: {
          result: { totalCount: 4, successCount: 4, failureCount: 0, warnCount: 0 },
          userErrors: [],
        },
      },
    });

    const enkash = gw.sandbox<EnkashSandboxState>('enkash');
    const bulk = enkash.journal.filter((r) => r.path === '/api/v0/customer/bulk/update');
    expect(bulk).toHaveLength(1);
    expect(bulk[0]!.body.toString()).toContain('filename="customers.csv"');
    const { customers } = enkash.state;
    expect(customers.get('KCINACT000000001')).toMatchObject({ status: 'ACTIVE', name: 'Asha Rao' });
    expect(customers.get('KCACTIVE00000001')?.status).toBe('INACTIVE');
  });
});
