import type { RegisteredFunction } from '../host/functionRegistry';
import type { HostLog } from '../host/hostLog';
import type { InvokeOptions } from '../host/invokeFunction';
import type { LocalServiceBus } from './localServiceBus';
import type { ReceivedMessage } from './messages';

/** Calls a registered function as the worker would (the host passes `runtime.invoke`). */
export type TriggerInvoker = (
  fn: RegisteredFunction,
  input: unknown,
  options: InvokeOptions,
) => Promise<unknown>;

/** The trigger options of an `app.serviceBusQueue` function that the local queue honours. */
export interface ServiceBusTriggerOptions {
  readonly queueName: string;
  readonly isSessionsEnabled: boolean;
  readonly cardinality: 'one' | 'many';
}

/** Reads a Service Bus trigger's options; `undefined` for a topic trigger (not served locally). */
export function serviceBusTriggerOptions(fn: RegisteredFunction): ServiceBusTriggerOptions | undefined {
  const queueName = fn.trigger['queueName'];
  if (typeof queueName !== 'string' || queueName.length === 0) return undefined;
  return {
    queueName,
    isSessionsEnabled: fn.trigger['isSessionsEnabled'] === true,
    cardinality: fn.trigger['cardinality'] === 'many' ? 'many' : 'one',
  };
}

/**
 * The trigger input and metadata the worker would give: the parsed body, or for
 * `cardinality: 'many'` a batch of one with the metadata in `*Array` form.
 */
export function triggerInputOf(
  received: ReceivedMessage,
  cardinality: 'one' | 'many',
): { input: unknown; triggerMetadata: Record<string, unknown> } {
  if (cardinality === 'one')
    return { input: received.body, triggerMetadata: { ...received.triggerMetadata } };
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(received.triggerMetadata)) metadata[`${key}Array`] = [value];
  return { input: [received.body], triggerMetadata: metadata };
}

/**
 * Subscribes every `app.serviceBusQueue` function to its queue on the local bus. A handler that
 * resolves completes the message; one that throws abandons it (Functions' autoComplete).
 * Returns a function that unsubscribes them all.
 */
export function bindServiceBusFunctions(
  bus: LocalServiceBus,
  functions: readonly RegisteredFunction[],
  invoke: TriggerInvoker,
  log: HostLog,
): () => void {
  const unsubscribers: (() => void)[] = [];
  for (const fn of functions) {
    const options = serviceBusTriggerOptions(fn);
    if (options === undefined) {
      log('warn', `servicebus: ${fn.name} is a topic trigger; topics are not served by the local host`);
      continue;
    }
    const unsubscribe = bus.subscribe(
      options.queueName,
      async (received) => {
        const { input, triggerMetadata } = triggerInputOf(received, options.cardinality);
        await invoke(fn, input, { triggerMetadata });
      },
      { sessions: options.isSessionsEnabled },
    );
    unsubscribers.push(unsubscribe);
    log('info', `servicebus: ${fn.name} receives from queue '${options.queueName}'`);
  }
  return () => unsubscribers.forEach((u) => u());
}
