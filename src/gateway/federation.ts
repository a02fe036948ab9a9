/**
 * Apollo Federation 2 subgraph mode (FEDERATION_SUBGRAPH=true): the SDL of schema/ with `Customer`
 * and `Card` keyed by `id`, built by @apollo/subgraph, which adds `_service { sdl }` and
 * `_entities`. An entity reference is resolved as `Query.node` resolves the same id: the same
 * checks, the same per-request DataLoaders, the same errors. With the flag off it is never imported.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  Kind,
  parse,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import GraphQLUpload from 'graphql-upload/GraphQLUpload.mjs';
import type { AccessRule, GivenRules } from '../access/scopes.js';
import { userError } from '../errors.js';
import type { CardModel, CustomerModel } from '../providers/contract.js';
import { resolverMaps } from '../resolvers/index.js';
import { loadCustomer, notACardId, readCard } from '../resolvers/payload.js';
import type { GatewayContext } from './context.js';
import { parseGlobalId } from './ids.js';

/** The Federation 2 version the SDL links: only @key is used, and 2.3 composes with any current router. */
const FEDERATION_SPEC = 'https://specs.apollo.dev/federation/v2.3';

/**
 * The entities, each resolved from its `id` alone. `field` is where a problem is reported:
 * `["representations", "<index>", "id"]`.
 */
const ENTITIES = {
  Customer: (ctx: GatewayContext, id: string, field: string[]) => loadCustomer(ctx, id, field),
  Card: (ctx: GatewayContext, id: string, field: string[]) => {
    const parsed = parseGlobalId(id, field);
    if (parsed.kind !== 'card') throw notACardId(id, parsed, field);
    return readCard(ctx, parsed, field);
  },
} satisfies Record<
  string,
  (ctx: GatewayContext, id: string, field: string[]) => Promise<CustomerModel | null> | never
>;

type EntityName = keyof typeof ENTITIES;
const isEntity = (name: unknown): name is EntityName =>
  typeof name === 'string' && Object.hasOwn(ENTITIES, name);

/**
 * The rules of the root fields @apollo/subgraph adds. `_entities` is `Query.node` by another
 * name, so it takes node's rule (customers:read), for Card references too, as node does;
 * `_service` (the SDL, which a router or rover fetches to compose) needs a client, like any field.
 */
export const FEDERATION_ACCESS_RULES: GivenRules = new Map<string, AccessRule>([
  ['Query._entities', { kind: 'scopes', anyOf: [['customers:read']] }],
  ['Query._service', { kind: 'authenticated' }],
]);

const KEY_BY_ID: ConstDirectiveNode = {
  kind: Kind.DIRECTIVE,
  name: { kind: Kind.NAME, value: 'key' },
  arguments: [
    {
      kind: Kind.ARGUMENT,
      name: { kind: Kind.NAME, value: 'fields' },
      value: { kind: Kind.STRING, value: 'id' },
    },
  ],
};

/**
 * The SDL files as one subgraph document: the federation link first, `@key(fields: "id")` on
 * each entity. Our `@requiresScopes` and `@authenticated` stay our own directives (not imported
 * from the federation spec): Switchyard enforces them itself, whatever the router does.
 */
export function subgraphTypeDefs(typeDefs: readonly string[]): DocumentNode {
  const link = parse(`extend schema @link(url: "${FEDERATION_SPEC}", import: ["@key"])`);
  const definitions: DefinitionNode[] = [...link.definitions];
  for (const sdl of typeDefs) {
    for (const definition of parse(sdl).definitions) {
      definitions.push(
        definition.kind === Kind.OBJECT_TYPE_DEFINITION && isEntity(definition.name.value)
          ? { ...definition, directives: [...(definition.directives ?? []), KEY_BY_ID] }
          : definition,
      );
    }
  }
  return { kind: Kind.DOCUMENT, definitions };
}

/**
 * Checks every representation before anything is called: an object naming an entity type and a
 * string `id`. One bad representation refuses the whole field with INVALID_INPUT.
 */
function representationsOf(value: unknown): { type: EntityName; id: string }[] {
  const list = Array.isArray(value) ? (value as unknown[]) : [];
  return list.map((representation, i) => {
    const { __typename, id } = (representation ?? {}) as Record<string, unknown>;
    if (!isEntity(__typename) || typeof id !== 'string') {
      throw userError(
        'INVALID_INPUT',
        `representations[${i}] is not an entity reference: expected { __typename: "Customer" or "Card", id: String }`,
        { field: ['representations', String(i)] },
      );
    }
    return { type: __typename, id };
  });
}

/**
 * `Query._entities`: each reference resolved on its own (an error is that item's, at
 * `_entities.<index>`, and null there), customers through the request's DataLoaders, so
 * references to one provider are batched like `customer` fields. This replaces the library's
 * resolver, which lets a synchronous throw fail the whole list and resolves an unknown type name
 * to an internal error.
 */
const resolveEntities: GraphQLFieldResolver<
  unknown,
  GatewayContext,
  { representations: unknown }
> = (_source, { representations }, ctx) =>
  representationsOf(representations).map(async ({ type, id }, i) =>
    ENTITIES[type](ctx, id, ['representations', String(i), 'id']),
  );

const NO_TYPES: DocumentNode = { kind: Kind.DOCUMENT, definitions: [] };

/** The executable subgraph schema; the caller adds the access rules and the audit, as for the plain one. */
export function buildSubgraph(typeDefs: readonly string[]): GraphQLSchema {
  const schema = buildSubgraphSchema([
    { typeDefs: subgraphTypeDefs(typeDefs), resolvers: { Upload: GraphQLUpload } as never },
    ...resolverMaps.map((resolvers) => ({
      typeDefs: NO_TYPES,
      resolvers: resolvers as never,
    })),
  ]);
  schema.getQueryType()!.getFields()._entities.resolve = resolveEntities as GraphQLFieldResolver<
    unknown,
    unknown
  >;
  // Our models carry their kind (as for Query.node), not the __typename the library would add.
  const entity = schema.getType('_Entity') as { resolveType?: unknown } | undefined;
  if (entity) {
    entity.resolveType = (model: CustomerModel | CardModel) =>
      model.kind === 'customer' ? 'Customer' : 'Card';
  }
  return schema;
}
