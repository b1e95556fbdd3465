import type { HistoryEvent } from './historyEvent';
import type { InstanceRecord, RuntimeStatus } from './instanceRecord';

/** What the Durable HTTP API's status endpoint returns for one instance. */
export interface InstanceStatus {
  readonly name: string;
  readonly instanceId: string;
  readonly runtimeStatus: RuntimeStatus;
  readonly input: unknown;
  readonly output: unknown;
  readonly customStatus: unknown;
  readonly createdTime: string;
  readonly lastUpdatedTime: string;
  /** The current execution's history, with `showHistory`. */
  readonly historyEvents?: readonly HistoryEvent[];
}

export interface StatusOptions {
  readonly showHistory?: boolean;
  readonly showHistoryOutput?: boolean;
  readonly showInput?: boolean;
}

/** A status filter, as the HTTP API's list and purge-by-filter endpoints take it. */
export interface InstanceFilter {
  readonly createdTimeFrom?: Date;
  readonly createdTimeTo?: Date;
  /** Status names; a name no instance here can have (ContinuedAsNew, Suspended...) matches nothing. */
  readonly runtimeStatus?: readonly string[];
}

export function toInstanceStatus(record: InstanceRecord, options: StatusOptions = {}): InstanceStatus {
  const history = options.showHistory
    ? record.execution.history.map((event) => {
        if (options.showHistoryOutput) return event;
        const { Result: _result, ...rest } = event;
        return rest;
      })
    : undefined;
  return {
    name: record.name,
    instanceId: record.instanceId,
    runtimeStatus: record.runtimeStatus,
    input: options.showInput === false ? null : (record.input ?? null),
    output: record.output ?? null,
    customStatus: record.customStatus ?? null,
    createdTime: record.createdTime,
    lastUpdatedTime: record.lastUpdatedTime,
    ...(history === undefined ? {} : { historyEvents: history }),
  };
}

export function matchesFilter(record: InstanceRecord, filter: InstanceFilter): boolean {
  const created = Date.parse(record.createdTime);
  if (filter.createdTimeFrom !== undefined && created < filter.createdTimeFrom.getTime()) return false;
  if (filter.createdTimeTo !== undefined && created > filter.createdTimeTo.getTime()) return false;
  if (filter.runtimeStatus !== undefined && filter.runtimeStatus.length > 0) {
    return filter.runtimeStatus.includes(record.runtimeStatus);
  }
  return true;
}
