import { FunctionAlreadyRegisteredError, FunctionNotFoundError } from './errors';
import {
  type BindingMetadata,
  type FunctionHandler,
  type FunctionKind,
  functionKindOf,
  type FunctionMetadata,
  isTriggerType,
} from './functionMetadata';

/** One function as the host knows it: metadata, trigger and the handler the worker would call. */
export interface RegisteredFunction {
  readonly name: string;
  readonly kind: FunctionKind;
  readonly metadata: FunctionMetadata;
  readonly trigger: BindingMetadata;
  readonly handler: FunctionHandler;
}

/** A hook registered through `app.hook.*` (appStart, preInvocation, ...): kept, not run by this core. */
export interface RegisteredHook {
  readonly hookName: string;
  readonly callback: unknown;
}

/**
 * Every function registered with `@azure/functions` / `durable-functions` in this process, in
 * registration order. The local host and the local durable runtime look functions up here.
 */
export class FunctionRegistry {
  private readonly functions = new Map<string, RegisteredFunction>();
  private readonly hookList: RegisteredHook[] = [];

  register(metadata: FunctionMetadata, handler: FunctionHandler): RegisteredFunction {
    const key = metadata.name.toLowerCase();
    if (this.functions.has(key)) throw new FunctionAlreadyRegisteredError(metadata.name);
    const trigger = Object.values(metadata.bindings).find((b) => isTriggerType(b.type));
    if (trigger === undefined) throw new FunctionNotFoundError(metadata.name, 'trigger');
    const registered: RegisteredFunction = {
      name: metadata.name,
      kind: functionKindOf(trigger.type),
      metadata,
      trigger,
      handler,
    };
    this.functions.set(key, registered);
    return registered;
  }

  unregister(name: string): boolean {
    return this.functions.delete(name.toLowerCase());
  }

  /** Looks a function up by name; the Functions host matches names case-insensitively. */
  find(name: string): RegisteredFunction | undefined {
    return this.functions.get(name.toLowerCase());
  }

  /** Like {@link find}, but throws {@link FunctionNotFoundError} unless the function has `kind`. */
  get(name: string, kind?: FunctionKind): RegisteredFunction {
    const found = this.find(name);
    if (found === undefined || (kind !== undefined && found.kind !== kind)) {
      throw new FunctionNotFoundError(name, kind);
    }
    return found;
  }

  list(kind?: FunctionKind): RegisteredFunction[] {
    const all = [...this.functions.values()];
    return kind === undefined ? all : all.filter((f) => f.kind === kind);
  }

  addHook(hook: RegisteredHook): () => void {
    this.hookList.push(hook);
    return () => {
      const index = this.hookList.indexOf(hook);
      if (index >= 0) this.hookList.splice(index, 1);
    };
  }

  hooks(): readonly RegisteredHook[] {
    return [...this.hookList];
  }
}
