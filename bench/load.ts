/**
 * The load generator, run in its own process: a closed loop of N connections (undici Pool), each
 * sending the next request as soon as the previous answer arrives, for a fixed time. Latency is
 * timed per request with a monotonic clock in microseconds (autocannon's histogram rounds to whole
 * milliseconds, too coarse for a 1 ms budget).
 * Usage: tsx bench/load.ts '<json options>'  ->  prints one JSON line with rps and latency (ms).
 */
import { Pool } from 'undici';
import { percentile } from './lib/stats.js';

interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const url = new URL(options.url);
const pool = new Pool(url.origin, { connections: options.connections, pipelining: 1 });
const path = url.pathname + url.search;
const latencies: number[] = [];
let errors = 0;
let non2xx = 0;

const started = performance.now();
const until = started + options.durationS * 1000;
await Promise.all(
  Array.from({ length: options.connections }, async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        const res = await pool.request({
          path,
          method: options.method,
          headers: options.headers,
          body: options.body,
        });
        await res.body.dump();
        if (res.statusCode < 200 || res.statusCode >= 300) non2xx += 1;
        else latencies.push(performance.now() - t0);
      } catch {
        errors += 1;
      }
    }
  }),
);
const elapsedS = (performance.now() - started) / 1000;
await pool.close();
latencies.sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({
    rps: latencies.length / elapsedS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    total: latencies.length,
    errors,
    non2xx,
  }) + '\n',
);
