/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation ActivateCustomer($input: ActivateCustomerInput!) {\n  activateCustomer(input: $input) {\n    customer {\n      id\n      status\n      providerStatus\n    }\n    invoices {\n      status\n      total\n    }\n    reconciled\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": typeof types.ActivateCustomerDocument,
    "query Customer($id: ID!) {\n  customer(id: $id) {\n    id\n    provider\n    status\n    providerStatus\n  }\n}": typeof types.CustomerDocument,
    "mutation SetCardActivationCodes($input: SetCardActivationCodesInput!) {\n  setCardActivationCodes(input: $input) {\n    acceptedCount\n    cards {\n      id\n      activationCodeSet\n    }\n    failures {\n      code\n      outcomeUnknown\n      retryAfter\n      cards {\n        id\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": typeof types.SetCardActivationCodesDocument,
};
const documents: Documents = {
    "mutation ActivateCustomer($input: ActivateCustomerInput!) {\n  activateCustomer(input: $input) {\n    customer {\n      id\n      status\n      providerStatus\n    }\n    invoices {\n      status\n      total\n    }\n    reconciled\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": types.ActivateCustomerDocument,
    "query Customer($id: ID!) {\n  customer(id: $id) {\n    id\n    provider\n    status\n    providerStatus\n  }\n}": types.CustomerDocument,
    "mutation SetCardActivationCodes($input: SetCardActivationCodesInput!) {\n  setCardActivationCodes(input: $input) {\n    acceptedCount\n    cards {\n      id\n      activationCodeSet\n    }\n    failures {\n      code\n      outcomeUnknown\n      retryAfter\n      cards {\n        id\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}": types.SetCardActivationCodesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ActivateCustomer($input: ActivateCustomerInput!) {\n  activateCustomer(input: $input) {\n    customer {\n      id\n      status\n      providerStatus\n    }\n    invoices {\n      status\n      total\n    }\n    reconciled\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"): (typeof documents)["mutation ActivateCustomer($input: ActivateCustomerInput!) {\n  activateCustomer(input: $input) {\n    customer {\n      id\n      status\n      providerStatus\n    }\n    invoices {\n      status\n      total\n    }\n    reconciled\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Customer($id: ID!) {\n  customer(id: $id) {\n    id\n    provider\n    status\n    providerStatus\n  }\n}"): (typeof documents)["query Customer($id: ID!) {\n  customer(id: $id) {\n    id\n    provider\n    status\n    providerStatus\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SetCardActivationCodes($input: SetCardActivationCodesInput!) {\n  setCardActivationCodes(input: $input) {\n    acceptedCount\n    cards {\n      id\n      activationCodeSet\n    }\n    failures {\n      code\n      outcomeUnknown\n      retryAfter\n      cards {\n        id\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"): (typeof documents)["mutation SetCardActivationCodes($input: SetCardActivationCodesInput!) {\n  setCardActivationCodes(input: $input) {\n    acceptedCount\n    cards {\n      id\n      activationCodeSet\n    }\n    failures {\n      code\n      outcomeUnknown\n      retryAfter\n      cards {\n        id\n      }\n    }\n    userErrors {\n      code\n      message\n      field\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;