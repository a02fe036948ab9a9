import type { Resolvers } from '../generated/graphql.js';
import { cardResolvers } from './cards.js';
import { customerResolvers } from './customers.js';
import { providerResolvers } from './providers.js';

/** Every resolver map, one per schema domain. */
export const resolverMaps: Resolvers[] = [providerResolvers, customerResolvers, cardResolvers];
