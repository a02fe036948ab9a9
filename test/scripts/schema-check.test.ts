/**
 * Schema safety: the working schema against schema/published.graphql (GraphQL Inspector), as a
 * function and as the command line `npm run schema:check` / `schema:publish` run, on copies of
 * schema/ in temporary folders (the real schema/ is only read).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, graphql } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import {
  changelogEntry,
  checkSchema,
  compareSchemas,
  formatChanges,
  isBreaking,
  printWorkingSchema,
  publishSchema,
  SCHEMA_DIR,
} from '../../scripts/schema-check.js';

const PROVIDER_STATUS = `  "The raw status exactly as the provider sent it; null when the provider reported none."
  providerStatus: String
`;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of schema/ (published.graphql and CHANGELOG.md included), with customers.graphql edited. */
function schemaCopy(edit?: (customers: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-schema-'));
  dirs.push(dir);
  cpSync(SCHEMA_DIR, dir, { recursive: true });
  const path = join(dir, 'customers.graphql');
  const before = readFileSync(path, 'utf8');
  const after = edit ? edit(before) : before;
  if (edit && after === before) throw new Error('the edit changed nothing');
  writeFileSync(path, after);
  return dir;
}

const removeProviderStatus = (s: string) => s.replace(PROVIDER_STATUS, '');
const addNickname = (s: string) =>
  s.replace(PROVIDER_STATUS, `${PROVIDER_STATUS}  "A name for people."\n  nickname: String\n`);
const deprecateProviderStatus = (s: string) =>
  s.replace(
    'providerStatus: String\n',
    'providerStatus: String @deprecated(reason: "Use `status`.")\n',
  );

async function runCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/schema.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, out, err };
}

