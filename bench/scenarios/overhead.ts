/**
 * Scenario 1: one customer(id) read on Fusebill through the gateway, beside (a) the sandbox called
 * directly, (b) a bare Apollo server doing the same got call, (c) the same with undici. Targets are
 * measured round-robin (A B C D, B C D A, ...) so a noisy machine hurts all of them alike.
 */
import { gatewayEnv, type SandboxesInfo } from '../lib/env.js';
import { runNode, startNode, type Started } from '../lib/proc.js';
import { median, round } from '../lib/stats.js';

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  errors: number;
  non2xx: number;
}

export interface OverheadRow {
  target: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const QUERY = JSON.stringify({
  query: 'query ($id: ID!) { customer(id: $id) { id status } }',
  variables: { id: 'fusebill:12000750' },
});

export async function overhead(info: SandboxesInfo, opts: { rounds: number; durationS: number }) {
  const { baseUrl, apiKey } = info.settings.fusebill;
  const started: Started<{ url?: string }>[] = [];
  try {
    const gateway = await startNode<{ url: string }>('src/main.ts', [], gatewayEnv(info));
    started.push(gateway);
    const bareGot = await startNode<{ url: string }>('bench/servers/bare.ts', [
      'got',
      baseUrl,
      apiKey,
    ]);
    started.push(bareGot);
    const bareUndici = await startNode<{ url: string }>('bench/servers/bare.ts', [
      'undici',
      baseUrl,
      apiKey,
    ]);
    started.push(bareUndici);

    const graphqlTarget = (url: string) => ({
      url,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json' },
      body: QUERY,
    });
    const targets = [
      {
        name: 'direct (a)',
        load: {
          url: `${baseUrl}/v1/customers/12000750`,
          method: 'GET' as const,
          headers: { authorization: `Basic ${apiKey}` },
        },
      },
      { name: 'gateway', load: graphqlTarget(gateway.info.url) },
      { name: 'bare got (b)', load: graphqlTarget(bareGot.info.url) },
      { name: 'bare undici (c)', load: graphqlTarget(bareUndici.info.url) },
    ];

    const rows: OverheadRow[] = [];
    for (const connections of [1, 32]) {
      for (const target of targets) {
        await runNode<LoadResult>('bench/load.ts', [
          JSON.stringify({ ...target.load, connections, durationS: 1 }),
        ]); // warm-up
      }
      const samples = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]));
      for (let round_ = 0; round_ < opts.rounds; round_++) {
        for (let i = 0; i < targets.length; i++) {
          const target = targets[(i + round_) % targets.length]!;
          const result = await runNode<LoadResult>('bench/load.ts', [
            JSON.stringify({ ...target.load, connections, durationS: opts.durationS }),
          ]);
          samples.get(target.name)!.push(result);
        }
      }
      for (const target of targets) {
        const runs = samples.get(target.name)!;
        rows.push({
          target: target.name,
          connections,
          rps: round(median(runs.map((r) => r.rps)), 0),
          p50: round(median(runs.map((r) => r.p50)), 3),
          p99: round(median(runs.map((r) => r.p99)), 3),
          errors: runs.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
        });
      }
    }
    const get = (target: string, connections: number) =>
      rows.find((r) => r.target === target && r.connections === connections)!;
    const ratios = [1, 32].map((c) => ({
      connections: c,
      gatewayVsBareGot: round(get('gateway', c).rps / get('bare got (b)', c).rps, 3),
      bareGotVsBareUndici: round(get('bare got (b)', c).rps / get('bare undici (c)', c).rps, 3),
      gatewayAddedP50VsDirectMs: round(get('gateway', c).p50 - get('direct (a)', c).p50, 3),
      bareGotAddedP50VsDirectMs: round(get('bare got (b)', c).p50 - get('direct (a)', c).p50, 3),
    }));
    const c1 = ratios[0]!;
    const c32 = ratios[1]!;
    const targetsMet = {
      throughputAtLeast085xFloor: Math.min(c1.gatewayVsBareGot, c32.gatewayVsBareGot) >= 0.85,
      addedP50AtMost1msAtC1: c1.gatewayAddedP50VsDirectMs <= 1,
    };
    return { rows, ratios, targetsMet, gatewayPeakRssMb: gateway.peakRssMb() };
  } finally {
    await Promise.all(started.map((s) => s.stop()));
  }
}
