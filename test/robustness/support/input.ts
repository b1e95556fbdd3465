import fc from 'fast-check';

/**
 * Hostile input for every edge: JSON of any shape, wrong types in the right places, huge and
 * unicode strings, prototype-pollution keys, and text that is not JSON at all.
 */

const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

export const hugeString: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(1_000, 20_000, 66_000, 70_000),
    fc.string({ minLength: 1, maxLength: 3, unit: 'binary' }),
  )
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

/** Text that would break a log line or hide what follows it: newlines, NUL, ANSI escapes, bidi overrides. */
export const controlText: fc.Arbitrary<string> = fc
  .tuple(
    fc.string({ maxLength: 8 }),
    fc.constantFrom('\n', '\r\n', '\u0000', '\u001b[31m', '\u2028', '\u202e', '\u0085', '\t'),
    fc.constantFrom('2026-06-01T00:00:00.000Z error FORGED', 'x', ''),
  )
  .map(([before, control, after]) => `${before}${control}${after}`);

export const anyString: fc.Arbitrary<string> = fc.oneof(
  controlText,
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', 'weu-001', '../../sim', 'null', '%00', 'e\u0301', '🧨'),
  hugeString,
);

/** Any JSON value, with scalars biased to the wrong types for a field. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  anyString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 3 }),
);

type Mutation = { readonly drop: string } | { readonly set: string; readonly value: unknown };

/**
 * JSON object text shaped like the input a route expects: a valid object (from `fields`, with
 * the `optional` keys sometimes absent) that, two times in five, is left valid and otherwise has
 * one to three members dropped or set to a wrong value or a prototype-pollution key added. The
 * members are written literally, so `__proto__` arrives as an own member, as it would from a
 * hostile client (JSON.stringify cannot write it).
 */
export function shapedText(
  fields: Record<string, fc.Arbitrary<unknown>>,
  optional: readonly string[] = [],
): fc.Arbitrary<string> {
  const keys = Object.keys(fields);
  const base = fc.record(fields, { requiredKeys: keys.filter((k) => !optional.includes(k)) });
  const settable = fc.constantFrom(...keys, ...DANGEROUS_KEYS);
  const mutation: fc.Arbitrary<Mutation> =
    keys.length === 0
      ? fc.record({ set: settable, value: wrongValue })
      : fc.oneof(
          fc.record({ drop: fc.constantFrom(...keys) }),
          fc.record({ set: settable, value: wrongValue }),
        );
  const mutations = fc.oneof(
    { weight: 2, arbitrary: fc.constant<Mutation[]>([]) },
    { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) },
  );
  return fc.tuple(base, mutations).map(([valid, changes]) => {
    const members = new Map<string, unknown>(Object.entries(valid));
    for (const change of changes) {
      if ('drop' in change) members.delete(change.drop);
      else members.set(change.set, change.value);
    }
    return `{${[...members].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`;
  });
}

/** Parsed from literal text, so `__proto__` is an own member as it would be off the wire. */
export function shapedValue(
  fields: Record<string, fc.Arbitrary<unknown>>,
  optional: readonly string[] = [],
): fc.Arbitrary<unknown> {
  return shapedText(fields, optional).map((text) => JSON.parse(text) as unknown);
}

/**
 * JSON nested from a little past the limit to thousands of levels deep, as a whole body or as a
 * member of an otherwise normal one; what a recursive walk (stringify, a validator) would choke on.
 */
export const deepJson: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 30, max: 6000 }), fc.constantFrom('[', '{"a":'), fc.boolean())
  .map(([depth, open, wrapped]) => {
    const close = open === '[' ? ']' : '}';
    const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
    return wrapped ? `{"schemaId":"azureMonitorCommonAlertSchema","data":{"essentials":${nested}}}` : nested;
  });

/** A request body: shaped like the route's input, any JSON, deeply nested JSON, or not JSON. */
export function bodyText(shaped: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: shaped },
    { weight: 1, arbitrary: deepJson },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: anyString },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '{"a":1,}', '[', 'true', '1e999', '{"a":"\\ud800"}') },
  );
}

export const instant: fc.Arbitrary<string> = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
