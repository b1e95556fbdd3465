/**
 * A value as it may appear inside one log line: control characters (newlines included), the
 * Unicode line separators and bidirectional overrides are escaped, so text from a request cannot
 * forge a log line or hide what follows it; long values are cut.
 *
 * @example
 * forLog('rule\nFORGED line') // → 'rule\\nFORGED line'
 */
export function forLog(value: unknown, maxLength = 300): string {
  const text = typeof value === 'string' ? value : String(value);
  const cut =
    text.length > maxLength ? `${text.slice(0, maxLength)}…(+${text.length - maxLength} chars)` : text;
  return cut.replace(UNSAFE, escapeOne);
}

// C0 controls, DEL, C1 controls, line/paragraph separators, bidi embeddings/overrides/isolates.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