describe('compareSchemas', () => {
  const published = `type Query { customer: Customer }
type Customer { id: ID!, status: String, providerStatus: String }`;

  it('grades a removed field as breaking and an added one as non-breaking', async () => {
    const removed = await compareSchemas(
      published,
      published.replace(', providerStatus: String', ''),
    );
    expect(removed.map((c) => [c.criticality.level, c.message])).toEqual([
      ['BREAKING', "Field 'providerStatus' was removed from object type 'Customer'"],
    ]);
    const added = await compareSchemas(
      published,
      published.replace('providerStatus: String }', 'providerStatus: String, nickname: String }'),
    );
    expect(added.map((c) => [c.criticality.level, c.message])).toEqual([
      ['NON_BREAKING', "Field 'nickname' was added to object type 'Customer'"],
    ]);
    expect(await compareSchemas(published, published)).toEqual([]);
  });

  it('deprecate before removing: deprecating is non-breaking, removing the deprecated field still breaks', async () => {
    const deprecated = published.replace(
      'providerStatus: String',
      'providerStatus: String @deprecated(reason: "Use `status`.")',
    );
    const deprecating = await compareSchemas(published, deprecated);
    expect(deprecating.length).toBeGreaterThan(0);
    expect(deprecating.map((c) => c.criticality.level as string)).toEqual(
      deprecating.map(() => 'NON_BREAKING'),
    );
    expect(deprecating.map((c) => c.type)).toContain('FIELD_DEPRECATION_ADDED');

    const removing = await compareSchemas(
      deprecated,
      published.replace(', providerStatus: String', ''),
    );
    expect(removing.map((c) => c.criticality.level)).toEqual(['BREAKING']);

    // A deprecated field keeps working: it validates and resolves as before, and introspection
    // tells clients (and their code generators) that it is deprecated.
    const result = await graphql({
      schema: buildSchema(deprecated),
      source:
        '{ customer { providerStatus } __type(name: "Customer") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }',
      rootValue: { customer: { id: '1', providerStatus: 'Active' } },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.customer).toEqual({ providerStatus: 'Active' });
    expect(result.data?.__type).toMatchObject({
      fields: expect.arrayContaining([
        { name: 'providerStatus', isDeprecated: true, deprecationReason: 'Use `status`.' },
      ]),
    });
  });

  it('sees a changed access rule (dangerous: printed with the field, not failing) and a changed description', async () => {
    const sdl = (scope: string, description: string) => `
      directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION
      type Query { "${description}" customer: String @requiresScopes(scopes: [["${scope}"]]) }`;
    const changes = await compareSchemas(sdl('customers:read', 'A'), sdl('customers:admin', 'B'));
    expect(changes.some(isBreaking)).toBe(false);
    expect(changes.map((c) => c.type)).toContain('FIELD_DESCRIPTION_CHANGED');
    expect(formatChanges(changes)).toContain(
      "DANGEROUS    Argument 'scopes' was removed from '@requiresScopes' (at Query.customer.@requiresScopes.scopes)",
    );
  });
});

describe('the published schema', () => {
  it('is the printed working schema: the same text on every run, with descriptions and access directives', () => {
    const printed = printWorkingSchema();
    expect(printWorkingSchema()).toBe(printed);
    expect(printed).toContain(
      'customer(id: ID!): Customer @requiresScopes(scopes: [["customers:read"]])',
    );
    expect(printed).toContain('providers: [ProviderInfo!]! @authenticated');
    expect(printed).toContain('"""Categories of `UserError`."""');
    // published.graphql itself is not read as a source file (it would define every type twice).
    expect(() => buildSchema(printed)).not.toThrow();
  });

  it('has no breaking change against the working schema (what CI checks)', async () => {
    const result = await checkSchema();
    expect(result.output).not.toContain('BREAKING ');
    expect(result.code).toBe(0);
  });
});

describe('checkSchema and publishSchema', () => {
  it('publish writes the added field and a dated, grouped changelog entry; publishing again writes nothing', async () => {
    const dir = schemaCopy(addNickname);
    const changelogBefore = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
    const now = new Date('2031-02-03T10:00:00Z');
    const published = await publishSchema({ schemaDir: dir, now });
    expect(published.code).toBe(0);
    expect(readFileSync(join(dir, 'published.graphql'), 'utf8')).toContain('nickname: String');
    const changelog = readFileSync(join(dir, 'CHANGELOG.md'), 'utf8');
    const entry = changelogEntry(
      await compareSchemas(
        readFileSync(join(SCHEMA_DIR, 'published.graphql'), 'utf8'),
        printWorkingSchema(dir),
      ),
      now,
    );
    expect(entry).toBe(
      "## 2031-02-03\n\n### Non-breaking\n\n- Field 'nickname' was added to object type 'Customer'\n" +
        "- Field 'Customer.nickname' has description 'A name for people.'\n",
    );
    // Newest first, below the header; the earlier entries kept.
    const header = changelogBefore.slice(0, changelogBefore.indexOf('\n## '));
    expect(changelog).toBe(`${header}\n${entry}\n${changelogBefore.slice(header.length + 1)}`);

    expect(await checkSchema({ schemaDir: dir })).toMatchObject({ code: 0 });
    const again = await publishSchema({ schemaDir: dir, now });
    expect(again.output).toContain('up to date; nothing written');
    expect(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8')).toBe(changelog);
  });

  it('publish refuses a breaking change and writes nothing, unless told --allow-breaking', async () => {
    const dir = schemaCopy(removeProviderStatus);
    const before = readFileSync(join(dir, 'published.graphql'), 'utf8');
    const refused = await publishSchema({ schemaDir: dir });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(
      "BREAKING     Field 'providerStatus' was removed from object type 'Customer'",
    );
    expect(readFileSync(join(dir, 'published.graphql'), 'utf8')).toBe(before);

    const allowed = await publishSchema({ schemaDir: dir, allowBreaking: true });
    expect(allowed.code).toBe(0);
    expect(readFileSync(join(dir, 'published.graphql'), 'utf8')).not.toContain(
      'providerStatus: String',
    );
    expect(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8')).toContain(
      "### Breaking\n\n- Field 'providerStatus' was removed from object type 'Customer'\n",
    );
    expect(await checkSchema({ schemaDir: dir })).toMatchObject({ code: 0 });
  });

  it('check fails when there is no published schema, and publish then creates it with a first entry', async () => {
    const dir = schemaCopy();
    rmSync(join(dir, 'published.graphql'));
    rmSync(join(dir, 'CHANGELOG.md'));
    const missing = await checkSchema({ schemaDir: dir });
    expect(missing.code).toBe(1);
    expect(missing.output).toContain('No published schema');
    expect(
      await publishSchema({ schemaDir: dir, now: new Date('2031-02-03T10:00:00Z') }),
    ).toMatchObject({ code: 0 });
    expect(readFileSync(join(dir, 'published.graphql'), 'utf8')).toBe(printWorkingSchema());
    expect(readFileSync(join(dir, 'CHANGELOG.md'), 'utf8')).toContain(
      '## 2031-02-03\n\nFirst published schema.\n',
    );
  });

  it('passes a deprecation of a field of the real schema', async () => {
    const deprecated = await checkSchema({ schemaDir: schemaCopy(deprecateProviderStatus) });
    expect(deprecated.code).toBe(0);
    expect(deprecated.output).toContain(
      "NON_BREAKING Field 'Customer.providerStatus' is deprecated",
    );
  });
});

describe('npm run schema:check (scripts/schema.ts)', () => {
  it('exits 1 on a removed field, printing each change with its criticality', async () => {
    const dir = schemaCopy(removeProviderStatus);
    const { code, err } = await runCli(['check', '--schema-dir', dir]);
    expect(code).toBe(1);
    expect(err).toContain(
      "BREAKING     Field 'providerStatus' was removed from object type 'Customer'",
    );
    expect(err).toContain('Deprecate first');
  });

  it('exits 0 on an added field, printing it', async () => {
    const added = await runCli(['check', '--schema-dir', schemaCopy(addNickname)]);
    expect(added.code).toBe(0);
    expect(added.out).toContain(
      "NON_BREAKING Field 'nickname' was added to object type 'Customer'",
    );
  });

  it('publishes with the same options, and refuses an unknown command with usage', async () => {
    const dir = schemaCopy(addNickname);
    const publish = await runCli(['publish', '--schema-dir', dir]);
    expect(publish.code).toBe(0);
    expect(publish.out).toContain('Added them to');
    expect(readFileSync(join(dir, 'published.graphql'), 'utf8')).toBe(printWorkingSchema(dir));

    const usage = await runCli(['verify']);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('usage: scripts/schema.ts check|publish');
  });
});
