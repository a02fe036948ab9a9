// Placeholder until the netxd adapter lands: it supports nothing, so the gateway answers UNSUPPORTED_BY_PROVIDER.
import { z } from 'zod';
import type { RegisteredProvider } from '../contract.js';

export const netxdProvider: RegisteredProvider = {
  id: 'netxd',
  env: z.object({}),
  start: () =>
    Promise.resolve({
      mode: 'SANDBOX',
      sandbox: null,
      adapter: {
        id: 'netxd',
        validateCustomerId: () => null,
        activationOptions: [],
        settableStatuses: [],
      },
    }),
};
