/** Reporters keyed by the name users choose them by (`--format`). */
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { markdownReporter } from './markdown.js';
import { textReporter } from './text.js';
import { sarifReporter } from './sarif.js';
import type { Reporter } from './types.js';

export type { Reporter } from './types.js';
/** Every reporter, by name. */
export const reporters = {
  text: textReporter,
  json: jsonReporter,
  markdown: markdownReporter,
  html: htmlReporter,
  sarif: sarifReporter,
} as const satisfies Record<string, Reporter>;

/** The name of a built-in reporter. */
export type ReporterName = keyof typeof reporters;

/** The reporter with this name, or undefined; names inherited from Object (`toString`) are not reporters. */
export function getReporter(name: string): Reporter | undefined {
  return Object.hasOwn(reporters, name) ? reporters[name as ReporterName] : undefined;
}
