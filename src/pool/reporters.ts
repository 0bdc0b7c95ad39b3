import { renderPoolJson, renderPoolMarkdown } from './render-structured.js';
import { renderPoolText } from './render-text.js';
import type { PoolReport } from './types.js';

/** Renders a pool report as one document, ending in a newline. */
export interface PoolReporter {
  readonly name: 'text' | 'json' | 'markdown';
  render(report: PoolReport, options: { readonly color: boolean }): string;
}

/** The pool reporters, keyed by `--format` name. */
export const poolReporters: { readonly [N in PoolReporter['name']]: PoolReporter } = {
  text: { name: 'text', render: renderPoolText },
  json: { name: 'json', render: (report) => renderPoolJson(report) },
  markdown: { name: 'markdown', render: (report) => renderPoolMarkdown(report) },
};
