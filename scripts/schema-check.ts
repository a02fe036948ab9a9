/**
 * Schema safety: the schema in schema/*.graphql (the source) against schema/published.graphql (what
 * clients rely on), compared with GraphQL Inspector. `check` fails on a breaking change; `publish`
 * writes the working schema to published.graphql and adds the change list to schema/CHANGELOG.md.
 * scripts/schema.ts is the command line; these functions are what the tests drive.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { loadTypeDefs, PUBLISHED_SCHEMA_FILE } from '../src/gateway/schema.js';

export const SCHEMA_DIR = resolve(import.meta.dirname, '../schema');

/** Criticality levels in the order they are printed, with the heading each gets. */
const LEVELS = [
  [CriticalityLevel.Breaking, 'Breaking'],
  [CriticalityLevel.Dangerous, 'Dangerous'],
  [CriticalityLevel.NonBreaking, 'Non-breaking'],
] as const;

/**
 * The merged SDL of a schema folder, printed as clients see it: descriptions, `@deprecated`, and
 * the access directives (`@requiresScopes`, `@authenticated`) on the fields they guard. Types and
 * fields keep their written order (the files in name order), so the output is the same on every
 * run for the same source.
 */
export function printWorkingSchema(schemaDir: string = SCHEMA_DIR): string {
  const typeDefs = loadTypeDefs(pathToFileURL(`${resolve(schemaDir)}/`));
  return `${printSchemaWithDirectives(makeExecutableSchema({ typeDefs }))}\n`;
}

/** Every change from the published schema to the working one, as GraphQL Inspector grades it. */
export function compareSchemas(publishedSdl: string, workingSdl: string): Promise<Change[]> {
  // Built through graphql-tools, not graphql's own buildSchema: the schemas must come from the
  // same copy of graphql as Inspector's (under vitest, a direct import may load graphql's .mjs).
  return diff(
    makeExecutableSchema({ typeDefs: publishedSdl }),
    makeExecutableSchema({ typeDefs: workingSdl }),
  );
}

export const isBreaking = (change: Change) =>
  change.criticality.level === CriticalityLevel.Breaking;

// Inspector's messages for directive arguments (a changed `@requiresScopes`) do not name the field.
const describe = (c: Change) =>
  c.path && String(c.type).startsWith('DIRECTIVE_USAGE_')
    ? `${c.message} (at ${c.path})`
    : c.message;

/** One line per change, `BREAKING     message`, breaking changes first. */
export function formatChanges(changes: Change[]): string {
  return LEVELS.flatMap(([level]) =>
    changes
      .filter((c) => c.criticality.level === level)
      .map((c) => `${level.padEnd(12)} ${describe(c)}`),
  ).join('\n');
}

/** A CHANGELOG.md entry: the date, then the changes grouped by criticality. */
export function changelogEntry(changes: Change[], date: Date): string {
  const groups = LEVELS.map(([level, heading]) => {
    const lines = changes
      .filter((c) => c.criticality.level === level)
      .map((c) => `- ${describe(c)}`);
    return lines.length ? `### ${heading}\n\n${lines.join('\n')}\n` : '';
  }).filter(Boolean);
  return `## ${date.toISOString().slice(0, 10)}\n\n${groups.join('\n')}`;
}

const CHANGELOG_HEADER = `# Schema changelog

Changes to the published schema (\`schema/published.graphql\`), newest first. Written by
\`npm run schema:publish\`; see README, "Changing the schema".
`;

