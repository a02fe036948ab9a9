/**
 * The gateway as a real process: `node --import tsx src/main.ts` as `npm start` runs it, or another
 * entry (the build's `dist/main.js`) in another folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const ENTRY = ['--import', 'tsx', 'src/main.ts'];
const children: ChildProcess[] = [];

export interface GatewayProcess {
  child: ChildProcess;
  out(): string;
  err(): string;
  /** The GraphQL URL from the start-up banner, once it has been printed. */
  url(timeoutMs?: number): Promise<string>;
}

/** Metrics are off unless `env` sets METRICS_PORT: processes running at once would share 9464. */
export function startProcess(
  env: Record<string, string>,
  opts: { entry?: string[]; cwd?: string } = {},
): GatewayProcess {
  const child = spawn(process.execPath, opts.entry ?? ENTRY, {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '', METRICS_PORT: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return {
    child,
    out: () => stdout,
    err: () => stderr,
    url: (timeoutMs = 15_000) => bannerUrl(child, () => stderr, timeoutMs),
  };
}

/** Waits for the "Switchyard GraphQL endpoint: <url>" banner line on a process's stderr. */
export function bannerUrl(child: ChildProcess, stderr: () => string, timeoutMs = 15_000) {
  return new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /Switchyard GraphQL endpoint: (\S+)/.exec(stderr());
      if (!match?.[1]) return false;
      clearTimeout(timer);
      child.stderr!.off('data', check);
      child.off('exit', exited);
      resolve(match[1]);
      return true;
    };
    const exited = () => {
      clearTimeout(timer);
      reject(new Error(`exited before the start-up line:\n${stderr()}`));
    };
    const timer = setTimeout(() => {
      child.stderr!.off('data', check);
      reject(new Error(`no start-up line:\n${stderr()}`));
    }, timeoutMs);
    child.once('exit', exited);
    child.stderr!.on('data', check);
    check();
  });
}

/** Kills every process started by startProcess that still runs. */
export function killProcesses() {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
}
