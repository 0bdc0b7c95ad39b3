/** Terminal layout: colours that switch off (picocolors), aligned columns, and lines wrapped to the terminal's width. */
import { createColors } from 'picocolors';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import type { Severity } from '../../rules/types.js';

type Paint = (text: string) => string;

/** The handful of styles the report uses; identity functions when colour is off. */
export interface Palette {
  readonly bold: Paint;
  readonly dim: Paint;
  readonly severity: { readonly [S in Severity]: Paint };
  readonly good: Paint;
}

/** Styles for a terminal (`color`), or none. */
export function palette(color: boolean): Palette {
  const c = createColors(color);
  // Red, yellow, green: the seed audit's 🔴/🟡/🟢.
  return { bold: c.bold, dim: c.dim, severity: { critical: c.red, medium: c.yellow, low: c.green }, good: c.green };
}

/** Width of text in terminal cells (wide characters count two, escapes and control characters none). */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** Text with control characters (ANSI escapes in names, newlines) made harmless for a terminal. */
export function safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === '\n' || c === '\r' || c === '\t' ? ' ' : '?'));
}

/**
 * `text` wrapped to `width` cells, the first line after `first`, the others after `rest` (a
 * hanging indent); long words (SQL, names) are broken only when they cannot fit a line.
 */
export function wrapped(text: string, width: number, first: string, rest: string): string[] {
  const room = Math.max(20, width - displayWidth(rest));
  const lines = wrapAnsi(text, room, { hard: true, trim: true }).split('\n');
  return lines.map((line, i) => `${i === 0 ? first : rest}${line}`);
}

/** Column alignment of a table. */
export type Align = 'left' | 'right';

/**
 * Rows aligned in columns, two spaces apart, indented; the header row (first) is dimmed. The
 * last column is not padded, so lines carry no trailing spaces; with `width`, a left-aligned last
 * column wraps under itself to stay within it.
 */
export function columns(
  p: Palette,
  rows: readonly (readonly string[])[],
  align: readonly Align[],
  indent: string,
  width?: number,
): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(c))));
  return rows.flatMap((r, n) => {
    const cells = r.map((c, i) => {
      const pad = ' '.repeat((widths[i] ?? 0) - displayWidth(c));
      if (i === r.length - 1 && align[i] !== 'right') return c;
      return align[i] === 'right' ? pad + c : c + pad;
    });
    const last = cells.length - 1;
    const lead = `${indent}${cells.slice(0, last).join('  ')}${last > 0 ? '  ' : ''}`;
    const lines =
      width !== undefined && align[last] !== 'right' && n > 0
        ? wrapped(cells[last] ?? '', width, lead, ' '.repeat(displayWidth(lead))).map((l) => l.trimEnd())
        : [`${lead}${cells[last] ?? ''}`.trimEnd()];
    return n === 0 ? lines.map((l) => p.dim(l)) : lines;
  });
}

/** A section heading. */
export function heading(p: Palette, title: string): string {
  return p.bold(title.toUpperCase());
}
