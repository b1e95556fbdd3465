import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { nextOccurrence, parseNcrontab } from '../../shared/local/cron/ncrontab';

describe('parseNcrontab', () => {
  const valid: readonly {
    name: string;
    expression: string;
    field: keyof ReturnType<typeof parseNcrontab>;
    values: number[];
  }[] = [
    { name: 'a step from *', expression: '0 */15 * * * *', field: 'minutes', values: [0, 15, 30, 45] },
    { name: 'a list', expression: '0 0 1,13,7 * * *', field: 'hours', values: [1, 7, 13] },
    { name: 'a range', expression: '0 0 9-11 * * *', field: 'hours', values: [9, 10, 11] },
    { name: 'a range with a step', expression: '0 10-30/10 * * * *', field: 'minutes', values: [10, 20, 30] },
    { name: 'a start with a step', expression: '50/5 * * * * *', field: 'seconds', values: [50, 55] },
    { name: 'month names', expression: '0 0 0 1 JAN,jul *', field: 'months', values: [1, 7] },
    {
      name: 'day names in a range',
      expression: '0 0 0 * * MON-FRI',
      field: 'daysOfWeek',
      values: [1, 2, 3, 4, 5],
    },
    {
      name: 'a mixed list',
      expression: '0 0 0 1-3,10,*/15 * *',
      field: 'days',
      values: [1, 2, 3, 10, 16, 31],
    },
  ];
  for (const c of valid) {
    it(`parses ${c.name} ('${c.expression}')`, () => {
      assert.deepEqual(parseNcrontab(c.expression)[c.field], c.values);
    });
  }

  const invalid: readonly { name: string; expression: string; message: RegExp }[] = [
    {
      name: 'a 5-field cron',
      expression: '*/5 * * * *',
      message: /expected 6 fields.*lacks the seconds field/,
    },
    { name: 'seven fields', expression: '0 0 0 * * * 2025', message: /found 7/ },
    {
      name: 'a second out of range',
      expression: '60 * * * * *',
      message: /second field: 60 is outside 0-59/,
    },
    { name: 'a day 0', expression: '0 0 0 0 * *', message: /day field: 0 is outside 1-31/ },
    { name: 'day of week 7', expression: '0 0 0 * * 7', message: /day-of-week field: 7 is outside 0-6/ },
    { name: 'a reversed range', expression: '0 0 5-1 * * *', message: /reversed/ },
    { name: 'a zero step', expression: '*/0 * * * * *', message: /step '0'/ },
    { name: 'garbage', expression: '0 x * * * *', message: /minute field: 'x' is not a number/ },
    { name: 'an empty list item', expression: '0 1,,2 * * * *', message: /empty list item/ },
    { name: 'an empty string', expression: '', message: /expected 6 fields/ },
  ];
  for (const c of invalid) {
    it(`throws on ${c.name}`, () => {
      assert.throws(() => parseNcrontab(c.expression), {
        name: 'InvalidCronExpressionError',
        message: c.message,
      });
    });
  }
});

describe('nextOccurrence', () => {
  const cases: readonly { name: string; expression: string; after: string; next: string | undefined }[] = [
    {
      name: 'every 5 minutes, mid-interval',
      expression: '0 */5 * * * *',
      after: '2025-01-01T10:03:27.000Z',
      next: '2025-01-01T10:05:00.000Z',
    },
    {
      name: 'strictly after an occurrence',
      expression: '0 */5 * * * *',
      after: '2025-01-01T10:05:00.000Z',
      next: '2025-01-01T10:10:00.000Z',
    },
    {
      name: 'milliseconds past an occurrence',
      expression: '0 */5 * * * *',
      after: '2025-01-01T10:05:00.500Z',
      next: '2025-01-01T10:10:00.000Z',
    },
    {
      name: 'every second',
      expression: '* * * * * *',
      after: '2025-01-01T10:00:00.999Z',
      next: '2025-01-01T10:00:01.000Z',
    },
    {
      name: 'daily at 02:30, next day',
      expression: '0 30 2 * * *',
      after: '2025-01-01T03:00:00.000Z',
      next: '2025-01-02T02:30:00.000Z',
    },
    {
      name: 'rolls over the hour',
      expression: '0 0 * * * *',
      after: '2025-01-01T10:59:59.000Z',
      next: '2025-01-01T11:00:00.000Z',
    },
    {
      name: 'rolls over the year',
      expression: '0 0 0 1 1 *',
      after: '2025-06-01T00:00:00.000Z',
      next: '2026-01-01T00:00:00.000Z',
    },
    {
      name: 'Mondays at 09:00 (2025-01-01 is a Wednesday)',
      expression: '0 0 9 * * 1',
      after: '2025-01-01T00:00:00.000Z',
      next: '2025-01-06T09:00:00.000Z',
    },
    {
      name: 'weekdays skip the weekend',
      expression: '0 0 8 * * MON-FRI',
      after: '2025-01-03T09:00:00.000Z',
      next: '2025-01-06T08:00:00.000Z',
    },
    {
      name: 'day 31 skips short months',
      expression: '0 0 0 31 * *',
      after: '2025-01-31T00:00:00.000Z',
      next: '2025-03-31T00:00:00.000Z',
    },
    {
      name: 'February 29 in a leap year',
      expression: '0 0 12 29 2 *',
      after: '2025-01-01T00:00:00.000Z',
      next: '2028-02-29T12:00:00.000Z',
    },
    {
      name: 'day and weekday both apply (Friday the 13th)',
      expression: '0 0 0 13 * 5',
      after: '2025-01-01T00:00:00.000Z',
      next: '2025-06-13T00:00:00.000Z',
    },
    {
      name: 'an impossible date never fires',
      expression: '0 0 0 30 2 *',
      after: '2025-01-01T00:00:00.000Z',
      next: undefined,
    },
    {
      name: 'seconds lists',
      expression: '15,45 * * * * *',
      after: '2025-01-01T00:00:15.000Z',
      next: '2025-01-01T00:00:45.000Z',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const next = nextOccurrence(parseNcrontab(c.expression), new Date(c.after));
      assert.equal(next?.toISOString(), c.next);
    });
  }

  it('never returns an instant at or before the reference, over a day of 5-minute steps', () => {
    const schedule = parseNcrontab('0 */5 * * * *');
    let at = new Date('2025-01-01T00:00:00.000Z');
    for (let i = 0; i < 288; i++) {
      const next = nextOccurrence(schedule, at);
      assert.ok(next !== undefined && next.getTime() - at.getTime() === 5 * 60_000);
      at = next;
    }
  });
});
