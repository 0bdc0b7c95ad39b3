import type { AuditResult } from '../audit/types.js';

/** How a report is rendered. */
export interface RenderOptions {
  /**
   * Write ANSI colour codes. The caller decides (the CLI: only on a terminal and without
   * `NO_COLOR`); reporters that are not meant for a terminal ignore it.
   */
  readonly color: boolean;
  /** Columns to wrap lines to (the terminal's width); reporters for files ignore it. Default 100. */
  readonly width?: number;
  /**
   * Most entries shown per severity in the human-readable reports (the rest are counted, and the
   * JSON/markdown reports have them all); default per reporter.
   */
  readonly limit?: number;
}

/** Turns an audit result into one document. Reporters are plain objects, keyed by name. */
export interface Reporter {
  /** The name users pick it by (`--format <name>`). */
  readonly name: string;
  /** Extension of a file holding this report, without the dot. */
  readonly fileExtension: string;
  /** The whole report, ending in a newline. */
  render(result: AuditResult, options: RenderOptions): string;
}
