/**
 * Scenario 3: setCardActivationCodes with 100,000 codes against a Blackhawk sandbox answering after
 * a fixed latency. Wall time against the ideal (batches / concurrency x latency), time before the
 * first upstream request (parsing, coercion, validation), the CPU time the gateway and the
 * sandboxes spent on the operation (they share the machine's two cores), the gateway's peak RSS,
 * and validation alone.
 */
import { validateCardCodes } from '../../src/providers/blackhawk/validate.js';
import {
  gatewayEnv,
  graphql,
  resetSandboxes,
  sandboxStats,
  type SandboxesInfo,
} from '../lib/env.js';
import { startNode, type Started } from '../lib/proc.js';
import { median, round } from '../lib/stats.js';

const BATCH = 1_000;
const MUTATION = `mutation ($input: SetCardActivationCodesInput!) {
  setCardActivationCodes(input: $input) { acceptedCount failures { code } userErrors { code } }
}`;

export function makeCodes(count: number, offset = 0) {
  return Array.from({ length: count }, (_, i) => ({
    programNumber: '95000000',
    proxyNumber: String(6039530400000000000n + BigInt(offset + i)),
    activationCode: `Ab${(offset + i).toString(36).padStart(6, '0')}`,
  }));
}

export async function bulkCodes(
  sandboxes: Started<SandboxesInfo>,
  opts: { runs: number; count: number; latencyMs: number; concurrency: number },
) {
  const { info } = sandboxes;
  const codes = makeCodes(opts.count);
  const body = JSON.stringify({ query: MUTATION, variables: { input: { codes } } });

  const validationMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    validateCardCodes(codes);
    validationMs.push(performance.now() - started);
  }

  const gateway = await startNode<{ url: string }>(
    'src/main.ts',
    [],
    gatewayEnv(info, {
      UPSTREAM_BATCH_CONCURRENCY: String(opts.concurrency),
      UPSTREAM_TIMEOUT_MS: '30000',
    }),
  );
  try {
    await graphql(gateway.info.url, MUTATION, { input: { codes: makeCodes(1, 10_000_000) } }); // token + warm-up
    const walls: number[] = [];
    const gatewayCpu: number[] = [];
    const sandboxCpu: number[] = [];
    const firstUpstream: number[] = [];
    const requests: number[] = [];
    let failedRuns = 0;
    for (let run = 0; run < opts.runs; run++) {
      await resetSandboxes(info);
      const cpuBefore = { gateway: gateway.cpuMs(), sandboxes: sandboxes.cpuMs() };
      const sentAt = Date.now();
      const started = performance.now();
      const res = await fetch(gateway.info.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const result = (await res.json()) as {
        data?: { setCardActivationCodes?: { acceptedCount: number } };
      };
      walls.push(performance.now() - started);
      gatewayCpu.push(gateway.cpuMs() - cpuBefore.gateway);
      sandboxCpu.push(sandboxes.cpuMs() - cpuBefore.sandboxes);
      const stats = (await sandboxStats(info)).blackhawk!;
      firstUpstream.push((stats.firstAt ?? NaN) - sentAt);
      requests.push(stats.received);
      if (result.data?.setCardActivationCodes?.acceptedCount !== opts.count) failedRuns += 1;
    }
    const batches = Math.ceil(opts.count / BATCH);
    const idealMs = Math.ceil(batches / opts.concurrency) * opts.latencyMs;
    const wallMs = median(walls);
    const peakRssMb = gateway.peakRssMb();
    const validationMedian = median(validationMs);
    return {
      latencyMs: opts.latencyMs,
      codes: opts.count,
      requestBodyMb: round(Buffer.byteLength(body) / 1024 / 1024, 1),
      upstreamRequests: median(requests),
      wallMs: round(wallMs, 0),
      idealMs,
      wallVsIdeal: round(wallMs / idealMs, 2),
      msBeforeFirstUpstreamRequest: round(median(firstUpstream), 0),
      gatewayCpuMs: round(median(gatewayCpu), 0),
      sandboxesCpuMs: round(median(sandboxCpu), 0),
      validationOnlyMs: round(validationMedian, 1),
      gatewayPeakRssMb: peakRssMb,
      failedRuns,
      targetsMet: {
        wallAtMost125xIdeal: wallMs / idealMs <= 1.25,
        firstBatchWithin300ms: median(firstUpstream) <= 300,
        peakRssAtMost250Mb: peakRssMb <= 250,
        validationUnder1s: validationMedian < 1000,
      },
    };
  } finally {
    await gateway.stop();
  }
}
