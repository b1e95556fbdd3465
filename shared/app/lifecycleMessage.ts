import { z } from 'zod';

import { stampEventSchema } from '../lifecycle/eventSchema';
import { OPERATOR_COMMAND_NAMES } from '../lifecycle/operatorCommands';
import { STAMP_ID_EXAMPLE, STAMP_ID_PATTERN } from '../lifecycle/stampNames';
import type { LifecycleMessage, OperatorCommandMessage } from '../ports/lifecycleBus';
import { operatorCommandBody, parseWith } from './requests';

const stampId = z.string().regex(STAMP_ID_PATTERN, `must be a stamp id such as ${STAMP_ID_EXAMPLE}`);

const lifecycleMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('drain-timer'),
    stampId,
    drainId: z.string().min(1),
    dueAt: z.iso.datetime({ offset: true }),
  }),
  z.object({
    kind: z.literal('command'),
    stampId,
    commandId: z.string().min(1),
    command: z.enum(OPERATOR_COMMAND_NAMES),
    /**
     * Who asked, as the sending tool names them: Service Bus admits only senders with a data
     * role, but the name itself is the sender's word (HTTP records the signed-in principal).
     */
    actor: z.string().trim().min(1).max(200),
    reason: z.string(),
    override: z.boolean().optional(),
    drainMinutes: z.number().int().optional(),
  }),
  z.object({
    kind: z.literal('reconcile-fleet'),
    requestId: z.string().min(1).max(200),
    requestedAt: z.iso.datetime({ offset: true }),
    reason: z.string().max(1000),
  }),
  z.object({ kind: z.literal('stamp-event'), stampId, event: stampEventSchema }),
]);

export type ParsedMessage =
  { readonly ok: true; readonly message: LifecycleMessage } | { readonly ok: false; readonly detail: string };

/**
 * A command message holds the same request as the command's HTTP body, and is checked by the
 * same schema (from the command table): a reason where one is required, an override only where a
 * guard can refuse, minutes only for a drain.
 */
function commandRefusal(message: OperatorCommandMessage): string | undefined {
  const { command, reason, override, drainMinutes } = message;
  // What needs a role the queue cannot show: its sender is a tool, signed in to Service Bus only.
  if (command === 'verify')
    return 'a verification needs a signed-in approver (Stamps.Approver, four eyes): POST /api/stamps/{id}/verify';
  if (override === true)
    return 'an override needs a signed-in Stamps.Admin: send the command over HTTP (POST /api/stamps/{id}/{command})';
  const body = {
    reason,
    ...(override === undefined ? {} : { override }),
    ...(drainMinutes === undefined ? {} : { drainMinutes }),
  };
  const checked = parseWith(operatorCommandBody(command), body, `${command} command`);
  return checked.ok ? undefined : checked.detail;
}

/** A message of the `stamp-lifecycle` queue, from `unknown` (the Functions host hands JSON over parsed). */
export function parseLifecycleMessage(input: unknown): ParsedMessage {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch {
      return { ok: false, detail: 'the message body is not JSON' };
    }
  }
  const parsed = lifecycleMessageSchema.safeParse(value);
  if (parsed.success) {
    const message = parsed.data;
    if (message.kind !== 'command') return { ok: true, message };
    const refused = commandRefusal(message);
    return refused === undefined ? { ok: true, message } : { ok: false, detail: refused };
  }
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    detail: `not a lifecycle message: '${issue?.path.map(String).join('.') ?? ''}': ${issue?.message ?? ''}`,
  };
}
