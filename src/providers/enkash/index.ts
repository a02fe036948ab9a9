// Placeholder until the enkash adapter lands: it supports nothing, so the gateway answers UNSUPPORTED_BY_PROVIDER.
import { z } from 'zod';
import type { RegisteredProvider } from '../contract.js';

export const enkashProvider: RegisteredProvider = {
  id: 'enkash',
  env: z.object({}),
  start: () =>
    Promise.resolve({
      mode: 'SANDBOX',
      sandbox: null,
      adapter: {
        id: 'enkash',
        validateCustomerId: () => null,
        activationOptions: [],
        settableStatuses: [],
      },
    }),
};
