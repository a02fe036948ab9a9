/**
 * `npm run schema:check` and `npm run schema:publish` (scripts/schema-check.ts does the work):
 *   node --import tsx scripts/schema.ts check|publish [--schema-dir DIR] [--published FILE]
 *     [--changelog FILE] [--allow-breaking]
 * check exits 1 on a breaking change against the published schema; publish writes it.
 */
import { parseArgs } from 'node:util';
import { checkSchema, publishSchema } from './schema-check.js';

const USAGE =
  'usage: scripts/schema.ts check|publish [--schema-dir DIR] [--published FILE] [--changelog FILE] [--allow-breaking]\n';

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      'schema-dir': { type: 'string' },
      published: { type: 'string' },
      changelog: { type: 'string' },
      'allow-breaking': { type: 'boolean' },
    },
  });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const { positionals, values } = parsed;
const command = positionals[0];
if (positionals.length !== 1 || (command !== 'check' && command !== 'publish')) {
  process.stderr.write(USAGE);
  process.exit(2);
}
const opts = {
  schemaDir: values['schema-dir'],
  published: values.published,
  changelog: values.changelog,
  allowBreaking: values['allow-breaking'] ?? false,
};
const result = await (command === 'check' ? checkSchema(opts) : publishSchema(opts));
(result.code === 0 ? process.stdout : process.stderr).write(`${result.output}\n`);
process.exitCode = result.code;
