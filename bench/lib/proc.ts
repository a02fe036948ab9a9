/** Child processes for benchmarks: each server and the load generator run in their own process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

export interface Started<Info> {
  child: ChildProcess;
  info: Info;
  /** Peak resident set size of the process so far, in MiB (VmHWM). */
  peakRssMb(): number;
  /** CPU time (user + system) the process has used so far, in ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/**
 * Runs a TypeScript entry point with tsx and waits for it to print one JSON line with `ready: true`
 * (servers) or any JSON line (one-shot tools).
 */
export async function startNode<Info>(
  entry: string,
  args: string[] = [],
  env: Record<string, string> = {},
  readyMs = 30_000,
): Promise<Started<Info>> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const info = await new Promise<Info>((resolve, reject) => {
    let buffer = '';
    let errors = '';
    const ready = (parsed: Info) => {
      clearTimeout(timer);
      // From here on stdout (the gateway's per-operation logs) is drained and dropped; stderr
      // goes on to ours, the gateway's start-up banner excepted.
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve(parsed);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not become ready in ${readyMs} ms`));
    }, readyMs);
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const parsed = JSON.parse(line) as Info & { ready?: boolean };
          if (parsed.ready) return ready(parsed);
        } catch {
          // a partial line: wait for more
        }
      }
    });
    // The gateway says where it listens on stderr, whatever its LOG_LEVEL.
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
      const url = /Switchyard GraphQL endpoint: (\S+)/.exec(errors)?.[1];
      if (url) {
        errors = '';
        ready({ url } as Info);
      } else if (!errors.includes('Switchyard') && errors.includes('\n')) {
        process.stderr.write(errors);
        errors = '';
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`${entry} exited with ${code} before it was ready`)),
    );
  });
  return {
    child,
    info,
    peakRssMb: () => peakRss(child.pid!),
    cpuMs: () => cpuTimeMs(child.pid!),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await once(child, 'exit');
      clearTimeout(timer);
    },
  };
}

/** User + system CPU time of a process, in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
export function cpuTimeMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/** Runs a one-shot script in its own process and returns the last JSON line it printed. */
export async function runNode<T>(entry: string, args: string[]): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${entry} exited with ${code}`);
  const last = out
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (!last) throw new Error(`${entry} printed no result`);
  return JSON.parse(last) as T;
}
