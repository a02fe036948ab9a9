/** The observability variables: METRICS_PORT, SHUTDOWN_DELAY_MS and the standard OTEL_* ones. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { tracesUrl } from '../../src/observe/tracing.js';
import { PROVIDERS } from '../../src/providers/registry.js';

const load = (env: Record<string, string>) => loadConfig(env, PROVIDERS);

describe('observability configuration', () => {
  it('defaults: metrics on 9464, no shutdown delay, tracing off, http/protobuf, switchyard', () => {
    const config = load({});
    expect(config.METRICS_PORT).toBe(9464);
    expect(config.SHUTDOWN_DELAY_MS).toBe(0);
    expect(config.OTEL_EXPORTER_OTLP_PROTOCOL).toBe('http/protobuf');
    expect(config.OTEL_SERVICE_NAME).toBe('switchyard');
    expect(config.OTEL_SDK_DISABLED).toBe(false);
    expect(config.OTEL_BSP_SCHEDULE_DELAY).toBe(5_000);
    expect(tracesUrl(config)).toBeUndefined();
  });

  it.each([
    ['0', null],
    ['off', null],
    ['OFF', null],
    ['9100', 9100],
  ])('METRICS_PORT=%s is %s', (value, port) => {
    expect(load({ METRICS_PORT: value }).METRICS_PORT).toBe(port);
  });

  it.each([['-1'], ['65536'], ['metrics'], ['1.5']])(
    'refuses METRICS_PORT=%s, naming it',
    (value) => {
      expect(() => load({ METRICS_PORT: value })).toThrow(/METRICS_PORT must be a port/);
    },
  );

  it('refuses grpc and a collector URL that is not http(s)', () => {
    let error: unknown;
    try {
      load({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf/);
    expect((error as Error).message).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT must be an http/);
  });

  it('derives the traces URL: /v1/traces under the base, the signal variable as is, none when disabled', () => {
    expect(tracesUrl(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' }))).toBe(
      'http://c:4318/v1/traces',
    );
    expect(
      tracesUrl(
        load({
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://t.example/otlp/traces',
        }),
      ),
    ).toBe('https://t.example/otlp/traces');
    expect(
      tracesUrl(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })),
    ).toBeUndefined();
  });
});
