/**
 * Activation codes are coerced once. graphql-js coerces a variable of `SetCardActivationCodesInput`
 * record by record (about 1.3 us each: a null-prototype object, a copy of it, path objects and key
 * arrays per record), which for 100,000 codes was the largest cost before the first batch left
 * (132-142 ms of 218 in the gateway). Records that already have exactly the shape coercion would
 * produce (a plain object with the three fields, each a string) are taken as they are: graphql-js
 * gets an empty list in their place, and the resolver gets the records from the context. Anything
 * else is left to graphql-js untouched, so every coercion error reads exactly as before; the
 * provider's own validation runs on both paths. From `didResolveOperation` on, the request's
 * variables hold the empty list: whatever needs the codes later reads them with `cardCodesOf`.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Kind, type GraphQLResolveInfo, type GraphQLSchema, type TypeNode } from 'graphql';
import type { CardCodeRecord } from '../providers/contract.js';
import type { GatewayContext } from './context.js';

const INPUT = 'SetCardActivationCodesInput';
const RECORD = 'CardActivationCodeInput';
const FIELDS = ['programNumber', 'proxyNumber', 'activationCode'] as const;

/**
 * Throws unless the schema still has the shapes this shortcut stands in for: it would otherwise
 * hand a resolver records that graphql-js would have coerced differently. Types are compared by
 * their printed form: the schema may come from graphql's CommonJS build, and graphql's type
 * predicates refuse objects of the other build.
 */
function assertShapes(schema: GraphQLSchema): void {
  const fieldsOf = (name: string) => {
    const type = schema.getType(name);
    return type?.astNode?.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION && 'getFields' in type
      ? (type.getFields() as Record<string, { type: unknown; defaultValue?: unknown }>)
      : undefined;
  };
  const shape = (fields: ReturnType<typeof fieldsOf>) =>
    Object.entries(fields ?? {})
      .map(
        ([name, field]) =>
          `${name}:${String(field.type)}${field.defaultValue === undefined ? '' : '='}`,
      )
      .sort()
      .join(' ');
  const expected = {
    [INPUT]: `codes:[${RECORD}!]!`,
    [RECORD]: FIELDS.map((name) => `${name}:String!`)
      .sort()
      .join(' '),
  };
  for (const [name, want] of Object.entries(expected)) {
    if (shape(fieldsOf(name)) !== want) {
      throw new Error(
        `${name} changed shape: update src/gateway/card-codes.ts, which stands in for its coercion`,
      );
    }
  }
  // The resolver finds the records by its `input` argument: a second place taking the input
  // type would be handed an empty list.
  const uses: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !('getFields' in type)) continue;
    for (const field of Object.values(type.getFields() as Record<string, FieldLike>)) {
      if (namedType(field.type) === INPUT) uses.push(`${type.name}.${field.name}`);
      for (const arg of field.args ?? []) {
        if (namedType(arg.type) === INPUT) uses.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
  }
  uses.sort();
  if (uses.join() !== 'Mutation.setCardActivationCodes(input)') {
    throw new Error(
      `${INPUT} is used by ${uses.join(', ')}; src/gateway/card-codes.ts serves Mutation.setCardActivationCodes(input) alone`,
    );
  }
}

interface FieldLike {
  name: string;
  type: unknown;
  args?: readonly { name: string; type: unknown }[];
}

const namedType = (type: unknown) => String(type).replace(/[[\]!]/g, '');

/** The records, when every one of them is already what coercion would make of it. */
function asCoerced(value: unknown): CardCodeRecord[] | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'codes') return undefined;
  const { codes } = value as { codes: unknown };
  if (!Array.isArray(codes) || codes.length === 0) return undefined;
  for (const item of codes as unknown[]) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
    const record = item as Record<string, unknown>;
    if (
      typeof record.programNumber !== 'string' ||
      typeof record.proxyNumber !== 'string' ||
      typeof record.activationCode !== 'string' ||
      Object.keys(record).length !== FIELDS.length ||
      Object.getPrototypeOf(record) !== Object.prototype
    ) {
      return undefined;
    }
  }
  return codes as CardCodeRecord[];
}

function namesInput(type: TypeNode): boolean {
  const named = type.kind === Kind.NON_NULL_TYPE ? type.type : type;
  return named.kind === Kind.NAMED_TYPE && named.name.value === INPUT;
}

// One listener for every request, as the operation log's: nothing is allocated per request.
const listener: GraphQLRequestListener<GatewayContext> = {
  didResolveOperation({ operation, request, contextValue }) {
    const variables = request.variables;
    if (!variables) return Promise.resolve();
    for (const definition of operation?.variableDefinitions ?? []) {
      if (!namesInput(definition.type)) continue;
      const name = definition.variable.name.value;
      const records = asCoerced(variables[name]);
      if (!records) continue;
      (contextValue.cardCodes ??= new Map()).set(name, records);
      variables[name] = { codes: [] };
    }
    return Promise.resolve();
  },
};
const started = Promise.resolve(listener);

/** The plugin that takes well-formed activation-code variables past graphql-js's coercion. */
export function cardCodesPlugin(schema: GraphQLSchema): ApolloServerPlugin<GatewayContext> {
  assertShapes(schema);
  return { requestDidStart: () => started };
}

/**
 * The records of the `input` argument of the field being resolved, when the plugin took them
 * past coercion; undefined otherwise (the argument's coerced value holds them).
 */
export function cardCodesOf(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
): CardCodeRecord[] | undefined {
  const argument = info.fieldNodes[0]?.arguments?.find((a) => a.name.value === 'input');
  return argument?.value.kind === Kind.VARIABLE
    ? ctx.cardCodes?.get(argument.value.name.value)
    : undefined;
}
