// Placeholder until the blackhawk adapter lands: it supports nothing, so the gateway answers UNSUPPORTED_BY_PROVIDER.
import { z } from 'zod';
import type { RegisteredProvider } from '../contract.js';

export const blackhawkProvider: RegisteredProvider = {
  id: 'blackhawk',
  env: z.object({}),
  start: () =>
    Promise.resolve({
      mode: 'SANDBOX',
      sandbox: null,
      adapter: {
        id: 'blackhawk',
        validateCustomerId: () => null,
        activationOptions: [],
        settableStatuses: [],
      },
    }),
};
