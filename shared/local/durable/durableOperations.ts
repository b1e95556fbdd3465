import type { InstanceFilter, InstanceStatus, StatusOptions } from './instanceStatus';

export interface StartOptions {
  readonly instanceId?: string;
  readonly input?: unknown;
}

/** The client operations of the Durable HTTP API, as the runtime implements them. */
export interface DurableOperations {
  startNew(orchestratorName: string, options?: StartOptions): Promise<string>;
  getStatus(instanceId: string, options?: StatusOptions): Promise<InstanceStatus | undefined>;
  listInstances(filter?: InstanceFilter): Promise<InstanceStatus[]>;
  raiseEvent(instanceId: string, eventName: string, data?: unknown): Promise<void>;
  terminate(instanceId: string, reason: string): Promise<void>;
  purge(instanceId: string): Promise<boolean>;
  purgeBy(filter: InstanceFilter): Promise<number>;
}
