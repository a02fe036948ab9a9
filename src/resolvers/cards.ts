/** Card activation codes (Blackhawk). */
import type { Resolvers } from '../generated/graphql.js';
import { GatewayErrorCode, UpstreamError, userError } from '../gateway/errors.js';
import { cardGlobalId } from '../gateway/ids.js';
import { toGraphqlProvider } from '../providers/ids.js';
import { unsupported, withUserErrors } from './payload.js';

const GATEWAY_CODES = new Set<string>(Object.values(GatewayErrorCode));

export const cardResolvers: Resolvers = {
  Mutation: {
    setCardActivationCodes: (_parent, { input }, ctx) =>
      withUserErrors({ cards: [], acceptedCount: 0, failures: [] }, async () => {
        const adapter = ctx.providers.adapter('blackhawk');
        if (!adapter.setCardActivationCodes) throw unsupported('blackhawk', 'activation codes');
        if (input.codes.length === 0) {
          throw userError('INVALID_INPUT', 'codes must hold at least one record', {
            field: ['input', 'codes'],
          });
        }
        const { cards, failures } = await adapter.setCardActivationCodes(input.codes, ctx.call);
        // Nothing set and nothing in doubt: the operation simply failed, like any other provider failure.
        const first = failures[0];
        if (
          cards.length === 0 &&
          first &&
          failures.every((f) => !f.outcomeUnknown) &&
          GATEWAY_CODES.has(first.code)
        ) {
          throw new UpstreamError(first.code as GatewayErrorCode, 'blackhawk', first.message);
        }
        return { cards, acceptedCount: cards.length, failures };
      }),
  },

  Card: {
    id: (card) => cardGlobalId(card),
    provider: (card) => toGraphqlProvider(card.provider),
  },
};
