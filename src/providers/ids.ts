/** Every provider the gateway knows, as used in global ids, logs and error extensions. */
export const PROVIDER_IDS = ['enkash', 'netxd', 'fusebill', 'blackhawk'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/** The GraphQL `Provider` enum value of a provider id. */
export type GraphqlProvider = Uppercase<ProviderId>;

export function toGraphqlProvider(id: ProviderId): GraphqlProvider {
  return id.toUpperCase() as GraphqlProvider;
}

export function fromGraphqlProvider(value: GraphqlProvider): ProviderId {
  return value.toLowerCase() as ProviderId;
}

export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}
