import { readdirSync, readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import GraphQLUpload from 'graphql-upload/GraphQLUpload.mjs';
import type { GraphQLSchema } from 'graphql';
import { auditMutations } from '../access/audit.js';
import { enforceAccessRules } from '../access/scopes.js';
import { resolverMaps } from '../resolvers/index.js';

// The same path from src/gateway/ (tsx) and dist/gateway/ (the build): schema/ is not compiled.
const SCHEMA_DIR = new URL('../../schema/', import.meta.url);

/** The printed schema clients rely on (`npm run schema:publish` writes it): not a source file. */
export const PUBLISHED_SCHEMA_FILE = 'published.graphql';

/** The SDL files of a schema folder (schema/ unless given), in name order. */
export function loadTypeDefs(dir: URL = SCHEMA_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.graphql') && name !== PUBLISHED_SCHEMA_FILE)
    .sort()
    .map((name) => readFileSync(new URL(name, dir), 'utf8'));
}

/**
 * The executable schema: every root field guarded by the access rule its SDL declares, and every
 * mutation field audited (outermost, so refusals are audited too).
 */
export function buildSchema(): GraphQLSchema {
  return auditMutations(
    enforceAccessRules(
      makeExecutableSchema({
        typeDefs: loadTypeDefs(),
        resolvers: [{ Upload: GraphQLUpload }, ...resolverMaps],
      }),
    ),
  );
}

/**
 * FEDERATION_SUBGRAPH: the same schema as an Apollo Federation 2 subgraph (federation.ts), guarded
 * and audited the same way. Loaded only then: @apollo/subgraph adds ~7 MB and ~0.1 s to start-up.
 */
export async function buildSchemaAsSubgraph(): Promise<GraphQLSchema> {
  const { FEDERATION_ACCESS_RULES, buildSubgraph } = await import('./federation.js');
  return auditMutations(enforceAccessRules(buildSubgraph(loadTypeDefs()), FEDERATION_ACCESS_RULES));
}
