import { InvalidFunctionMetadataError } from './errors';
import { type FunctionHandler, parseFunctionMetadata } from './functionMetadata';
import type { FunctionRegistry } from './functionRegistry';

/** What the Node worker's `Disposable` offers; `@azure/functions` only ever calls `dispose`. */
export class Disposable {
  private callback: (() => void) | undefined;

  constructor(callback: () => void) {
    this.callback = callback;
  }

  static from(...inputs: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => inputs.forEach((d) => d.dispose()));
  }

  dispose(): void {
    const callback = this.callback;
    this.callback = undefined;
    callback?.();
  }
}

export type CoreLogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';

/** Receives the library's system logs (`workerSystemLog`). */
export type CoreLogSink = (level: string, category: string, message: string) => void;

/**
 * The surface of the `@azure/functions-core` module that the Node worker injects and that
 * `@azure/functions` 4.x calls: `setProgrammingModel`, `registerFunction`, `registerHook`, `log`.
 */
export interface FunctionsCoreApi {
  readonly Disposable: typeof Disposable;
  readonly version: string;
  setProgrammingModel(model: unknown): void;
  getProgrammingModel(): unknown;
  registerFunction(metadata: unknown, handler: unknown): Disposable;
  registerHook(hookName: string, callback: unknown): Disposable;
  log(level: string, category: string, message: string): void;
}

/** Builds a core API object that records every registration in `registry`. */
export function createFunctionsCore(registry: FunctionRegistry, logSink?: CoreLogSink): FunctionsCoreApi {
  let programmingModel: unknown;
  return {
    Disposable,
    version: 'synaxis-local-host',
    setProgrammingModel(model: unknown): void {
      programmingModel = model;
    },
    getProgrammingModel(): unknown {
      return programmingModel;
    },
    registerFunction(rawMetadata: unknown, handler: unknown): Disposable {
      const metadata = parseFunctionMetadata(rawMetadata);
      if (typeof handler !== 'function') {
        throw new InvalidFunctionMetadataError(metadata.name, 'handler is not a function');
      }
      registry.register(metadata, handler as FunctionHandler);
      return new Disposable(() => registry.unregister(metadata.name));
    },
    registerHook(hookName: string, callback: unknown): Disposable {
      return new Disposable(registry.addHook({ hookName, callback }));
    },
    log(level: string, category: string, message: string): void {
      logSink?.(level, category, message);
    },
  };
}
