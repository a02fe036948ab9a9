/**
 * Scenario 2: one query reading 50 customers, 25 distinct ids across Fusebill and NetXD, with 20 ms
 * of sandbox latency. Counts upstream calls (DataLoader dedupe) and compares wall time to the ideal
 * for the concurrency one operation gets per provider (UPSTREAM_MAX_CONCURRENCY_PER_OPERATION,
 * within UPSTREAM_MAX_CONCURRENCY). The operation limits are raised to admit its 50 aliased fields.
 */
import {
  gatewayEnv,
  graphql,
  resetSandboxes,
  sandboxStats,
  type SandboxesInfo,
} from '../lib/env.js';
import { startNode } from '../lib/proc.js';
import { median, round } from '../lib/stats.js';

const FUSEBILL_IDS = Array.from({ length: 13 }, (_, i) => `fusebill:${13000000 + i}`);
const NETXD_IDS = Array.from({ length: 12 }, (_, i) => `netxd:${100000000035001n + BigInt(i)}`);

export async function fanout(
  info: SandboxesInfo,
  opts: { runs: number; latencyMs: number; concurrency: number; perOperation: number },
) {
  const distinct = [...FUSEBILL_IDS, ...NETXD_IDS];
  const fields = [...distinct, ...distinct].map(
    (id, i) => `c${i}: customer(id: "${id}") { id status }`,
  );
  const query = `{ ${fields.join('\n')} }`;
  const gateway = await startNode<{ url: string }>(
    'src/main.ts',
    [],
    gatewayEnv(info, {
      UPSTREAM_MAX_CONCURRENCY: String(opts.concurrency),
      UPSTREAM_MAX_CONCURRENCY_PER_OPERATION: String(opts.perOperation),
      MAX_ALIASES: '60',
      MAX_ROOT_FIELDS: '60',
    }),
  );
  try {
    await graphql(gateway.info.url, query); // warm-up: connections, JIT
    const walls: number[] = [];
    const calls: number[] = [];
    let errors = 0;
    for (let run = 0; run < opts.runs; run++) {
      await resetSandboxes(info);
      const started = performance.now();
      const result = await graphql<{
        data?: Record<string, { status: string } | null>;
        errors?: unknown[];
      }>(gateway.info.url, query);
      walls.push(performance.now() - started);
      const stats = await sandboxStats(info);
      calls.push((stats.fusebill?.received ?? 0) + (stats.netxd?.received ?? 0));
      if (result.errors || Object.values(result.data ?? {}).some((c) => !c)) errors += 1;
    }
    const perProvider = [FUSEBILL_IDS.length, NETXD_IDS.length];
    const parallel = Math.min(opts.concurrency, opts.perOperation);
    const idealMs = Math.max(...perProvider.map((n) => Math.ceil(n / parallel))) * opts.latencyMs;
    const wallMs = median(walls);
    return {
      fields: fields.length,
      distinctIds: distinct.length,
      upstreamCalls: median(calls),
      upstreamCallsAllRuns: calls,
      wallMs: round(wallMs, 1),
      idealMs,
      wallVsIdeal: round(wallMs / idealMs, 2),
      failedRuns: errors,
      targetsMet: { exactly25UpstreamCalls: calls.every((c) => c === distinct.length) },
    };
  } finally {
    await gateway.stop();
  }
}
