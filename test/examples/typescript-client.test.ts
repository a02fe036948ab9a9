/**
 * The typed client example (examples/typescript-client/) against a test gateway and its sandboxes:
 * run as a program, as its README says, and in-process as a trusted-documents-only client using
 * the manifest that @apollo/generate-persisted-query-manifest makes from its operations.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type ExampleResult } from '../../examples/typescript-client/src/main.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { writeClientsFile } from '../helpers/identity.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/typescript-client');
const run = promisify(execFile);

const EXPECTED: ExampleResult = {
  customer: { id: 'fusebill:12000750', status: 'ACTIVE', providerStatus: 'Active' },
  activation: { status: 'ACTIVE', invoiceTotals: [expect.any(Number)] as number[] },
  retriedActivationMatches: true,
  cards: {
    set: ['blackhawk:95000000:6039530407033839166', 'blackhawk:95000000:6039530407033839167'],
    failed: 0,
  },
};

const activations = (gw: TestGateway) =>
  gw.sandbox('fusebill').journal.filter((r) => r.path.startsWith('/v1/customerActivation'));

describe('the typed client example, run as a program', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  it('reads, activates once though it sends the activation twice, and sets two codes', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', join(EXAMPLE, 'src/main.ts'), gw.url],
      { cwd: ROOT },
    );
    expect(JSON.parse(stdout)).toEqual(EXPECTED);
    // The second send carried the same Idempotency-Key: answered from the first, not run again.
    expect(activations(gw)).toHaveLength(1);
  });
});

describe('the example as a trusted-documents-only client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-manifest-'));
  const output = join(dir, 'manifest.json');
  const apiKey = 'm'.repeat(40);
  let gw: TestGateway;

  beforeAll(async () => {
    // `npm run example:manifest`, writing to a temporary file instead of the committed one.
    const config = JSON.parse(
      readFileSync(join(EXAMPLE, 'persisted-query-manifest.config.json'), 'utf8'),
    ) as { documents: string[]; output: string };
    const configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ ...config, output }));
    const require = createRequire(import.meta.url);
    const cli = join(
      dirname(require.resolve('@apollo/generate-persisted-query-manifest/package.json')),
      'cli.js',
    );
    await run(process.execPath, [cli, '--config', configFile], { cwd: ROOT });

    gw = await startTestGateway({
      PERSISTED_DOCUMENTS_FILE: output,
      CLIENTS_FILE: writeClientsFile([
        {
          id: 'mobile',
          keys: [apiKey],
          scopes: ['customers:read', 'customers:activate', 'cards:write'],
          trustedDocumentsOnly: true,
        },
      ]),
    });
  });
  afterAll(() => gw.close());

  it('generates the committed manifest (run npm run example:manifest when this fails)', () => {
    const generated = JSON.parse(readFileSync(output, 'utf8')) as { operations: unknown[] };
    expect(generated.operations).toHaveLength(3);
    expect(generated).toEqual(
      JSON.parse(readFileSync(join(EXAMPLE, 'persisted-query-manifest.json'), 'utf8')),
    );
  });

  it('is a client that may run nothing else', async () => {
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ query: '{ customer(id: "fusebill:12000750") { status } }' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(gw.sandbox('fusebill').journal).toHaveLength(0);
  });

  it('runs every operation by its manifest id', async () => {
    expect(
      await main(gw.url, { apiKey, manifest: JSON.parse(readFileSync(output, 'utf8')) }),
    ).toEqual(EXPECTED);
    expect(activations(gw)).toHaveLength(1);
  });
});
