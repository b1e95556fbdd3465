import type { InvocationContext } from '@azure/functions';

import { inSpan, SpanKind } from './spans';
import { contextOf } from './traceContext';

/**
 * A trigger that is neither HTTP nor a stamp signal (a Service Bus message, a timer) as a span of
 * its own: CONSUMER for a message, INTERNAL for a timer, continuing the Functions host's trace of
 * the invocation when it gives one, else a new trace, never whatever span happened to be active.
 */
export function tracedTrigger<I>(
  kind: 'message' | 'timer',
  handler: (input: I, context: InvocationContext) => Promise<void>,
): (input: I, context: InvocationContext) => Promise<void> {
  return (input, context) =>
    inSpan(
      `${kind === 'message' ? 'process' : 'run'} ${context.functionName}`,
      {
        kind: kind === 'message' ? SpanKind.CONSUMER : SpanKind.INTERNAL,
        parent: contextOf(context.traceContext?.traceParent),
      },
      () => handler(input, context),
    );
}
