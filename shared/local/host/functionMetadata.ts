import type { InvocationContext } from '@azure/functions';

import { InvalidFunctionMetadataError } from './errors';

/** One binding of a function, as `@azure/functions` hands it to the host (`toCoreFunctionMetadata`). */
export interface BindingMetadata {
  readonly name: string;
  readonly type: string;
  readonly direction: 'in' | 'out';
  readonly [option: string]: unknown;
}

/** What `registerFunction(metadata, handler)` receives: the function's name and its bindings by name. */
export interface FunctionMetadata {
  readonly name: string;
  readonly bindings: Readonly<Record<string, BindingMetadata>>;
  readonly retryOptions?: unknown;
}

/** The handler exactly as the Node worker would call it: trigger input first, then the context. */
export type FunctionHandler = (triggerInput: unknown, context: InvocationContext) => unknown;

/** The trigger families the control plane uses; anything else is `other`. */
export type FunctionKind =
  'http' | 'timer' | 'serviceBus' | 'eventGrid' | 'orchestration' | 'activity' | 'entity' | 'other';

const KIND_BY_TRIGGER_TYPE: Readonly<Record<string, FunctionKind>> = {
  httptrigger: 'http',
  timertrigger: 'timer',
  servicebustrigger: 'serviceBus',
  eventgridtrigger: 'eventGrid',
  orchestrationtrigger: 'orchestration',
  activitytrigger: 'activity',
  entitytrigger: 'entity',
};

export function isTriggerType(type: string): boolean {
  return /trigger$/i.test(type);
}

export function functionKindOf(triggerType: string): FunctionKind {
  return KIND_BY_TRIGGER_TYPE[triggerType.toLowerCase()] ?? 'other';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the metadata the library passed as `unknown`, naming the function on any defect. */
export function parseFunctionMetadata(raw: unknown): FunctionMetadata {
  if (!isRecord(raw)) throw new InvalidFunctionMetadataError(undefined, 'metadata is not an object');
  const name = raw['name'];
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidFunctionMetadataError(undefined, 'metadata has no name');
  }
  const rawBindings = raw['bindings'];
  if (!isRecord(rawBindings)) throw new InvalidFunctionMetadataError(name, 'bindings is not an object');
  const bindings: Record<string, BindingMetadata> = {};
  for (const [bindingName, value] of Object.entries(rawBindings)) {
    if (!isRecord(value))
      throw new InvalidFunctionMetadataError(name, `binding '${bindingName}' is not an object`);
    const type = value['type'];
    const direction = value['direction'];
    if (typeof type !== 'string')
      throw new InvalidFunctionMetadataError(name, `binding '${bindingName}' has no type`);
    if (direction !== 'in' && direction !== 'out') {
      throw new InvalidFunctionMetadataError(
        name,
        `binding '${bindingName}' has direction ${String(direction)}`,
      );
    }
    bindings[bindingName] = { ...value, name: bindingName, type, direction };
  }
  const triggers = Object.values(bindings).filter((b) => isTriggerType(b.type));
  if (triggers.length !== 1) {
    throw new InvalidFunctionMetadataError(
      name,
      `expected exactly one trigger binding, found ${triggers.length}`,
    );
  }
  return { name, bindings, retryOptions: raw['retryOptions'] };
}
