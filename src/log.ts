/** Structured JSON logs, one line per event, with secrets redacted by key name. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Level methods are plain functions: safe to pass on their own (`const { warn } = log`). */
export interface Logger {
  debug: (msg: string, fields?: Record<string, unknown>) => void;
  info: (msg: string, fields?: Record<string, unknown>) => void;
  warn: (msg: string, fields?: Record<string, unknown>) => void;
  error: (msg: string, fields?: Record<string, unknown>) => void;
  /** A logger that adds these fields to every line. */
  child(bindings: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; stdout by default. Tests pass a collector. */
  write?: (line: string) => void;
}

// Any field whose name matches is replaced, however deep it sits.
const SECRET_KEY =
  /pass(word)?|secret|token|authorization|activation_?code|private_?key|credential|signature|api_?key|cookie/i;
const MAX_ARRAY_ITEMS = 20;

function serializeError(error: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (error.cause instanceof Error) out.cause = serializeError(error.cause);
  return out;
}

// One pass inside JSON.stringify: no copy of the record is built before it is written. A
// repeated object (a cycle, or the same object twice) is written once.
function replacerFor(): (key: string, value: unknown) => unknown {
  const seen = new WeakSet<object>();
  return (key, value) => {
    if (key !== '' && isSecretKey(key)) return '[redacted]';
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return serializeError(value);
    if (value !== null && typeof value === 'object') {
      if (seen.has(value)) return '[circular]';
      seen.add(value);
      if (Array.isArray(value) && value.length > MAX_ARRAY_ITEMS) {
        return (value as unknown[]).slice(0, MAX_ARRAY_ITEMS);
      }
    }
    return value;
  };
}

const secretKeys = new Map<string, boolean>();
function isSecretKey(key: string): boolean {
  let secret = secretKeys.get(key);
  if (secret === undefined) {
    secret = SECRET_KEY.test(key);
    // Field names come from code, so they are few; the bound only guards against a runaway caller.
    if (secretKeys.size < 10_000) secretKeys.set(key, secret);
  }
  return secret;
}

/**
 * True for a flat record (the per-operation line): no secret key, and no value that needs the
 * replacer. Those are written by JSON.stringify alone; the replacer (and its WeakSet, which costs
 * the garbage collector) is kept for records that nest objects, errors or arrays.
 */
function isFlat(record: object): boolean {
  for (const key in record) {
    const value = (record as Record<string, unknown>)[key];
    if ((value !== null && typeof value === 'object') || typeof value === 'bigint') return false;
    if (isSecretKey(key)) return false;
  }
  return true;
}

/** The JSON text of a log record, secrets redacted at any depth; throws only on exotic values. */
export function serializeRecord(record: unknown): string {
  if (record !== null && typeof record === 'object' && !Array.isArray(record) && isFlat(record)) {
    return JSON.stringify(record);
  }
  return JSON.stringify(record, replacerFor());
}

/** A copy of `value` as it would be logged (secrets redacted); for tests and diagnostics. */
export function redact(value: unknown): unknown {
  return JSON.parse(serializeRecord(value)) as unknown;
}

// Lines wait up to FLUSH_AFTER_MS and leave in one write (sooner past 64 KiB): a write to a pipe,
// what stdout is under a container runtime, is a synchronous system call, and one per line cost
// 6-8 % of single-read throughput at one connection (bench/compare.ts). What is pending is written
// when the process exits, an uncaught exception included; a process killed outright (SIGKILL, an
// out-of-memory abort) loses at most the last FLUSH_AFTER_MS of lines.
const FLUSH_BYTES = 64 * 1024;
const FLUSH_AFTER_MS = 10;
let pending: string[] = [];
let pendingBytes = 0;
let scheduled = false;
function flush(): void {
  scheduled = false;
  if (pending.length === 0) return;
  const text = pending.join('');
  pending = [];
  pendingBytes = 0;
  process.stdout.write(text);
}
process.on('exit', flush);
const stdout = (line: string) => {
  pending.push(line + '\n');
  pendingBytes += line.length + 1;
  if (pendingBytes >= FLUSH_BYTES) flush();
  else if (!scheduled) {
    scheduled = true;
    setTimeout(flush, FLUSH_AFTER_MS).unref();
  }
};

class JsonLogger implements Logger {
  private readonly min: number;

  constructor(
    private readonly options: LoggerOptions,
    private readonly bindings: Record<string, unknown>,
  ) {
    this.min = LEVELS[options.level ?? 'info'];
  }

  private emit(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (LEVELS[level] < this.min) return;
    const time = new Date().toISOString();
    // Bindings (the request id) and the core keys win over a field of the same name.
    const record = { time, level, msg, ...fields, ...this.bindings };
    record.time = time;
    record.level = level;
    record.msg = msg;
    let line: string;
    try {
      line = serializeRecord(record);
    } catch {
      line = serializeRecord({
        time,
        level,
        msg,
        ...this.bindings,
        logError: 'fields not serializable',
      });
    }
    (this.options.write ?? stdout)(line);
  }

  // Arrow properties: a method passed on its own (`const { warn } = log`) keeps its logger.
  readonly debug = (msg: string, fields?: Record<string, unknown>) =>
    this.emit('debug', msg, fields);
  readonly info = (msg: string, fields?: Record<string, unknown>) => this.emit('info', msg, fields);
  readonly warn = (msg: string, fields?: Record<string, unknown>) => this.emit('warn', msg, fields);
  readonly error = (msg: string, fields?: Record<string, unknown>) =>
    this.emit('error', msg, fields);

  child(bindings: Record<string, unknown>): Logger {
    return new JsonLogger(this.options, { ...this.bindings, ...bindings });
  }
}

export function createLogger(
  options: LoggerOptions = {},
  bindings: Record<string, unknown> = {},
): Logger {
  return new JsonLogger(options, bindings);
}
