/** HTML tables from rows of cells: numeric columns right-aligned, every cell escaped unless it is markup. */
import { html, raw, type HtmlValue, type SafeHtml } from './escape.js';

/** A column: its header and whether it holds numbers. */
export interface HtmlColumn {
  readonly label: string;
  readonly numeric?: boolean;
}

/** A `<table>` with a header row, the rows, and optionally a footer row (totals). */
export function htmlTable(
  columns: readonly HtmlColumn[],
  rows: readonly (readonly HtmlValue[])[],
  footer?: readonly HtmlValue[],
): SafeHtml {
  const cls = (i: number): string | null => (columns[i]?.numeric ? 'num' : null);
  const cell = (tag: 'td' | 'th', value: HtmlValue, i: number): SafeHtml => {
    const name = raw(tag);
    return cls(i) === null ? html`<${name}>${value}</${name}>` : html`<${name} class="num">${value}</${name}>`;
  };
  const head = html`<thead><tr>${columns.map((c, i) => cell('th', c.label, i))}</tr></thead>`;
  const body = html`<tbody>${rows.map((r) => html`<tr>${r.map((v, i) => cell('td', v, i))}</tr>`)}</tbody>`;
  const foot = footer ? html`<tfoot><tr>${footer.map((v, i) => cell('th', v, i))}</tr></tfoot>` : '';
  // Wide tables (long index names) scroll inside their box instead of widening the page.
  return html`<div class="table-wrap"><table>${head}${body}${foot}</table></div>`;
}

/** A name in code type that may wrap after `_`, `.` and `,` (long index names in narrow columns), never inside a word. */
export function codeName(name: string): SafeHtml {
  const parts = name.split(/(?<=[_.,])/);
  return html`<code>${parts.map((part, i) => html`${i > 0 ? raw('<wbr>') : ''}${part}`)}</code>`;
}
