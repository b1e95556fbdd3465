import { ValidationError } from '../../errors';

/**
 * NCRONTAB, the 6-field cron of Azure Functions timer triggers:
 * `{second} {minute} {hour} {day} {month} {day-of-week}`, always in UTC here.
 * Each field takes `*`, a value, a range `a-b`, a step `*\/n`, `a-b/n` or `a/n`, or a comma
 * list of those. Months and days of week also take names (`JAN`, `MON`). Day of month and day
 * of week must both match (NCrontab ANDs them, unlike Vixie cron's OR).
 * src: https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions
 */

/** An NCRONTAB expression that cannot be parsed, naming the field at fault. */
export class InvalidCronExpressionError extends ValidationError {
  override readonly code = 'InvalidCronExpression';

  constructor(
    readonly expression: string,
    reason: string,
  ) {
    super(`invalid NCRONTAB expression '${expression}': ${reason}`, 'schedule');
  }
}

/** The allowed values of each field, as sorted sets. */
export interface CronSchedule {
  readonly expression: string;
  readonly seconds: readonly number[];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly days: readonly number[];
  readonly months: readonly number[];
  readonly daysOfWeek: readonly number[];
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { name: 'day-of-week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

function parseValue(text: string, spec: FieldSpec, expression: string): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return spec.min + named;
  if (!/^\d+$/.test(text)) {
    throw new InvalidCronExpressionError(expression, `${spec.name} field: '${text}' is not a number`);
  }
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    throw new InvalidCronExpressionError(
      expression,
      `${spec.name} field: ${value} is outside ${spec.min}-${spec.max}`,
    );
  }
  return value;
}

function parseField(text: string, spec: FieldSpec, expression: string): number[] {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    if (part.length === 0)
      throw new InvalidCronExpressionError(expression, `${spec.name} field: empty list item`);
    const [rangeText = '', stepText, extra] = part.split('/');
    if (extra !== undefined) {
      throw new InvalidCronExpressionError(expression, `${spec.name} field: '${part}' has two steps`);
    }
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
        throw new InvalidCronExpressionError(
          expression,
          `${spec.name} field: step '${stepText}' is not >= 1`,
        );
      }
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (rangeText === '*') {
      from = spec.min;
      to = spec.max;
    } else if (rangeText.includes('-')) {
      const [low = '', high = ''] = rangeText.split('-');
      from = parseValue(low, spec, expression);
      to = parseValue(high, spec, expression);
      if (from > to) {
        throw new InvalidCronExpressionError(
          expression,
          `${spec.name} field: range '${rangeText}' is reversed`,
        );
      }
    } else {
      from = parseValue(rangeText, spec, expression);
      // `a/n` means "from a, every n" (as in NCrontab); a bare value is just itself.
      to = stepText === undefined ? from : spec.max;
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return [...values].sort((a, b) => a - b);
}

/**
 * Parses a 6-field NCRONTAB expression.
 *
 * @example
 * const everyFiveMinutes = parseNcrontab('0 *\/5 * * * *');
 */
export function parseNcrontab(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== FIELDS.length) {
    throw new InvalidCronExpressionError(
      expression,
      `expected 6 fields (second minute hour day month day-of-week), found ${parts.length}` +
        (parts.length === 5 ? ' (a 5-field cron lacks the seconds field)' : ''),
    );
  }
  const fields = FIELDS.map((spec, index) => parseField(parts[index] ?? '', spec, expression));
  const [seconds = [], minutes = [], hours = [], days = [], months = [], daysOfWeek = []] = fields;
  return { expression, seconds, minutes, hours, days, months, daysOfWeek };
}

/** The first allowed value >= `from`, if any. */
function firstAtLeast(values: readonly number[], from: number): number | undefined {
  return values.find((v) => v >= from);
}

/** How far ahead to look before deciding a schedule never fires (e.g. `0 0 0 31 2 *`). */
const SEARCH_YEARS = 8;

/**
 * The first occurrence strictly after `after` (UTC, whole seconds), or `undefined` if the
 * schedule never fires within the next years (an impossible date such as February 30).
 *
 * @example
 * nextOccurrence(parseNcrontab('0 30 2 * * *'), new Date('2025-01-01T03:00:00Z'));
 * // 2025-01-02T02:30:00.000Z
 */
export function nextOccurrence(schedule: CronSchedule, after: Date): Date | undefined {
  // Start at the next whole second after `after`.
  const start = Math.floor(after.getTime() / 1000) * 1000 + 1000;
  const t = new Date(start);
  const limit = t.getUTCFullYear() + SEARCH_YEARS;
  // Each step either finds a match or moves to the start of the next candidate unit, so
  // the loop is bounded by the number of months/days/hours/minutes in the window.
  while (t.getUTCFullYear() <= limit) {
    const month = firstAtLeast(schedule.months, t.getUTCMonth() + 1);
    if (month === undefined) {
      t.setUTCFullYear(t.getUTCFullYear() + 1, 0, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (month !== t.getUTCMonth() + 1) {
      t.setUTCMonth(month - 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    const dayOk = schedule.days.includes(t.getUTCDate()) && schedule.daysOfWeek.includes(t.getUTCDay());
    if (!dayOk) {
      // setUTCDate rolls over into the next month, which the month check then handles.
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    const hour = firstAtLeast(schedule.hours, t.getUTCHours());
    if (hour === undefined) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (hour !== t.getUTCHours()) {
      t.setUTCHours(hour, 0, 0, 0);
      continue;
    }
    const minute = firstAtLeast(schedule.minutes, t.getUTCMinutes());
    if (minute === undefined) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (minute !== t.getUTCMinutes()) {
      t.setUTCMinutes(minute, 0, 0);
      continue;
    }
    const second = firstAtLeast(schedule.seconds, t.getUTCSeconds());
    if (second === undefined) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    t.setUTCSeconds(second, 0);
    return t;
  }
  return undefined;
}
