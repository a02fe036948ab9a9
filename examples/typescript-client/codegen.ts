/**
 * Typed documents for the example's operations (GraphQL Code Generator's client preset). Run from
 * the repository root: `npm run codegen:example`. A frontend repository would point `schema` at
 * the gateway (`http://127.0.0.1:4000/graphql`, introspection is on outside production) or at a
 * copy of schema/.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  overwrite: true,
  schema: 'schema/*.graphql',
  documents: 'examples/typescript-client/src/operations/*.graphql',
  // ES module imports with .js extensions, as Node and `moduleResolution: NodeNext` want.
  emitLegacyCommonJSImports: false,
  generates: {
    'examples/typescript-client/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { Upload: 'File' },
      },
    },
  },
};

export default config;
