/**
 * Names come from the database and may hold anything a quoted identifier can: newlines, ANSI
 * escape sequences that repaint a terminal, bidirectional overrides that reorder what a reviewer
 * reads. Human-readable output shows them through {@link printable}; machine formats (JSON, SARIF)
 * and migration files keep them exact, escaped by their own syntax.
 */

// C0 and C1 control characters (ESC starts every ANSI sequence), DEL, and the bidirectional
// embedding, override and isolate characters.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with line breaks and tabs as spaces and every other control or bidi character as `?`. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => (c === '\n' || c === '\r' || c === '\t' ? ' ' : '?'));
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with every string in its plain objects and arrays made {@link printable}
 * (other objects, such as Maps, are kept as they are). Objects shared within `value` stay shared
 * in the copy, so identity comparisons made on it still hold.
 */
export function printableDeep<T>(value: T): T {
  const copies = new WeakMap<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return UNPRINTABLE.test(v) ? printable(v) : v;
    if (typeof v !== 'object' || v === null) return v;
    const seen = copies.get(v);
    if (seen !== undefined) return seen;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      copies.set(v, out);
      for (const item of v) out.push(walk(item));
      return out;
    }
    if (!isPlainObject(v)) return v;
    const out: Record<string, unknown> = {};
    copies.set(v, out);
    for (const [key, item] of Object.entries(v)) out[key] = walk(item);
    return out;
  };
  return walk(value) as T;
}
