/**
 * Operation limits, checked after parsing and before execution for every client: parser tokens
 * (graphql-js stops parsing at MAX_TOKENS), depth, aliases and root fields (a validation rule, so
 * Apollo's document cache remembers the verdict), and an estimate of the upstream calls an
 * operation would make (a plugin, as it depends on the variables). Over a limit: one
 * OPERATION_TOO_COMPLEX error naming the limit, and nothing runs.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';
import { OperationTooComplexError, type OperationLimit } from '../errors.js';

export interface OperationLimits {
  /** MAX_DEPTH: nesting of fields, the root field being 1. */
  depth: number;
  /** MAX_ALIASES: aliased fields in the operation, fragments counted where they are spread. */
  aliases: number;
  /** MAX_ROOT_FIELDS */
  rootFields: number;
  /** MAX_TOKENS: graphql-js aborts parsing past this many tokens. */
  tokens: number;
  /** MAX_UPSTREAM_CALLS: provider calls the operation may cause, estimated before it runs. */
  upstreamCalls: number;
}

const SETTING: Record<OperationLimit, string> = {
  depth: 'MAX_DEPTH',
  aliases: 'MAX_ALIASES',
  rootFields: 'MAX_ROOT_FIELDS',
  tokens: 'MAX_TOKENS',
  upstreamCalls: 'MAX_UPSTREAM_CALLS',
};

const WHAT: Record<OperationLimit, string> = {
  depth: 'nests fields {n} levels deep',
  aliases: 'has {n} aliases',
  rootFields: 'selects {n} root fields',
  tokens: 'has more than {n} tokens',
  upstreamCalls: 'would make about {n} provider calls',
};

export function tooComplex(
  limit: OperationLimit,
  actual: number,
  max: number,
): OperationTooComplexError {
  return new OperationTooComplexError(
    limit,
    `The operation ${WHAT[limit].replace('{n}', String(actual))}; the limit is ${max} (${SETTING[limit]})`,
  );
}

const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

/** What one selection set amounts to, fragments included where they are spread. */
interface Shape {
  depth: number;
  aliases: number;
}

/**
 * Measures selection sets with each fragment measured once (memoized), so documents that spread
 * fragments within fragments cannot make the measuring itself exponential. A fragment spread in a
 * cycle (invalid, and reported by graphql-js's own rule) counts as empty here.
 */
function shapeMeasurer(fragments: ReadonlyMap<string, FragmentDefinitionNode>) {
  const memo = new Map<string, Shape>();
  const inProgress = new Set<string>();
  const measure = (set: SelectionSetNode): Shape => {
    let depth = 0;
    let aliases = 0;
    for (const selection of set.selections) {
      let inner: Shape;
      if (selection.kind === Kind.FIELD) {
        const below = selection.selectionSet
          ? measure(selection.selectionSet)
          : { depth: 0, aliases: 0 };
        // Introspection nests its type references deep (the standard query reaches 14 levels)
        // and costs no provider call; it has its own switch (INTROSPECTION). Its aliases count.
        const introspection = INTROSPECTION_ROOTS.has(selection.name.value);
        inner = {
          depth: introspection ? 1 : below.depth + 1,
          aliases: below.aliases + (selection.alias ? 1 : 0),
        };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = measure(selection.selectionSet);
      } else {
        inner = fragment(selection.name.value);
      }
      depth = Math.max(depth, inner.depth);
      aliases += inner.aliases;
    }
    return { depth, aliases };
  };
  const fragment = (name: string): Shape => {
    const known = memo.get(name);
    if (known) return known;
    const definition = fragments.get(name);
    if (!definition || inProgress.has(name)) return { depth: 0, aliases: 0 };
    inProgress.add(name);
    const shape = measure(definition.selectionSet);
    inProgress.delete(name);
    memo.set(name, shape);
    return shape;
  };
  return measure;
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/** The fields an operation's root selection set selects, through fragments and inline fragments. */
function rootFields(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen = new Set<string>(),
): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      fields.push(...rootFields(selection.selectionSet, fragments, seen));
    } else if (!seen.has(selection.name.value)) {
      const definition = fragments.get(selection.name.value);
      if (!definition) continue;
      seen.add(selection.name.value);
      fields.push(...rootFields(definition.selectionSet, fragments, seen));
    }
  }
  return fields;
}

