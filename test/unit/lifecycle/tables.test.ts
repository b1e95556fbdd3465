/**
 * The core's tables (timers, operator commands, stamp names) against the rest of the core: each
 * row must name things that exist and lead somewhere, so that adding a row is all it takes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseLifecycleMessage } from '../../../shared/app/lifecycleMessage';
import { operatorCommandBody } from '../../../shared/app/requests';
import { timerEffects } from '../../../shared/lifecycle/decide/timerEffects';
import { stampEventSchema } from '../../../shared/lifecycle/eventSchema';
import {
  OPERATOR_COMMAND_NAMES,
  OPERATOR_COMMANDS,
  operatorEvent,
} from '../../../shared/lifecycle/operatorCommands';
import { formatStampId, isStampId, STAMP_ID_PATTERN } from '../../../shared/lifecycle/stampNames';
import {
  LIFECYCLE_TIMER_NAMES,
  LIFECYCLE_TIMERS,
  timerFired,
  timersOf,
} from '../../../shared/lifecycle/timers';
import { TRANSITION_TABLE } from '../../../shared/lifecycle/transitionTable';

describe('stamp names', () => {
  it('pads the sequence to three digits and grows past 999', () => {
    assert.equal(formatStampId('weu', 7), 'weu-007');
    assert.equal(formatStampId('neu', 999), 'neu-999');
    assert.equal(formatStampId('neu', 1000), 'neu-1000');
  });

  it('every formatted id is a stamp id, and other strings are not', () => {
    for (const [code, seq] of [
      ['weu', 1],
      ['sea', 42],
      ['uksouth', 123456],
    ] as const)
      assert.ok(isStampId(formatStampId(code, seq)), `${code} ${seq}`);
    for (const bad of ['weu-01', 'WEU-001', 'weu_001', 'w-001', 'weu-001/x', '', 'weu-1234567'])
      assert.ok(!STAMP_ID_PATTERN.test(bad), bad);
  });
});

describe('the timer table', () => {
  for (const timer of LIFECYCLE_TIMER_NAMES) {
    const row = LIFECYCLE_TIMERS[timer];
    it(`${timer}: fires an event the schema accepts, one that moves a ${row.phase} stamp`, () => {
      const event = timerFired('weu-001', timer, '2026-01-01T00:10:00.000Z');
      assert.equal(event.type, row.event);
      assert.ok(stampEventSchema.safeParse(event).success);
      assert.ok(
        TRANSITION_TABLE.some((r) => r.from === row.phase && r.on.includes(row.event)),
        `no transition from ${row.phase} on ${row.event}`,
      );
    });
  }

  it('reads each timer from its deadline, and only the deadlines that are set', () => {
    assert.deepEqual(timersOf({}), {});
    assert.deepEqual(
      timersOf({
        registrationTimeoutAt: '2026-01-01T00:10:00.000Z',
        isolationGraceEndsAt: '2026-01-01T00:20:00.000Z',
        drainEndsAt: '2026-01-01T00:30:00.000Z',
      }),
      { 'registration-timeout': '2026-01-01T00:10:00.000Z', 'isolation-grace': '2026-01-01T00:20:00.000Z' },
    );
  });

  it('arms a timer when its deadline is set or moved, cancels it when the deadline is cleared', () => {
    const [t1, t2] = ['2026-01-01T00:10:00.000Z', '2026-01-01T00:20:00.000Z'];
    assert.deepEqual(timerEffects('weu-001', {}, { isolationGraceEndsAt: t1 }), [
      { kind: 'start-timer', stampId: 'weu-001', timer: 'isolation-grace', at: t1 },
    ]);
    assert.deepEqual(timerEffects('weu-001', { isolationDecisionAt: t1 }, { isolationDecisionAt: t2 }), [
      { kind: 'start-timer', stampId: 'weu-001', timer: 'isolation-decision', at: t2 },
    ]);
    assert.deepEqual(timerEffects('weu-001', { registrationTimeoutAt: t1 }, {}), [
      { kind: 'cancel-timer', stampId: 'weu-001', timer: 'registration-timeout' },
    ]);
    assert.deepEqual(timerEffects('weu-001', { isolationGraceEndsAt: t1 }, { isolationGraceEndsAt: t1 }), []);
    // Deadlines that are not durable timers (the drain timer is a Service Bus message) arm nothing.
    assert.deepEqual(timerEffects('weu-001', {}, { drainEndsAt: t1, purgeDueAt: t2 }), []);
  });

  it('a second firing of the same timer at the same instant is the same event (a duplicate)', () => {
    const at = '2026-01-01T00:10:00.000Z';
    assert.deepEqual(
      timerFired('weu-001', 'isolation-grace', at),
      timerFired('weu-001', 'isolation-grace', at),
    );
    assert.notEqual(
      timerFired('weu-001', 'isolation-grace', at).id,
      timerFired('weu-001', 'isolation-decision', at).id,
    );
  });
});

describe('the operator command table', () => {
  for (const command of OPERATOR_COMMAND_NAMES) {
    const spec = OPERATOR_COMMANDS[command];
    it(`${command}: becomes a ${spec.event} the schema accepts, with who asked and why`, () => {
      const event = operatorEvent(command, { id: 'req-1', actor: 'ana', reason: 'because', override: true });
      assert.equal(event.type, spec.event);
      assert.ok(stampEventSchema.safeParse(event).success);
      assert.ok('actor' in event && event.actor === 'ana');
      assert.ok('reason' in event && event.reason === 'because');
      // An override is only carried where a guard can refuse the command.
      assert.equal('override' in event, spec.override);
      assert.ok(
        TRANSITION_TABLE.some((r) => r.on.includes(spec.event)),
        `no transition on ${spec.event}`,
      );
    });

    it(`${command}: its HTTP body ${spec.reason === 'required' ? 'needs' : 'may omit'} a reason`, () => {
      assert.equal(operatorCommandBody(command).safeParse({}).success, spec.reason === 'optional');
      assert.ok(operatorCommandBody(command).safeParse({ reason: 'r' }).success);
      assert.equal(
        operatorCommandBody(command).safeParse({ reason: 'r', override: true }).success,
        spec.override,
      );
      assert.equal(
        operatorCommandBody(command).safeParse({ reason: 'r', drainMinutes: 5 }).success,
        spec.drainMinutes,
      );
      // Who asks is the signed-in principal: a body never names them.
      assert.equal(operatorCommandBody(command).safeParse({ reason: 'r', actor: 'ana' }).success, false);
    });
  }

  it('a drain from the reconciler says so, and one from an operator by default', () => {
    const base = { id: 'r', actor: 'a', reason: 'x' };
    assert.equal(operatorEvent('drain', { ...base, source: 'reconciler' }).type, 'DrainRequested');
    const fromReconciler = operatorEvent('drain', { ...base, source: 'reconciler' });
    const fromOperator = operatorEvent('drain', base);
    assert.ok(fromReconciler.type === 'DrainRequested' && fromReconciler.source === 'reconciler');
    assert.ok(fromOperator.type === 'DrainRequested' && fromOperator.source === 'operator');
  });
});

describe("a command message on the lifecycle queue is checked by its command's body schema", () => {
  const message = (more: Record<string, unknown>) => ({
    kind: 'command',
    stampId: 'weu-001',
    commandId: 'c-1',
    command: 'drain',
    actor: 'pipeline',
    reason: 'retire',
    ...more,
  });
  const cases: [string, Record<string, unknown>, RegExp | undefined][] = [
    ['a drain with minutes', { drainMinutes: 30 }, undefined],
    ['a verify', { command: 'verify', reason: '' }, /a verification needs a signed-in approver/],
    ['an isolate without a reason', { command: 'isolate', reason: '  ' }, /'reason': a reason is required/],
    [
      'a cleanup with an override',
      { command: 'cleanup', override: true },
      /an override needs a signed-in Stamps.Admin/,
    ],
    [
      'an isolate with drain minutes',
      { command: 'isolate', drainMinutes: 5 },
      /unknown member\(s\) 'drainMinutes'/,
    ],
    ['a drain of 2,000 minutes', { drainMinutes: 2000 }, /'drainMinutes'/],
    ['an override', { override: true, reason: 'r' }, /an override needs a signed-in Stamps.Admin/],
  ];
  for (const [name, more, refused] of cases) {
    it(`${name}: ${refused === undefined ? 'accepted' : 'refused'}`, () => {
      const parsed = parseLifecycleMessage(message(more));
      if (refused === undefined) assert.ok(parsed.ok, parsed.ok ? '' : parsed.detail);
      else {
        assert.ok(!parsed.ok);
        assert.match(parsed.detail, refused);
      }
    });
  }
});
