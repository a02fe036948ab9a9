/**
 * HTTP as a hostile or broken client speaks it: bytes written to a raw socket, with no help from a
 * client library (which would refuse to send a lying Content-Length or stop halfway).
 */
import net from 'node:net';

export interface RawAnswer {
  /** The status code, or null when the server closed without answering. */
  status: number | null;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds from the first byte sent until the server closed the connection (or we gave up). */
  closedAfterMs: number;
  /** False when `timeoutMs` passed with the connection still open. */
  closed: boolean;
}

/**
 * Writes `chunks` to a fresh connection (each after the previous one is flushed) and collects
 * whatever comes back until the server closes the connection or `timeoutMs` passes.
 */
export function rawHttp(url: string, chunks: (string | Buffer)[], timeoutMs = 5_000) {
  const { hostname, port } = new URL(url);
  return new Promise<RawAnswer>((resolve) => {
    const socket = net.connect(Number(port), hostname);
    const received: Buffer[] = [];
    const started = performance.now();
    let closed = false;
    const finish = () => {
      clearTimeout(timer);
      const text = Buffer.concat(received).toString('latin1');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1];
      resolve({
        status: status ? Number(status) : null,
        headers: Object.fromEntries(
          headerLines.map((line) => {
            const at = line.indexOf(':');
            return [line.slice(0, at).toLowerCase(), line.slice(at + 1).trim()];
          }),
        ),
        body: rest.join('\r\n\r\n'),
        closedAfterMs: performance.now() - started,
        closed,
      });
      socket.destroy();
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      void (async () => {
        for (const chunk of chunks) {
          if (socket.destroyed) return;
          await new Promise<void>((done) => socket.write(chunk, () => done()));
        }
      })();
    });
  });
}
