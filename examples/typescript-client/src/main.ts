/**
 * A typed Switchyard client with Apollo Client: read a customer, activate one with an
 * Idempotency-Key (retried with the same key), and set card activation codes. The documents and
 * their types come from src/operations/*.graphql through GraphQL Code Generator (src/gql/).
 *
 *   node --import tsx examples/typescript-client/src/main.ts [http://127.0.0.1:4000/graphql]
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { RetryLink } from '@apollo/client/link/retry';
import {
  generatePersistedQueryIdsFromManifest,
  type PersistedQueryManifestForVerification,
} from '@apollo/persisted-query-lists';
import {
  ActivateCustomerDocument,
  CustomerDocument,
  SetCardActivationCodesDocument,
} from './gql/graphql.js';

export interface ClientOptions {
  /** Sent as x-api-key when the gateway has CLIENTS_FILE. */
  apiKey?: string;
  /**
   * The persisted-query manifest of these operations (npm run example:manifest): the client then
   * sends each operation's id instead of its text, as a trusted-documents-only client must.
   */
  manifest?: PersistedQueryManifestForVerification;
}

export function createClient(url: string, options: ClientOptions = {}) {
  const links: ApolloLink[] = [
    // Network failures are retried with the same request, so the same Idempotency-Key: the
    // gateway answers a retried write from the first attempt instead of running it twice.
    new RetryLink({ attempts: { max: 3 }, delay: { initial: 200 } }),
  ];
  if (options.manifest) {
    const { manifest } = options;
    links.push(
      new PersistedQueryLink(
        generatePersistedQueryIdsFromManifest({ loadManifest: () => manifest }),
      ),
    );
  }
  links.push(
    new HttpLink({
      uri: url,
      headers: options.apiKey ? { 'x-api-key': options.apiKey } : {},
    }),
  );
  return new ApolloClient({ link: ApolloLink.from(links), cache: new InMemoryCache() });
}

/** A new key for one intended write; keep it for every retry of that write. */
const idempotent = (key: string) => ({ headers: { 'Idempotency-Key': key } });

export interface ExampleResult {
  customer: { id: string; status: string; providerStatus: string | null | undefined };
  activation: { status: string | undefined; invoiceTotals: (number | null | undefined)[] };
  /** The same key sent again got the first answer (the gateway replayed it). */
  retriedActivationMatches: boolean;
  cards: { set: string[]; failed: number };
}

export async function main(url: string, options: ClientOptions = {}): Promise<ExampleResult> {
  const client = createClient(url, options);
  try {
    const read = await client.query({
      query: CustomerDocument,
      variables: { id: 'fusebill:12000750' },
      fetchPolicy: 'no-cache',
    });
    const customer = read.data?.customer;
    if (!customer) throw new Error('no customer fusebill:12000750');

    const key = randomUUID();
    const activate = () =>
      client.mutate({
        mutation: ActivateCustomerDocument,
        variables: { input: { customerId: 'fusebill:8708458' } },
        context: idempotent(key),
      });
    const first = (await activate()).data?.activateCustomer;
    if (!first || first.userErrors.length > 0) {
      throw new Error(`activation refused: ${JSON.stringify(first?.userErrors)}`);
    }
    // As after a lost answer: the same write with the same key is answered, not run again.
    const again = (await activate()).data?.activateCustomer;

    const codes = await client.mutate({
      mutation: SetCardActivationCodesDocument,
      variables: {
        input: {
          codes: [
            {
              programNumber: '95000000',
              proxyNumber: '6039530407033839166',
              activationCode: 'Ab12Cd',
            },
            {
              programNumber: '95000000',
              proxyNumber: '6039530407033839167',
              activationCode: 'Ef34Gh',
            },
          ],
        },
      },
      context: idempotent(randomUUID()),
    });
    const payload = codes.data?.setCardActivationCodes;
    if (!payload || payload.userErrors.length > 0) {
      throw new Error(`codes refused: ${JSON.stringify(payload?.userErrors)}`);
    }

    return {
      customer: {
        id: customer.id,
        status: customer.status,
        providerStatus: customer.providerStatus,
      },
      activation: {
        status: first.customer?.status,
        invoiceTotals: first.invoices.map((invoice) => invoice.total),
      },
      retriedActivationMatches: JSON.stringify(again) === JSON.stringify(first),
      cards: { set: payload.cards.map((card) => card.id), failed: payload.failures.length },
    };
  } finally {
    client.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await main(process.argv[2] ?? 'http://127.0.0.1:4000/graphql', {
    ...(process.env.SWITCHYARD_API_KEY ? { apiKey: process.env.SWITCHYARD_API_KEY } : {}),
  });
  console.log(JSON.stringify(result, null, 2));
}
