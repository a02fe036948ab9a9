/**
 * The one place scopes are enforced. Every root field declares its rule next to it in the SDL,
 * `@requiresScopes(scopes: [[...]])` or `@authenticated`; building the schema fails when a field
 * has neither, so a new field cannot ship without one. Root fields the schema gets from a library
 * (the subgraph's `_entities` and `_service`) have no SDL of ours: their rules are given.
 */
import {
  Kind,
  defaultFieldResolver,
  type DirectiveNode,
  type GraphQLFieldConfig,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';
import { ForbiddenError } from '../errors.js';
import type { Client } from './model.js';

/** What a field asks of its caller: any client, or one holding every scope of some inner list. */
export type AccessRule = { kind: 'authenticated' } | { kind: 'scopes'; anyOf: string[][] };

function strings(value: ValueNode | undefined): string[][] | null {
  if (value?.kind !== Kind.LIST) return null;
  const sets: string[][] = [];
  for (const inner of value.values) {
    if (inner.kind !== Kind.LIST) return null;
    const set: string[] = [];
    for (const item of inner.values) {
      if (item.kind !== Kind.STRING) return null;
      set.push(item.value);
    }
    sets.push(set);
  }
  return sets;
}

const RULE_DIRECTIVES = new Set(['requiresScopes', 'authenticated']);

function ruleOf(where: string, directives: readonly DirectiveNode[]): AccessRule {
  const scopes = directives.filter((d) => d.name.value === 'requiresScopes');
  const authenticated = directives.filter((d) => d.name.value === 'authenticated');
  if (scopes.length + authenticated.length !== 1) {
    throw new Error(
      `${where} needs exactly one access rule in the SDL: @requiresScopes(scopes: [[...]]) or @authenticated`,
    );
  }
  if (authenticated.length) return { kind: 'authenticated' };
  const anyOf = strings(scopes[0].arguments?.find((a) => a.name.value === 'scopes')?.value);
  if (!anyOf || anyOf.length === 0) {
    throw new Error(`${where}: @requiresScopes needs a non-empty list of scope lists`);
  }
  return { kind: 'scopes', anyOf };
}

export function allows(client: Client, rule: AccessRule): boolean {
  return (
    rule.kind === 'authenticated' ||
    rule.anyOf.some((set) => set.every((scope) => client.scopes.has(scope)))
  );
}

/** Rules for root fields that have no SDL of ours, by `Type.field`. */
export type GivenRules = ReadonlyMap<string, AccessRule>;

/**
 * The rule of every root field, by `Type.field`: its SDL rule, or the given one for a field whose
 * SDL we do not write. Throws when a field has none, or both.
 */
export function accessRules(
  schema: GraphQLSchema,
  given: GivenRules = new Map(),
): Map<string, AccessRule> {
  const rules = new Map<string, AccessRule>();
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      const where = `${type!.name}.${field.name}`;
      const directives = field.astNode?.directives ?? [];
      const rule = given.get(where);
      if (rule && directives.some((d) => RULE_DIRECTIVES.has(d.name.value))) {
        throw new Error(`${where} has a rule in the SDL and a given one: keep one`);
      }
      rules.set(where, rule ?? ruleOf(where, directives));
    }
  }
  return rules;
}

/**
 * Wraps every root field's resolver with its rule: a client without the scopes gets a FORBIDDEN
 * error for that field, and the resolver (and so any provider call) never runs.
 */
export function enforceAccessRules(
  schema: GraphQLSchema,
  given: GivenRules = new Map(),
): GraphQLSchema {
  const rules = accessRules(schema, given);
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      const rule = rules.get(`${type!.name}.${field.name}`)!;
      if (rule.kind === 'authenticated') continue; // every request that reaches a resolver has a client
      const resolve: NonNullable<GraphQLFieldConfig<unknown, { client: Client }>['resolve']> =
        field.resolve ?? defaultFieldResolver;
      const needed = rule.anyOf.map((set) => set.join(' and ')).join(', or ');
      field.resolve = (source, args, ctx: { client: Client }, info) => {
        if (!allows(ctx.client, rule)) {
          throw new ForbiddenError(`${field.name} needs the scope ${needed}`, {
            requiredScopes: rule.anyOf,
          });
        }
        return resolve(source, args, ctx, info);
      };
    }
  }
  return schema;
}
