import { readdirSync, readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import GraphQLUpload from 'graphql-upload/GraphQLUpload.mjs';
import type { GraphQLSchema } from 'graphql';
import { auditMutations } from '../access/audit.js';
import { enforceAccessRules } from '../access/scopes.js';
import { resolverMaps } from '../resolvers/index.js';
import { FEDERATION_ACCESS_RULES, buildSubgraph } from './federation.js';

const SCHEMA_DIR = new URL('../../schema/', import.meta.url);

/** The SDL files in schema/, in name order. */
export function loadTypeDefs(): string[] {
  return readdirSync(SCHEMA_DIR)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => readFileSync(new URL(name, SCHEMA_DIR), 'utf8'));
}

export interface SchemaOptions {
  /** FEDERATION_SUBGRAPH: the same schema as an Apollo Federation 2 subgraph (federation.ts). */
  federation?: boolean;
}

/**
 * The executable schema: every root field guarded by the access rule its SDL declares, and every
 * mutation field audited (outermost, so refusals are audited too). As a subgraph, the same with
 * the federation fields, whose rules federation.ts gives.
 */
export function buildSchema(options: SchemaOptions = {}): GraphQLSchema {
  if (options.federation) {
    return auditMutations(
      enforceAccessRules(buildSubgraph(loadTypeDefs()), FEDERATION_ACCESS_RULES),
    );
  }
  return auditMutations(
    enforceAccessRules(
      makeExecutableSchema({
        typeDefs: loadTypeDefs(),
        resolvers: [{ Upload: GraphQLUpload }, ...resolverMaps],
      }),
    ),
  );
}
