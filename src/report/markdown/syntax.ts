/** Markdown building blocks: inline code, table rows and cells that survive any text. */

/** Inline code that survives backticks inside the text. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest > 0 || text.startsWith(' ') || text.endsWith(' ') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A table cell: one line, and a `|` that does not end the cell (GFM needs this inside code spans too). */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** `| a | b |`. */
export function row(cells: readonly string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

/** A header row and its separator; `right` marks numeric columns. */
export function header(cells: readonly string[], right: readonly number[] = []): string[] {
  return [row(cells), `| ${cells.map((_, i) => (right.includes(i) ? '---:' : '---')).join(' | ')} |`];
}

/** Prose that must not turn into markup: escapes the characters Markdown and HTML would act on (intraword `_` is left alone: GFM ignores it). */
export function prose(text: string): string {
  return text.replace(/[\\`*[\]<>]/g, (c) => `\\${c}`);
}

/** First letter upper case. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
