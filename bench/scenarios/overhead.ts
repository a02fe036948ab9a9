import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
/**
 * Scenario 1: one customer(id) read on Fusebill through the gateway, beside (a) the sandbox called
 * directly, (b) Apollo Server straight on Node's http doing the same got call (the floor), (c) the
 * same with undici, (d) the old floor, Apollo's Express integration with got. Targets are measured
 * round-robin (A B C D E, B C D E A, ...) so a noisy machine hurts all of them alike.
 */
import { gatewayEnv, type SandboxesInfo } from '../lib/env.js';
import { benchIdentity } from '../lib/identity.js';
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
  /** CPU time of the server process per request (µs); the gateway's, or a floor's. */
  cpuUsPerRequest: number;
  errors: number;
}

const QUERY = JSON.stringify({
  query: 'query ($id: ID!) { customer(id: $id) { id status } }',
  variables: { id: 'fusebill:12000750' },
});

/** A free TCP port on loopback, for a gateway's METRICS_PORT. */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An OTLP/HTTP endpoint on loopback that takes every export and answers 200. */
async function traceSink() {
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function overhead(info: SandboxesInfo, opts: { rounds: number; durationS: number }) {
  const { baseUrl, apiKey } = info.settings.fusebill;
  const started: Started<{ url?: string }>[] = [];
  const identity = await benchIdentity();
  let closeSink = () => Promise.resolve();
  try {
    const gateway = await startNode<{ url: string }>('src/main.ts', [], gatewayEnv(info));
    started.push(gateway);
    // The same gateway asking for credentials: an API key, or a JWT verified against a JWKS.
    const withKey = await startNode<{ url: string }>(
      'src/main.ts',
      [],
      gatewayEnv(info, identity.apiKeyEnv),
    );
    started.push(withKey);
    const withJwt = await startNode<{ url: string }>(
      'src/main.ts',
      [],
      gatewayEnv(info, identity.jwtEnv),
    );
    started.push(withJwt);
    // The same open gateway with metrics served, and with traces exported to a sink on loopback.
    const sink = await traceSink();
    const withMetrics = await startNode<{ url: string }>(
      'src/main.ts',
      [],
      gatewayEnv(info, { METRICS_PORT: String(await freePort()) }),
    );
    started.push(withMetrics);
    const withTraces = await startNode<{ url: string }>(
      'src/main.ts',
      [],
      gatewayEnv(info, {
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '1000',
      }),
    );
    started.push(withTraces);
    closeSink = sink.close;
    const bare = async (mode: string) => {
      const server = await startNode<{ url: string }>('bench/servers/bare.ts', [
        mode,
        baseUrl,
        apiKey,
      ]);
      started.push(server);
      return server;
    };
    const floor = await bare('http-got');
    const floorUndici = await bare('http-undici');
    const express = await bare('express-got');

    const graphqlTarget = (url: string, headers: Record<string, string> = {}) => ({
      url,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', ...headers },
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
      { name: 'gateway', load: graphqlTarget(gateway.info.url), server: gateway },
      {
        name: 'gateway, API key',
        load: graphqlTarget(withKey.info.url, { 'x-api-key': identity.apiKey }),
        server: withKey,
      },
      {
        name: 'gateway, JWT',
        load: graphqlTarget(withJwt.info.url, { authorization: `Bearer ${identity.token}` }),
        server: withJwt,
      },
      {
        name: 'gateway, metrics on',
        load: graphqlTarget(withMetrics.info.url),
        server: withMetrics,
      },
      { name: 'gateway, tracing on', load: graphqlTarget(withTraces.info.url), server: withTraces },
      { name: 'floor: http + got (b)', load: graphqlTarget(floor.info.url), server: floor },
      { name: 'http + undici (c)', load: graphqlTarget(floorUndici.info.url), server: floorUndici },
      { name: 'express + got (d)', load: graphqlTarget(express.info.url), server: express },
    ] as { name: string; load: object; server?: Started<{ url: string }> }[];

    const rows: OverheadRow[] = [];
    for (const connections of [1, 32]) {
      for (const target of targets) {
        await runNode<LoadResult>('bench/load.ts', [
          JSON.stringify({ ...target.load, connections, durationS: 1 }),
        ]); // warm-up
      }
      const samples = new Map<string, (LoadResult & { cpuUs: number })[]>(
        targets.map((t) => [t.name, []]),
      );
      for (let round_ = 0; round_ < opts.rounds; round_++) {
        for (let i = 0; i < targets.length; i++) {
          const target = targets[(i + round_) % targets.length]!;
          const cpuBefore = target.server?.cpuMs() ?? 0;
          const result = await runNode<LoadResult>('bench/load.ts', [
            JSON.stringify({ ...target.load, connections, durationS: opts.durationS }),
          ]);
          // The server's own CPU per request: steadier on a shared machine than its throughput.
          const cpuUs = target.server
            ? ((target.server.cpuMs() - cpuBefore) * 1000) / result.total
            : NaN;
          samples.get(target.name)!.push({ ...result, cpuUs });
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
          cpuUsPerRequest: round(median(runs.map((r) => r.cpuUs)), 1),
          errors: runs.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
        });
      }
    }
    const get = (target: string, connections: number) =>
      rows.find((r) => r.target === target && r.connections === connections)!;
    const FLOOR = 'floor: http + got (b)';
    const addedP50 = (target: string, c: number) => get(target, c).p50 - get('direct (a)', c).p50;
    const ratios = [1, 32].map((c) => ({
      connections: c,
      gatewayVsFloor: round(get('gateway', c).rps / get(FLOOR, c).rps, 3),
      apiKeyVsOpen: round(get('gateway, API key', c).rps / get('gateway', c).rps, 3),
      jwtVsOpen: round(get('gateway, JWT', c).rps / get('gateway', c).rps, 3),
      metricsOnVsOff: round(get('gateway, metrics on', c).rps / get('gateway', c).rps, 3),
      tracingOnVsOff: round(get('gateway, tracing on', c).rps / get('gateway', c).rps, 3),
      apiKeyCpuVsOpen: round(
        get('gateway, API key', c).cpuUsPerRequest / get('gateway', c).cpuUsPerRequest,
        3,
      ),
      jwtCpuVsOpen: round(
        get('gateway, JWT', c).cpuUsPerRequest / get('gateway', c).cpuUsPerRequest,
        3,
      ),
      gatewayCpuVsFloor: round(
        get('gateway', c).cpuUsPerRequest / get(FLOOR, c).cpuUsPerRequest,
        3,
      ),
      floorVsUndici: round(get(FLOOR, c).rps / get('http + undici (c)', c).rps, 3),
      expressVsFloor: round(get('express + got (d)', c).rps / get(FLOOR, c).rps, 3),
      gatewayAddedP50Ms: round(addedP50('gateway', c), 3),
      floorAddedP50Ms: round(addedP50(FLOOR, c), 3),
      gatewayAddedP50VsFloor: round(addedP50('gateway', c) / addedP50(FLOOR, c), 3),
    }));
    const c1 = ratios[0]!;
    const c32 = ratios[1]!;
    const targetsMet = {
      throughputAtLeast08xFloorAt1And32: Math.min(c1.gatewayVsFloor, c32.gatewayVsFloor) >= 0.8,
      addedP50AtMost13xFloorsAtC1: c1.gatewayAddedP50VsFloor <= 1.3,
      authenticationCostsUnder5Percent:
        Math.min(c1.apiKeyVsOpen, c1.jwtVsOpen, c32.apiKeyVsOpen, c32.jwtVsOpen) >= 0.95,
    };
    return { rows, ratios, targetsMet, gatewayPeakRssMb: gateway.peakRssMb() };
  } finally {
    identity.close();
    await Promise.all(started.map((s) => s.stop()));
    await closeSink();
  }
}
