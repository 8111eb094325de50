import { useOpenTelemetry } from '@graphql-hive/plugin-opentelemetry';
import { openTelemetrySetup } from '@graphql-hive/plugin-opentelemetry/setup';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';

/** OpenTelemetry tracing of the gateway, off unless configured (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). */
export interface TracingOptions {
  /** OTLP/HTTP traces endpoint, e.g. `http://collector:4318/v1/traces`. */
  readonly endpoint: string;
  /** Default `antq-gateway`. */
  readonly serviceName?: string;
  /** Share of traces recorded, 0 to 1 (default 1). */
  readonly samplingRate?: number;
  /** Export each span at once instead of in batches (tests). */
  readonly batching?: boolean;
}

let configured: string | undefined;

/**
 * Hive's OpenTelemetry plugin: spans for each HTTP request, the GraphQL operation and every
 * subgraph call, exported over OTLP/HTTP. The OpenTelemetry API is process-wide, so the first
 * gateway of a process sets up the exporter; later ones reuse it.
 */
export function useTracing(options: TracingOptions): GatewayPlugin {
  if (configured === undefined) {
    openTelemetrySetup({
      contextManager: new AsyncLocalStorageContextManager(),
      resource: { serviceName: options.serviceName ?? 'antq-gateway' },
      samplingRate: options.samplingRate ?? 1,
      traces: { exporter: new OTLPTraceExporter({ url: options.endpoint }), batching: options.batching ?? true },
    });
    configured = options.endpoint;
  } else if (configured !== options.endpoint) {
    console.warn(`tracing: this process already exports traces to ${configured}; ${options.endpoint} is ignored.`);
  }
  return useOpenTelemetry({ traces: true }) as unknown as GatewayPlugin;
}
