/**
 * Traces over real HTTP: an OTLP collector on loopback (http/json) receives the operation span,
 * the provider spans as its children and the token fetch; the sandbox receives the traceparent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  /** OTLP status: code 2 is ERROR. */
  status?: { code?: number };
}

/** A minimal OTLP/HTTP JSON trace collector: keeps every POST /v1/traces body. */
async function startCollector() {
  const bodies: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces') bodies.push(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const spans = (): OtlpSpan[] =>
    bodies.flatMap((body) =>
      (
        JSON.parse(body) as {
          resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
        }
      ).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
    );
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bodies,
    spans,
    /** Waits until `predicate` holds over the spans received. */
    async until(predicate: (spans: OtlpSpan[]) => boolean, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      while (!predicate(spans())) {
        if (Date.now() > end) throw new Error(`spans not received: ${JSON.stringify(spans())}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return spans();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const attr = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value && Object.values(value)[0];
};
const SERVER = 2;
const CLIENT = 3;

describe('tracing on (OTLP http/json)', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let gw: TestGateway;

  beforeAll(async () => {
    collector = await startCollector();
    gw = await startTestGateway({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'switchyard-test',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
  });
  afterAll(async () => {
    await gw?.close();
    await collector?.close();
  });

  it('continues an incoming traceparent: operation span, provider span as its child, the sandbox got the same trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const res = await gw.graphql(
      'query ReadCustomer { customer(id: "fusebill:12000750") { status } }',
      undefined,
      { traceparent: `00-${traceId}-${callerSpan}-01` },
    );
    expect(res.body.data.customer.status).toBe('ACTIVE');
    const spans = await collector.until((s) =>
      s.some((span) => span.traceId === traceId && span.kind === SERVER),
    );
    const operation = spans.find((s) => s.traceId === traceId && s.kind === SERVER)!;
    expect(operation.name).toBe('query ReadCustomer');
    expect(operation.parentSpanId).toBe(callerSpan);
    expect(attr(operation, 'graphql.operation.type')).toBe('query');
    const upstream = spans.filter((s) => s.traceId === traceId && s.kind === CLIENT);
    expect(upstream).toHaveLength(1);
    expect(upstream[0]!.parentSpanId).toBe(operation.spanId);
    expect(upstream[0]!.name).toBe('GET fusebill read');
    expect(attr(upstream[0]!, 'http.request.method')).toBe('GET');
    expect(attr(upstream[0]!, 'server.address')).toBe('127.0.0.1');
    expect(attr(upstream[0]!, 'url.path')).toBe('/v1/customers/12000750');
    expect(String(attr(upstream[0]!, 'http.response.status_code'))).toBe('200');
    // The provider received a traceparent naming that span.
    const received = gw.sandbox('fusebill').journal.at(-1)!;
    expect(received.headers.traceparent).toBe(`00-${traceId}-${upstream[0]!.spanId}-01`);
    // Log lines of the operation carry the trace id.
    const line = gw.logs.find(
      (l) => l.msg === 'graphql operation' && l.operationName === 'ReadCustomer',
    );
    expect(line?.traceId).toBe(traceId);
    // The service name is the resource's.
    expect(collector.bodies.join('')).toContain('switchyard-test');
  });

  it('starts a new trace without a traceparent, and a failed attempt is an error span', async () => {
    gw.sandbox('netxd').inject({ action: { kind: 'respond', response: { status: 500 } } });
    const res = await gw.graphql('{ customer(id: "netxd:100000000005001") { status } }');
    expect(res.body.errors?.[0]?.extensions?.code).toBe('PROVIDER_UNAVAILABLE');
    const spans = await collector.until((s) =>
      s.some((span) => span.kind === SERVER && span.name === 'query customer'),
    );
    const operation = spans.find((s) => s.kind === SERVER && s.name === 'query customer')!;
    expect(operation.parentSpanId ?? '').toBe('');
    expect(attr(operation, 'switchyard.outcome')).toBe('PROVIDER_UNAVAILABLE');
    const attempts = spans.filter((s) => s.parentSpanId === operation.spanId);
    // A read answered 500 is not retried (502/503/504 are): one attempt.
    expect(attempts).toHaveLength(1);
    expect(String(attr(attempts[0]!, 'http.response.status_code'))).toBe('500');
    expect(attempts[0]!.status?.code).toBe(2);
    expect(operation.status?.code).toBe(2);
    const sent = gw.sandbox('netxd').journal.at(-1)!;
    expect(sent.headers.traceparent).toMatch(new RegExp(`^00-${operation.traceId}-`));
  });

  it('exports token fetches as spans, and no activation code, token or key in any attribute', async () => {
    const codes = ['Zq7Wx91Kp', 'Mt3Ry55Ls'];
    const res = await gw.graphql(
      `mutation ($input: SetCardActivationCodesInput!) {
        setCardActivationCodes(input: $input) { acceptedCount }
      }`,
      {
        input: {
          codes: codes.map((activationCode, i) => ({
            programNumber: '95000000',
            proxyNumber: `603953040077700000${i}`,
            activationCode,
          })),
        },
      },
    );
    expect(res.body.data.setCardActivationCodes.acceptedCount).toBe(2);
    const spans = await collector.until((s) =>
      s.some((span) => span.kind === SERVER && span.name === 'mutation setCardActivationCodes'),
    );
    expect(spans.some((s) => s.name === 'POST blackhawk token')).toBe(true);
    expect(spans.some((s) => s.name === 'POST blackhawk cards')).toBe(true);
    await gw.close();
    const exported = collector.bodies.join('\n');
    for (const code of codes) expect(exported).not.toContain(code);
    const settings = gw.providers.started('blackhawk')?.sandbox?.settings as {
      clientSecret: string;
    };
    expect(exported).not.toContain(settings.clientSecret);
    const fusebillKey = (gw.providers.started('fusebill')?.sandbox?.settings as { apiKey: string })
      .apiKey;
    expect(exported).not.toContain(fusebillKey);
    expect(exported).not.toMatch(/Bearer /);
  });
});

describe('tracing off', () => {
  it.each([
    ['no endpoint is set', {}],
    [
      'OTEL_SDK_DISABLED=true',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SDK_DISABLED: 'true' },
    ],
  ])('sends no traceparent and adds no traceId when %s', async (_label, env) => {
    const gw = await startTestGateway(env);
    try {
      const res = await gw.graphql('{ customer(id: "fusebill:12000750") { status } }', undefined, {
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      });
      expect(res.status).toBe(200);
      expect(gw.sandbox('fusebill').journal.at(-1)!.headers.traceparent).toBeUndefined();
      expect(gw.logs.some((l) => 'traceId' in l)).toBe(false);
    } finally {
      await gw.close();
    }
  });
});
