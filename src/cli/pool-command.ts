import { writeFile } from 'node:fs/promises';
import { UserError } from '../util/errors.js';
import { analyzePool } from '../pool/analyze.js';
import type { PoolOptions } from '../pool/inputs.js';
import { poolReporters } from '../pool/reporters.js';
import type { CommandIo } from './audit-command.js';
import { exitCodeFor, type FailOn } from './exit.js';

/** Options of `dbdoctor pool`, as commander hands them over. */
export interface PoolCommandOptions extends PoolOptions {
  readonly format?: string;
  readonly output?: string;
  readonly failOn: FailOn;
}

/** Sizes the pool, prints or writes the report; returns the exit code. */
export async function runPoolCommand(target: string | undefined, options: PoolCommandOptions, io: CommandIo): Promise<number> {
  const { format = 'text', output, failOn, ...flags } = options;
  const reporter = format === 'text' || format === 'json' || format === 'markdown' ? poolReporters[format] : undefined;
  if (!reporter) throw new UserError(`unknown format "${format}" (choose ${Object.keys(poolReporters).join(', ')})`);
  const report = await analyzePool(target, flags);
  const color = output === undefined && io.stdout.isTTY === true && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '');
  const text = reporter.render(report, { color });
  if (output !== undefined) {
    try {
      await writeFile(output, text);
    } catch (error) {
      throw new UserError(`cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  } else {
    io.stdout.write(text);
  }
  return exitCodeFor(report.findings, failOn);
}
