import { randomUUID } from 'node:crypto';

import { InvalidInstanceIdError } from './errors';

const MAX_INSTANCE_ID_LENGTH = 256;

/** Throws {@link InvalidInstanceIdError} unless the id follows the Durable extension's rules. */
export function validateInstanceId(instanceId: string): void {
  if (instanceId.length === 0) throw new InvalidInstanceIdError(instanceId, 'it is empty');
  if (instanceId.length > MAX_INSTANCE_ID_LENGTH) {
    throw new InvalidInstanceIdError(instanceId, `it is longer than ${MAX_INSTANCE_ID_LENGTH} characters`);
  }
  if (instanceId.startsWith('@')) throw new InvalidInstanceIdError(instanceId, "it starts with '@'");
  if (/[/\\#?]/.test(instanceId)) throw new InvalidInstanceIdError(instanceId, 'it contains one of / \\ # ?');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(instanceId)) {
    throw new InvalidInstanceIdError(instanceId, 'it contains a control character');
  }
}

/** A new instance id in the extension's format (a GUID without dashes). */
export function newInstanceId(): string {
  return randomUUID().replaceAll('-', '');
}
