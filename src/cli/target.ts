import { asPostgresTarget, openAuditTarget, type AuditTarget, type OpenTarget, type TargetOptions } from '../sources/open-target.js';
import { createDemoDatabase } from '../sources/demo/index.js';
import { openDemoSnapshot } from '../sources/demo/snapshot.js';
import { UserError, redactSecrets } from '../util/errors.js';
import { printable } from '../util/printable.js';
import { silentProgress, type ProgressReporter } from '../util/progress.js';

/** Opens the demo database in PGlite like any other target. */
async function openDemo(): Promise<OpenTarget> {
  // The snapshot the build wrote starts in a fraction of the time the workload takes; a checkout that was not built replays it.
  const snapshot = await openDemoSnapshot();
  if (snapshot !== null) return { db: snapshot.db, info: { kind: 'demo', name: 'demo' }, close: () => snapshot.close() };
  const lite = await createDemoDatabase();
  return { db: lite, info: { kind: 'demo', name: 'demo' }, close: () => lite.close() };
}

/** Resolves the target: the argument, else $DATABASE_URL; null for --demo, which needs neither. */
export function targetOf(argument: string | undefined, options: { readonly demo?: boolean }, env: NodeJS.ProcessEnv): string | null {
  if (options.demo) {
    if (argument) throw new UserError('give either a target or --demo, not both');
    return null;
  }
  const target = argument ?? env.DATABASE_URL;
  if (!target)
    throw new UserError(
      'no target: give a postgres://, mysql:// or sqlite: target, a .sql file or a SQLite file, set DATABASE_URL, or use --demo',
    );
  return target;
}

/** Opens the demo or the resolved target, of any dialect, saying so to `progress` (never with the target's text: it may hold a password). */
export async function openTargetOrDemo(
  target: string | null,
  options: TargetOptions = {},
  progress: ProgressReporter = silentProgress,
): Promise<AuditTarget> {
  if (target === null) {
    progress.phase('starting the demo database (PGlite)');
    return asPostgresTarget(await openDemo());
  }
  const url = /^[a-z][a-z0-9+.-]+:/i.test(target);
  progress.phase(url ? 'connecting' : 'starting PostgreSQL (PGlite)');
  return openAuditTarget(target, {
    ...options,
    onStatement: (loaded, total) => {
      if (loaded === 0) progress.phase('loading the schema');
      progress.count(loaded, total, 'statements');
    },
  });
}

/** Prints a target's warnings on stderr, one line each, before its report (see OpenTarget.warnings). */
export function printTargetWarnings(
  target: { readonly warnings?: readonly string[] },
  stderr: { write(text: string): unknown } | undefined,
): void {
  // A Python traceback can quote a connection string, and a model file name can hold escape sequences.
  for (const warning of target.warnings ?? []) stderr?.write(`dbdoctor: warning: ${printable(redactSecrets(warning))}\n`);
}
