/** The list of providers. Adding one is one folder under providers/, one under sandbox/, one line here. */
import type { RegisteredProvider } from './contract.js';
import { blackhawkProvider } from './blackhawk/index.js';
import { enkashProvider } from './enkash/index.js';
import { fusebillProvider } from './fusebill/index.js';
import { netxdProvider } from './netxd/index.js';

export const PROVIDERS: readonly RegisteredProvider[] = [
  enkashProvider,
  netxdProvider,
  fusebillProvider,
  blackhawkProvider,
];
