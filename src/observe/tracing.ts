/**
 * OpenTelemetry traces, on when OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_ENDPOINT) is set and
 * OTEL_SDK_DISABLED is not: a SERVER span per GraphQL operation (continuing an incoming W3C
 * traceparent) and a CLIENT span per HTTP attempt to a provider, whose traceparent the provider
 * receives. The context travels explicitly (CallContext.trace), not through AsyncLocalStorage, and
 * nothing is registered globally: each gateway has its own tracer provider. Off, none of this is
 * loaded and no span is made.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { GatewayConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import type { ProviderId } from '../providers/ids.js';
import type { HttpRequest, UpstreamTracer } from '../transport/types.js';
import { upstreamCall } from './metrics.js';

export interface OperationTrace {
  span: Span;
  /** The context holding `span`: provider spans are made under it. */
  context: Context;
  traceId: string;
}

export interface Tracing {
  /** The SERVER span of one GraphQL request, under the caller's traceparent when it sent one. */
  startOperation(headers: IncomingHttpHeaders): OperationTrace;
  /** Names and ends an operation's span (`mutation ActivateCustomer`); never variables or data. */
  endOperation(
    trace: OperationTrace,
    type: string,
    name: string,
    outcome: string,
    clientId: string,
  ): void;
  /** The span maker of one provider's HTTP client. */
  upstream(provider: ProviderId, baseUrl: string): UpstreamTracer;
  /** Sends what is still buffered, then stops. */
  shutdown(): Promise<void>;
}

type TracingConfig = Pick<
  GatewayConfig,
  | 'OTEL_SDK_DISABLED'
  | 'OTEL_EXPORTER_OTLP_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_PROTOCOL'
  | 'OTEL_SERVICE_NAME'
  | 'OTEL_BSP_SCHEDULE_DELAY'
>;

/** The OTLP traces URL: the signal-specific variable as it is, else `/v1/traces` under the base. */
export function tracesUrl(config: TracingConfig): string | undefined {
  if (config.OTEL_SDK_DISABLED) return undefined;
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

const propagator = new W3CTraceContextPropagator();

/** Starts tracing as configured; undefined when it is off (the exporter is then never loaded). */
export async function createTracing(
  config: TracingConfig,
  log: Logger,
): Promise<Tracing | undefined> {
  const url = tracesUrl(config);
  if (!url) return undefined;
  const [{ TracerProvider, BatchSpanProcessor }, { resourceFromAttributes }, exporterModule] =
    await Promise.all([
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/resources'),
      config.OTEL_EXPORTER_OTLP_PROTOCOL === 'http/json'
        ? import('@opentelemetry/exporter-trace-otlp-http')
        : import('@opentelemetry/exporter-trace-otlp-proto'),
    ]);
  const exporter = new exporterModule.OTLPTraceExporter({ url });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.OTEL_SERVICE_NAME }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter, scheduledDelayMillis: config.OTEL_BSP_SCHEDULE_DELAY }),
    ],
  });
  const tracer: Tracer = provider.getTracer('switchyard');
  log.info('tracing on', {
    endpoint: url,
    protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL,
    serviceName: config.OTEL_SERVICE_NAME,
  });

  return {
    startOperation(headers) {
      const parent = headers.traceparent
        ? propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter)
        : ROOT_CONTEXT;
      const span = tracer.startSpan('graphql', { kind: SpanKind.SERVER }, parent);
      return {
        span,
        context: trace.setSpan(parent, span),
        traceId: span.spanContext().traceId,
      };
    },
    endOperation({ span }, type, name, outcome, clientId) {
      span.updateName(`${type} ${name}`);
      span.setAttributes({
        'graphql.operation.type': type,
        'graphql.operation.name': name,
        'switchyard.outcome': outcome,
        'switchyard.client.id': clientId,
      });
      if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      span.end();
    },
    upstream(providerId, baseUrl) {
      const origin = new URL(baseUrl);
      const port = Number(origin.port) || (origin.protocol === 'https:' ? 443 : 80);
      return {
        startAttempt(request: HttpRequest, headers: Record<string, string>) {
          const parent = request.scope?.trace ?? ROOT_CONTEXT;
          const call = upstreamCall(request.operation);
          // The path names a record at most (a customer id), never a secret; no query, no body.
          const attributes: Attributes = {
            'http.request.method': request.method,
            'server.address': origin.hostname,
            'server.port': port,
            'url.scheme': origin.protocol.slice(0, -1),
            'url.path': request.path,
            'switchyard.provider': providerId,
            'switchyard.upstream.call': call,
          };
          const span = tracer.startSpan(
            `${request.method} ${providerId} ${call}`,
            { kind: SpanKind.CLIENT, attributes },
            parent,
          );
          propagator.inject(trace.setSpan(parent, span), headers, defaultTextMapSetter);
          return {
            end(outcome) {
              if (typeof outcome === 'number') {
                span.setAttribute('http.response.status_code', outcome);
                if (outcome >= 500) {
                  span.setAttribute('error.type', String(outcome));
                  span.setStatus({ code: SpanStatusCode.ERROR });
                }
              } else {
                span.setAttribute('error.type', outcome);
                span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
              }
              span.end();
            },
          };
        },
      };
    },
    async shutdown() {
      try {
        await provider.shutdown();
      } catch (error) {
        log.warn('traces could not be sent at shutdown', { error });
      }
    },
  };
}
