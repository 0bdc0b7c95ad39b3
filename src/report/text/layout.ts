/** Terminal layout: ANSI styles that switch off, and aligned columns. */
import type { Severity } from '../../rules/types.js';

export type Paint = (text: string) => string;

/** The handful of ANSI styles the report uses; identity functions when colour is off. */
export interface Palette {
  readonly bold: Paint;
  readonly dim: Paint;
  readonly severity: { readonly [S in Severity]: Paint };
  readonly good: Paint;
}

function sgr(open: number, close: number): Paint {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

/** Styles for a terminal (`color`), or none. */
export function palette(color: boolean): Palette {
  if (!color) {
    const plain: Paint = (text) => text;
    return { bold: plain, dim: plain, severity: { critical: plain, medium: plain, low: plain }, good: plain };
  }
  // Red, yellow, green: the seed audit's 🔴/🟡/🟢.
  const green = sgr(32, 39);
  return { bold: sgr(1, 22), dim: sgr(2, 22), severity: { critical: sgr(31, 39), medium: sgr(33, 39), low: green }, good: green };
}

/** Width of text in terminal cells, close enough for names (code points, not UTF-16 units; control characters count 0). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) if (ch >= ' ' && ch !== '\u007f') width += 1;
  return width;
}

/** Text with control characters (ANSI escapes in names, newlines) made harmless for a terminal. */
export function safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\n' || c === '\r' || c === '\t' ? ' ' : '?'));
}

/** Column alignment of a table. */
export type Align = 'left' | 'right';

/**
 * Rows aligned in columns, two spaces apart, indented; the header row (first) is dimmed. The
 * last column is not padded, so lines carry no trailing spaces.
 */
export function columns(p: Palette, rows: readonly (readonly string[])[], align: readonly Align[], indent: string): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(c))));
  return rows.map((r, n) => {
    const cells = r.map((c, i) => {
      const pad = ' '.repeat((widths[i] ?? 0) - displayWidth(c));
      if (i === r.length - 1 && align[i] !== 'right') return c;
      return align[i] === 'right' ? pad + c : c + pad;
    });
    const line = `${indent}${cells.join('  ')}`.trimEnd();
    return n === 0 ? p.dim(line) : line;
  });
}

/** A section heading. */
export function heading(p: Palette, title: string): string {
  return p.bold(title.toUpperCase());
}
