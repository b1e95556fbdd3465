import type { RecordedAction } from './instanceRecord';

/** Action type numbers of `durable-functions` (`ActionType`). */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

const UNSUPPORTED_NAMES: Readonly<Record<number, string>> = {
  [ActionType.CallSubOrchestrator]: 'callSubOrchestrator',
  [ActionType.CallSubOrchestratorWithRetry]: 'callSubOrchestratorWithRetry',
  [ActionType.CallEntity]: 'callEntity',
  [ActionType.CallHttp]: 'callHttp',
  [ActionType.SignalEntity]: 'signalEntity',
  [ActionType.LockEntities]: 'lock (entities)',
  [ActionType.ReleaseEntities]: 'lock release (entities)',
};

export interface RetryOptionsView {
  readonly firstRetryIntervalInMilliseconds: number;
  readonly maxNumberOfAttempts: number;
  readonly backoffCoefficient: number;
  readonly maxRetryIntervalInMilliseconds?: number;
}

/** One non-compound action produced by a replay, with the live object it came from. */
export type OrchestratorAction =
  | { readonly type: 'CallActivity'; readonly functionName: string; readonly input: unknown }
  | {
      readonly type: 'CallActivityWithRetry';
      readonly functionName: string;
      readonly input: unknown;
      readonly retryOptions: RetryOptionsView;
    }
  | { readonly type: 'CreateTimer'; readonly fireAt: Date; readonly isCanceled: boolean }
  | { readonly type: 'WaitForExternalEvent'; readonly eventName: string }
  | { readonly type: 'ContinueAsNew'; readonly input: unknown }
  | { readonly type: 'Unsupported'; readonly description: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function parseRetryOptions(raw: unknown): RetryOptionsView {
  const options = isObject(raw) ? raw : {};
  const max = options['maxRetryIntervalInMilliseconds'];
  return {
    firstRetryIntervalInMilliseconds: numberOr(options['firstRetryIntervalInMilliseconds'], 1000),
    maxNumberOfAttempts: numberOr(options['maxNumberOfAttempts'], 1),
    backoffCoefficient: numberOr(options['backoffCoefficient'], 1),
    ...(typeof max === 'number' && max > 0 ? { maxRetryIntervalInMilliseconds: max } : {}),
  };
}

function parseAction(raw: Record<string, unknown>): OrchestratorAction {
  const type = raw['actionType'];
  switch (type) {
    case ActionType.CallActivity:
      return { type: 'CallActivity', functionName: String(raw['functionName']), input: raw['input'] };
    case ActionType.CallActivityWithRetry:
      return {
        type: 'CallActivityWithRetry',
        functionName: String(raw['functionName']),
        input: raw['input'],
        retryOptions: parseRetryOptions(raw['retryOptions']),
      };
    case ActionType.CreateTimer: {
      const fireAt = raw['fireAt'];
      const date = fireAt instanceof Date ? fireAt : new Date(String(fireAt));
      return { type: 'CreateTimer', fireAt: date, isCanceled: raw['isCanceled'] === true };
    }
    case ActionType.WaitForExternalEvent:
      return { type: 'WaitForExternalEvent', eventName: String(raw['externalEventName']) };
    case ActionType.ContinueAsNew:
      return { type: 'ContinueAsNew', input: raw['input'] };
    default: {
      const name = typeof type === 'number' ? UNSUPPORTED_NAMES[type] : undefined;
      return { type: 'Unsupported', description: name ?? `action type ${String(type)}` };
    }
  }
}

/**
 * The orchestrator's actions in yield order: compound `Task.all`/`Task.any` actions are opened
 * depth-first and an action object seen before (a task re-used in a later `Task.any`) is kept
 * once, which is exactly the order in which the library hands out task ids.
 */
export function flattenActions(actions: unknown): OrchestratorAction[] {
  const seen = new Set<object>();
  const out: OrchestratorAction[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (!isObject(node)) return;
    const type = node['actionType'];
    if (type === ActionType.WhenAll || type === ActionType.WhenAny) {
      visit(node['compoundActions']);
      return;
    }
    if (seen.has(node)) return;
    seen.add(node);
    out.push(parseAction(node));
  };
  visit(actions);
  return out;
}

/**
 * The value an action's `input` stands for. The library JSON-encodes string inputs
 * (`Utils.processInput`) and the worker JSON-decodes them again on the activity side.
 */
export function actionInputValue(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}

/** The recordable form of an action (undefined for unsupported ones). */
export function toRecordedAction(action: OrchestratorAction, taskId?: number): RecordedAction | undefined {
  const id = taskId === undefined ? {} : { taskId };
  switch (action.type) {
    case 'CallActivity':
    case 'CallActivityWithRetry':
      return { kind: action.type, name: action.functionName, ...id };
    case 'CreateTimer':
      return { kind: 'CreateTimer', fireAt: action.fireAt.toISOString(), ...id };
    case 'WaitForExternalEvent':
      return { kind: 'WaitForExternalEvent', name: action.eventName };
    case 'ContinueAsNew':
      return { kind: 'ContinueAsNew' };
    case 'Unsupported':
      return undefined;
  }
}

/** How an action is named in a non-determinism message. */
export function describeRecordedAction(action: RecordedAction | undefined): string {
  if (action === undefined) return 'no action';
  switch (action.kind) {
    case 'CallActivity':
    case 'CallActivityWithRetry':
      return `${action.kind} '${action.name ?? ''}'`;
    case 'CreateTimer':
      return `CreateTimer at ${action.fireAt ?? '?'}`;
    case 'WaitForExternalEvent':
      return `WaitForExternalEvent '${action.name ?? ''}'`;
    case 'ContinueAsNew':
      return 'ContinueAsNew';
  }
}

export function describeAction(action: OrchestratorAction | undefined): string {
  if (action === undefined) return 'no action';
  if (action.type === 'Unsupported') return action.description;
  return describeRecordedAction(toRecordedAction(action));
}

/** Same kind and same target (activity name, timer due time, event name): inputs are not compared. */
export function sameAction(replayed: OrchestratorAction, recorded: RecordedAction): boolean {
  const asRecorded = toRecordedAction(replayed);
  if (asRecorded === undefined || asRecorded.kind !== recorded.kind) return false;
  return asRecorded.name === recorded.name && asRecorded.fireAt === recorded.fireAt;
}