/** The fields an operation selects at its root, fragments spread in place. */
export function operationRootFields(
  operation: OperationDefinitionNode,
  document: DocumentNode,
): FieldNode[] {
  return rootFields(operation.selectionSet, fragmentsOf(document));
}

/** The validation rule for depth, aliases and root fields, one error per operation at most. */
export function operationShapeRule(limits: OperationLimits) {
  return (context: ValidationContext): ASTVisitor => ({
    Document(document) {
      const fragments = fragmentsOf(document);
      const measure = shapeMeasurer(fragments);
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const shape = measure(definition.selectionSet);
        const roots = rootFields(definition.selectionSet, fragments).length;
        const over: [OperationLimit, number, number][] = [
          ['depth', shape.depth, limits.depth],
          ['aliases', shape.aliases, limits.aliases],
          ['rootFields', roots, limits.rootFields],
        ];
        const first = over.find(([, actual, max]) => actual > max);
        if (first) {
          const error = tooComplex(...first);
          context.reportError(
            new GraphQLError(error.message, { nodes: [definition], originalError: error }),
          );
        }
      }
      return false;
    },
  });
}

const CODES_PER_CALL = 1_000;
const READ_FIELDS = new Set(['customer', 'node', 'customerActivationPreview']);
/** Only in the subgraph schema (FEDERATION_SUBGRAPH); validation refuses it elsewhere. */
const ENTITIES_FIELD = '_entities';

/** The items a list argument holds, literally or through a variable; a single value is a list of one. */
function listLength(list: ValueNode | undefined, variables: Record<string, unknown>): number {
  if (!list) return 0;
  if (list.kind === Kind.LIST) return list.values.length;
  if (list.kind === Kind.VARIABLE) {
    const given = variables[list.name.value];
    return Array.isArray(given) ? given.length : given == null ? 0 : 1;
  }
  return 1;
}

/** How many activation-code records a `setCardActivationCodes(input: ...)` argument holds. */
function codeCount(value: ValueNode | undefined, variables: Record<string, unknown>): number {
  if (!value) return 0;
  if (value.kind === Kind.VARIABLE) {
    const input = variables[value.name.value] as { codes?: unknown } | null | undefined;
    return Array.isArray(input?.codes) ? input.codes.length : 0;
  }
  if (value.kind === Kind.OBJECT) {
    return listLength(value.fields.find((f) => f.name.value === 'codes')?.value, variables);
  }
  return 0;
}

/**
 * Provider calls an operation may cause: one per read field (`customer`, `node`, the preview),
 * one per entity representation of a subgraph's `_entities` (each is a `node` lookup), one per
 * mutation field, and one per 1,000 activation codes. Deliberately simple: it bounds fan-out, it
 * does not predict DataLoader's savings.
 */
export function estimateUpstreamCalls(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  variables: Record<string, unknown>,
): number {
  const fields = rootFields(operation.selectionSet, fragmentsOf(document));
  if (operation.operation === OperationTypeNode.MUTATION) {
    return fields.reduce((sum, field) => {
      if (field.name.value !== 'setCardActivationCodes') return sum + 1;
      const input = field.arguments?.find((a) => a.name.value === 'input')?.value;
      return sum + Math.max(1, Math.ceil(codeCount(input, variables) / CODES_PER_CALL));
    }, 0);
  }
  return fields.reduce((sum, field) => {
    if (field.name.value === ENTITIES_FIELD) {
      const representations = field.arguments?.find((a) => a.name.value === 'representations');
      return sum + listLength(representations?.value, variables);
    }
    return sum + (READ_FIELDS.has(field.name.value) ? 1 : 0);
  }, 0);
}

/** The plugin that refuses an operation whose estimated provider calls exceed the limit. */
export function upstreamCallsPlugin(max: number): ApolloServerPlugin {
  const listener: GraphQLRequestListener<object> = {
    didResolveOperation({ operation, document, request }) {
      if (!operation) return Promise.resolve();
      const calls = estimateUpstreamCalls(operation, document, request.variables ?? {});
      if (calls <= max) return Promise.resolve();
      const error = tooComplex('upstreamCalls', calls, max);
      return Promise.reject(
        new GraphQLError(error.message, {
          originalError: error,
          extensions: { http: { status: 400 } },
        }),
      );
    },
  };
  const started = Promise.resolve(listener);
  return { requestDidStart: () => started };
}
