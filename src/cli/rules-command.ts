/** `dbdoctor rules`: the rules an audit runs, with their default severity and docs page. */
import { allRules } from '../rules/index.js';
import { ruleDocsUrl } from '../report/links.js';
import { UserError } from '../util/errors.js';
import { EXIT_CLEAN } from './exit.js';
import type { CommandIo } from './audit-command.js';

/** Options of `dbdoctor rules`. */
export interface RulesCommandOptions {
  readonly format?: string;
}

/** One rule as `dbdoctor rules --format json` lists it. */
interface RuleListing {
  readonly id: string;
  readonly severity: string;
  readonly summary: string;
  readonly docs: string;
}

/** Every rule, in report order. */
function listRules(): RuleListing[] {
  return allRules.map((rule) => ({
    id: rule.id,
    severity: rule.severity,
    summary: rule.docs.description,
    docs: ruleDocsUrl(rule.docs.page),
  }));
}

/** Aligns the id and severity columns; the summary and link follow on their own lines to stay readable in 80 columns. */
function renderText(rules: readonly RuleListing[]): string {
  const idWidth = Math.max(...rules.map((r) => r.id.length));
  const severityWidth = Math.max(...rules.map((r) => r.severity.length));
  const lines = rules.flatMap((r) => [
    `${r.id.padEnd(idWidth)}  ${r.severity.padEnd(severityWidth)}  ${r.summary}`,
    `${' '.repeat(idWidth + severityWidth + 4)}${r.docs}`,
  ]);
  return `${lines.join('\n')}\n`;
}

/** Prints the rules as text or JSON; returns the exit code. */
export function runRulesCommand(options: RulesCommandOptions, io: Pick<CommandIo, 'stdout'>): number {
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UserError(`unknown format "${format}" (choose text, json)`);
  const rules = listRules();
  io.stdout.write(format === 'json' ? `${JSON.stringify({ version: 1, rules }, null, 2)}\n` : renderText(rules));
  return EXIT_CLEAN;
}
