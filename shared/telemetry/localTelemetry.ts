import { context, metrics, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  type ExportResult,
  ExportResultCode,
  hrTimeToMilliseconds,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

import { resetInstruments } from './instruments';
import { TRACER_NAME } from './spans';

/** How many finished spans the local host keeps for `GET /sim/telemetry`. */
const KEPT_SPANS = 5000;

export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly status: 'unset' | 'ok' | 'error';
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface MetricRecord {
  readonly name: string;
  readonly unit: string;
  readonly points: readonly {
    readonly attributes: Readonly<Record<string, unknown>>;
    readonly value: unknown;
  }[];
}

/** The spans the local host finished, newest last, at most KEPT_SPANS. */
class RecentSpans implements SpanExporter {
  readonly spans: ReadableSpan[] = [];

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.spans.push(...spans);
    if (this.spans.length > KEPT_SPANS) this.spans.splice(0, this.spans.length - KEPT_SPANS);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** Reads the instruments when asked (`GET /sim/telemetry`), never on a timer: the host's clock may be simulated. */
class OnDemandReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

export interface LocalTelemetry {
  /** Finished spans, optionally of one trace, oldest first. */
  spans(traceId?: string): SpanRecord[];
  metrics(): Promise<MetricRecord[]>;
  /** Where spans go besides memory: `console`, an OTLP endpoint. */
  readonly exporters: readonly string[];
}

let installed: LocalTelemetry | undefined;

/**
 * OpenTelemetry for the local host, installed once per process: W3C propagation, async context,
 * a tracer provider that keeps recent spans in memory (shown at `GET /sim/telemetry`) and, on
 * request, prints them (`STAMPS_TELEMETRY=console`) or sends them to an OTLP/HTTP collector
 * (`OTEL_EXPORTER_OTLP_ENDPOINT`, the standard variable); a meter provider read on demand. On
 * Azure, azureMonitor.ts installs Azure Monitor's distribution instead.
 */
export async function installLocalTelemetry(
  env: Readonly<Record<string, string | undefined>>,
): Promise<LocalTelemetry> {
  if (installed !== undefined) return installed;
  const recent = new RecentSpans();
  const processors: SpanProcessor[] = [new SimpleSpanProcessor(recent)];
  const exporters: string[] = [];
  if (env['STAMPS_TELEMETRY'] === 'console') {
    processors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
    exporters.push('console');
  }
  const otlp = env['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  if (otlp !== undefined && otlp.length > 0) {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
    exporters.push(`otlp ${otlp}`);
  }
  const resource = resourceFromAttributes({ 'service.name': env['OTEL_SERVICE_NAME'] ?? TRACER_NAME });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ resource, spanProcessors: processors }));
  const reader = new OnDemandReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ resource, readers: [reader] }));
  resetInstruments();
  installed = {
    exporters,
    spans: (traceId) =>
      recent.spans.filter((s) => traceId === undefined || s.spanContext().traceId === traceId).map(toRecord),
    metrics: async () => {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.flatMap((scope) =>
        scope.metrics.map((m) => ({
          name: m.descriptor.name,
          unit: m.descriptor.unit,
          points: m.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value })),
        })),
      );
    },
  };
  return installed;
}

/** The telemetry installed in this process, if the local host installed it. */
export function localTelemetry(): LocalTelemetry | undefined {
  return installed;
}

function toRecord(span: ReadableSpan): SpanRecord {
  const parent = span.parentSpanContext?.spanId;
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    ...(parent === undefined ? {} : { parentSpanId: parent }),
    name: span.name,
    kind: SpanKind[span.kind],
    startedAt: new Date(hrTimeToMilliseconds(span.startTime)).toISOString(),
    durationMs: Math.round(hrTimeToMilliseconds(span.duration) * 1000) / 1000,
    status:
      span.status.code === SpanStatusCode.ERROR
        ? 'error'
        : span.status.code === SpanStatusCode.OK
          ? 'ok'
          : 'unset',
    attributes: { ...span.attributes },
  };
}
