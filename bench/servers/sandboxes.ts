/**
 * The provider sandboxes in a process of their own, so the gateway, the references and the load
 * generator all reach the same upstream over loopback. Prints one ready line with each sandbox's URL
 * and settings, and serves a control endpoint: GET /stats, POST /reset.
 * Usage: tsx bench/servers/sandboxes.ts <latencyMs>
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBlackhawkSandbox } from '../../src/sandbox/blackhawk.js';
import { startFusebillSandbox } from '../../src/sandbox/fusebill.js';
import { startNetxdSandbox } from '../../src/sandbox/netxd.js';

const latencyMs = Number(process.argv[2] ?? 0);
const options = { latencyMs, journalLimit: 200 };
const sandboxes = {
  fusebill: await startFusebillSandbox(options),
  netxd: await startNetxdSandbox(options),
  blackhawk: await startBlackhawkSandbox(options),
};

const control = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/reset') {
    for (const sandbox of Object.values(sandboxes)) sandbox.reset();
    res.end('{}');
    return;
  }
  const stats = Object.fromEntries(
    Object.entries(sandboxes).map(([id, sandbox]) => [
      id,
      {
        received: sandbox.receivedCount(),
        firstAt: sandbox.journal[0]?.at ?? null,
        lastAt: sandbox.journal.at(-1)?.at ?? null,
      },
    ]),
  );
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(stats));
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));

process.stdout.write(
  JSON.stringify({
    ready: true,
    control: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
    settings: Object.fromEntries(Object.entries(sandboxes).map(([id, s]) => [id, s.settings])),
  }) + '\n',
);
process.on('SIGTERM', () => process.exit(0));
