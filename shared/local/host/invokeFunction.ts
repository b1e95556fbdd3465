import { randomUUID } from 'node:crypto';

import {
  type EffectiveFunctionOptions,
  type FunctionInput,
  type FunctionOutput,
  InvocationContext,
  type LogHandler,
  type RetryContext,
  type TriggerMetadata,
} from '@azure/functions';

import type { BindingMetadata } from './functionMetadata';
import { isTriggerType } from './functionMetadata';
import type { RegisteredFunction } from './functionRegistry';

/** The `$return` binding key of `@azure/functions`. */
const RETURN_BINDING = '$return';

export interface InvokeOptions {
  readonly invocationId?: string;
  /**
   * Values for extra input bindings, keyed by binding type (for example `durableClient`):
   * every extra input of that type receives the value, as the worker would fill it.
   */
  readonly inputsByType?: Readonly<Record<string, unknown>>;
  /** Values for extra input bindings keyed by binding name; wins over `inputsByType`. */
  readonly inputsByName?: Readonly<Record<string, unknown>>;
  readonly triggerMetadata?: TriggerMetadata;
  readonly retryContext?: RetryContext;
  readonly logHandler?: LogHandler;
}

/** The options object a worker-built context carries (`fromRpcBindings`): trigger, return, extras. */
export function effectiveOptionsOf(fn: RegisteredFunction): EffectiveFunctionOptions {
  let trigger: BindingMetadata | undefined;
  let returnBinding: FunctionOutput | undefined;
  const extraInputs: FunctionInput[] = [];
  const extraOutputs: FunctionOutput[] = [];
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    const named = { ...binding, name };
    if (isTriggerType(binding.type)) trigger = named;
    else if (name === RETURN_BINDING) returnBinding = named;
    else if (binding.direction === 'in') extraInputs.push(named);
    else extraOutputs.push(named);
  }
  return { trigger: trigger ?? fn.trigger, return: returnBinding, extraInputs, extraOutputs };
}

/**
 * A fresh `InvocationContext` for `fn`, with its extra input bindings filled from `options`,
 * exactly where `df.getClient(context)` and `context.extraInputs.get(...)` look for them.
 */
export function createInvocationContext(
  fn: RegisteredFunction,
  options: InvokeOptions = {},
): InvocationContext {
  const effective = effectiveOptionsOf(fn);
  const context = new InvocationContext({
    invocationId: options.invocationId ?? randomUUID(),
    functionName: fn.name,
    logHandler: options.logHandler ?? (() => undefined),
    options: effective,
    triggerMetadata: options.triggerMetadata,
    retryContext: options.retryContext,
  });
  for (const input of effective.extraInputs) {
    const byName = options.inputsByName;
    if (byName !== undefined && Object.hasOwn(byName, input.name)) {
      context.extraInputs.set(input.name, byName[input.name]);
      continue;
    }
    const byType = options.inputsByType;
    if (byType !== undefined && Object.hasOwn(byType, input.type)) {
      context.extraInputs.set(input.name, byType[input.type]);
    }
  }
  return context;
}

/** The handler's result and the context it ran with (for its extra outputs). */
export interface InvocationResult {
  readonly result: unknown;
  readonly context: InvocationContext;
}

/**
 * Calls the registered handler as the Node worker would: `handler(triggerInput, context)` with
 * a fresh context whose extra inputs are bound. Whatever the handler throws is rethrown.
 *
 * @example
 * const { result } = await invokeFunction(registry.get('startStamp', 'http'), request, {
 *   inputsByType: { durableClient: runtime.clientBindingData() },
 * });
 */
export async function invokeFunction(
  fn: RegisteredFunction,
  triggerInput: unknown,
  options: InvokeOptions = {},
): Promise<InvocationResult> {
  const context = createInvocationContext(fn, options);
  const result: unknown = await fn.handler(triggerInput, context);
  return { result, context };
}