/** Adds an entry below the changelog's header (newest first), creating the file if needed. */
function addChangelogEntry(path: string, entry: string) {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : CHANGELOG_HEADER;
  const at = current.search(/^## /m);
  const next =
    at === -1
      ? `${current.trimEnd()}\n\n${entry}`
      : `${current.slice(0, at)}${entry}\n${current.slice(at)}`;
  writeFileSync(path, next);
}

export interface SchemaCommandOptions {
  /** The folder of source SDL files (schema/). */
  schemaDir?: string;
  /** The published schema; `<schemaDir>/published.graphql` unless given. */
  published?: string;
  /** The changelog; `<schemaDir>/CHANGELOG.md` unless given. */
  changelog?: string;
  /** publish: accept breaking changes (after deprecation, once clients have moved). */
  allowBreaking?: boolean;
  /** The date of the changelog entry. */
  now?: Date;
}

export interface SchemaCommandResult {
  /** The process exit code: 0 passed or published, 1 refused. */
  code: number;
  /** What to print, line by line. */
  output: string;
}

/** `check`: exit code 1 on any breaking change (or no published schema); the changes printed. */
export async function checkSchema(opts: SchemaCommandOptions = {}): Promise<SchemaCommandResult> {
  const { published, working, changes } = await compareFiles(opts);
  if (published === undefined)
    return {
      code: 1,
      output: `No published schema at ${display(opts, 'published')}: run npm run schema:publish.`,
    };
  const breaking = changes.filter(isBreaking).length;
  const lines = [
    changes.length === 0
      ? working === published
        ? `The schema matches ${display(opts, 'published')}.`
        : `No changes to clients against ${display(opts, 'published')} (only order or layout differs).`
      : `${changes.length} change(s) against ${display(opts, 'published')}, ${breaking} breaking:`,
  ];
  if (changes.length) lines.push(formatChanges(changes));
  if (breaking)
    lines.push(
      'Breaking changes fail the check: clients already in users’ hands may rely on what changed.',
      'Deprecate first (@deprecated(reason: "...")), remove once clients have moved, and publish',
      'the removal on purpose with npm run schema:publish -- --allow-breaking.',
    );
  else if (changes.length) lines.push('Nothing breaking. Publish with npm run schema:publish.');
  return { code: breaking ? 1 : 0, output: lines.join('\n') };
}

/**
 * `publish`: writes the working schema to published.graphql and the changes to the changelog.
 * Refuses breaking changes unless `allowBreaking`. Writes nothing when nothing changed.
 */
export async function publishSchema(opts: SchemaCommandOptions = {}): Promise<SchemaCommandResult> {
  const { published, working, changes } = await compareFiles(opts);
  const publishedPath = paths(opts).published;
  if (published === working)
    return { code: 0, output: `${display(opts, 'published')} is up to date; nothing written.` };
  const breaking = changes.filter(isBreaking);
  if (breaking.length && !opts.allowBreaking)
    return {
      code: 1,
      output: [
        `Refused: ${breaking.length} breaking change(s); nothing written.`,
        formatChanges(breaking),
        'Deprecate before removing. To publish a removal on purpose: npm run schema:publish -- --allow-breaking',
      ].join('\n'),
    };
  writeFileSync(publishedPath, working);
  const lines = [`Wrote ${display(opts, 'published')}.`];
  if (published === undefined) {
    addChangelogEntry(
      paths(opts).changelog,
      `## ${(opts.now ?? new Date()).toISOString().slice(0, 10)}\n\nFirst published schema.\n`,
    );
    lines.push(`Added the first entry to ${display(opts, 'changelog')}.`);
  } else if (changes.length) {
    addChangelogEntry(paths(opts).changelog, changelogEntry(changes, opts.now ?? new Date()));
    lines.push(formatChanges(changes), `Added them to ${display(opts, 'changelog')}.`);
  } else {
    lines.push('Only order or layout changed: no changelog entry.');
  }
  return { code: 0, output: lines.join('\n') };
}

async function compareFiles(opts: SchemaCommandOptions) {
  const working = printWorkingSchema(opts.schemaDir);
  const path = paths(opts).published;
  const published = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  const changes = published === undefined ? [] : await compareSchemas(published, working);
  return { published, working, changes };
}

function paths(opts: SchemaCommandOptions) {
  const dir = opts.schemaDir ?? SCHEMA_DIR;
  return {
    published: opts.published ?? join(dir, PUBLISHED_SCHEMA_FILE),
    changelog: opts.changelog ?? join(dir, 'CHANGELOG.md'),
  };
}

/** A path as a person reads it: relative to the working directory when inside it. */
function display(opts: SchemaCommandOptions, which: 'published' | 'changelog') {
  const path = resolve(paths(opts)[which]);
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}
