/**
 * `npm run client:key -- <clientId>`: makes a new random API key for a client of CLIENTS_FILE.
 * Prints the key once (the gateway never stores it) and the hash to add to the client's apiKeys;
 * keep the old hash until the client has switched, then remove it (rotation).
 */
import { newApiKey } from '../src/access/clients.js';

const clientId = process.argv[2];
if (!clientId || !/^[A-Za-z0-9._-]{1,64}$/.test(clientId)) {
  process.stderr.write(
    'usage: npm run client:key -- <clientId>   (1-64 letters, digits, ".", "_" or "-")\n',
  );
  process.exit(2);
}
const { key, hash } = newApiKey();
process.stdout.write(
  `New API key for client "${clientId}". It is shown once: hand it to the client now.\n\n` +
    `  ${key}\n\n` +
    `Add this hash to the "apiKeys" of client "${clientId}" in CLIENTS_FILE, then restart the gateway:\n\n` +
    `  "${hash}"\n\n` +
    `The client sends the key as the header  x-api-key: <key>\n`,
);
