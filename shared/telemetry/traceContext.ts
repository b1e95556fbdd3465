import { type Context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { z } from 'zod';

import type { TraceRef } from '../ports/stampStore';

/**
 * A W3C trace context `traceparent` (version 00: trace id, parent span id, flags), the form the
 * CloudEvents distributed-tracing extension and HTTP headers carry
 * (https://www.w3.org/TR/trace-context/#traceparent-header,
 * https://github.com/cloudevents/spec/blob/main/cloudevents/extensions/distributed-tracing.md).
 */
export const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Where a piece of work was asked for: the trace to continue and when it was asked. */
export const traceRefSchema = z.object({
  traceparent: z.string().regex(TRACEPARENT),
  at: z.iso.datetime({ offset: true }),
});
export type { TraceRef };

/**
 * Work started more than this after its cause joins a trace of its own: a trace that spans a
 * stamp's whole life (days of timers) would be unreadable. The correlation window, the isolation
 * grace and a drain all fit within it.
 */
export const TRACE_CONTINUES_MINUTES = 30;

export function isFresh(ref: TraceRef | undefined, now: Date): ref is TraceRef {
  if (ref === undefined) return false;
  const age = now.getTime() - Date.parse(ref.at);
  return age >= 0 && age <= TRACE_CONTINUES_MINUTES * 60_000;
}

/** The active span's `traceparent`, when a span is recording (no SDK: none). */
export function currentTraceparent(): string | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined || !span.isRecording()) return undefined;
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

/**
 * The context a `traceparent` continues; a new trace when there is none (or it is malformed).
 * Never the active context: work the local host runs for a trigger (a durable activity woken by
 * a signal) must not inherit the trigger's span by accident, where on Azure it could not.
 */
export function contextOf(traceparent: string | null | undefined): Context {
  if (traceparent === undefined || traceparent === null || !TRACEPARENT.test(traceparent))
    return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** Reads `trace` from an untyped activity input: activity schemas strip what they do not name. */
export function traceOfInput(input: unknown): TraceRef | undefined {
  if (typeof input !== 'object' || input === null || !('trace' in input)) return undefined;
  const parsed = traceRefSchema.safeParse(input.trace);
  return parsed.success ? parsed.data : undefined;
}

/** The active trace as a reference to keep with queued work; none while nothing records. */
export function traceHere(at: string): TraceRef | undefined {
  const traceparent = currentTraceparent();
  return traceparent === undefined ? undefined : { traceparent, at };
}
