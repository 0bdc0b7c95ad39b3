import { Command, CommanderError, Option } from 'commander';
import { UserError, redactSecrets } from '../util/errors.js';
import { runAuditCommand, type AuditCommandOptions, type CommandIo } from './audit-command.js';
import { runApplyCommand, type ApplyCommandOptions } from './apply-command.js';
import { runFixCommand, type FixCommandOptions } from './fix-command.js';
import { runPoolCommand, type PoolCommandOptions } from './pool-command.js';
import { POOL_DRIVERS } from '../pool/types.js';
import { runDocsCommand, type DocsCommandOptions } from './docs-command.js';
import { runRulesCommand } from './rules-command.js';
import { EXIT_ERROR } from './exit.js';
import { VERSION } from '../util/version.js';

/** What a target argument may be. */
const TARGET_HELP =
  'postgres://, mysql:// or sqlite: target, .sql file or folder, SQLite file, or SQLAlchemy models; defaults to $DATABASE_URL';

/** The options of the commands that read a target from files: how .sql files load, which Python imports models. */
function withFileTargetOptions(command: Command): Command {
  return command
    .option('--strict', 'a .sql target: stop at the first statement that fails instead of skipping it as psql does')
    .option('--load-timeout <duration>', 'a .sql target: how long one statement may run while loading (default 30s)')
    .option('--python <path>', 'SQLAlchemy models: the Python that imports them (default: python3 with SQLAlchemy)');
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Builds the command line; `run` sets the exit code through the returned promise. */
function buildProgram(io: CommandIo, setExitCode: (code: number) => void): Command {
  const program = new Command('dbdoctor')
    .description("Audit a database's indexes the way an expert DBA would, and fix what it finds.")
    .version(VERSION)
    .exitOverride()
    .showSuggestionAfterError(false)
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => undefined });

  withFileTargetOptions(program.command('audit'))
    .description(
      'audit a database (PostgreSQL, MySQL/MariaDB, SQLite), a .sql schema file or migrations folder, SQLAlchemy models, or the built-in demo',
    )
    .argument('[target]', TARGET_HELP)
    .option('--demo', 'audit the built-in demo application (runs in-process on PGlite)')
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json', 'markdown', 'html', 'sarif']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('-s, --schema <name>', 'audit only this schema (repeatable); default: all user schemas', collect)
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
        .choices(['critical', 'medium', 'low', 'none'])
        .default('critical'),
    )
    .option('-c, --config <file>', 'dbdoctor.config.json or .yaml (default: the one in the working directory, if any)')
    .option(
      '--replica <url>',
      'a standby whose index usage counts too: an index is unused only if unused on every node (repeatable)',
      collect,
    )
    .option(
      '--stats-since <date>',
      'since when the usage statistics count, when the server never reset them and cannot date them (ISO date)',
    )
    .option(
      '--models <path>',
      'the SQLAlchemy models of this database: findings point at their lines, and drift between the two is reported',
    )
    .addOption(
      new Option('--dialect <dialect>', 'SQLAlchemy models: the dialect their DDL is compiled for (default postgresql)').choices([
        'postgresql',
        'sqlite',
      ]),
    )
    .option('--log <file>', 'a PostgreSQL log file (stderr, csvlog or jsonlog) to read the queries from (repeatable)', collect)
    .option('--baseline <file>', 'an earlier JSON report: report, count and fail only on findings that are not in it')
    .option('--queries <file>', 'a file of the SQL statements the application runs, separated by semicolons (repeatable)', collect)
    .option('--progress', 'show progress on stderr even when it is not a terminal')
    .option('--quiet', 'show no progress, even on a terminal')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => undefined })
    .action(async (target: string | undefined, options: AuditCommandOptions) => {
      setExitCode(await runAuditCommand(target, options, io));
    });
  withFileTargetOptions(program.command('docs'))
    .description(
      'write the index-strategy document: per table its type, query patterns and every index with the queries it serves; what to remove and add; a maintenance schedule',
    )
    .argument('[target]', TARGET_HELP)
    .option('--demo', 'document the built-in demo application (runs in-process on PGlite)')
    .addOption(new Option('-f, --format <format>', 'document format').choices(['markdown', 'html']).default('markdown'))
    .option('-o, --output <file>', 'where to write it (default ./INDEX_STRATEGY.md, or .html; - for standard output)')
    .option('-s, --schema <name>', 'only this schema (repeatable); default: all user schemas', collect)
    .option('--log <file>', 'a PostgreSQL log file to read the queries from (repeatable)', collect)
    .option(
      '--stats-since <date>',
      'since when the usage statistics count, when the server never reset them and cannot date them (ISO date)',
    )
    .option('--queries <file>', 'a file of the SQL statements the application runs (repeatable)', collect)
    .option('-c, --config <file>', 'dbdoctor.config.json or .yaml (default: the one in the working directory, if any)')
    .option('--progress', 'show progress on stderr even when it is not a terminal')
    .option('--quiet', 'show no progress, even on a terminal')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => undefined })
    .action(async (target: string | undefined, options: DocsCommandOptions) => {
      setExitCode(await runDocsCommand(target, options, io));
    });
  withFileTargetOptions(program.command('fix'))
    .description('write a migration (SQL, Alembic or Knex) that fixes the findings that have a fix, with the exact way back')
    .argument('[target]', TARGET_HELP)
    .addOption(new Option('-f, --format <format>', 'migration format').choices(['sql', 'alembic', 'knex']).default('sql'))
    .option('-o, --output <dir>', 'folder to write the migration to', './dbdoctor-migration')
    .option('-s, --schema <name>', 'audit only this schema (repeatable); default: all user schemas', collect)
    .option('-r, --rule <id>', 'only findings of this rule (repeatable)', collect)
    .option('--min-severity <severity>', 'only findings at this severity or above: critical, medium or low')
    .option('-t, --table <name>', 'only findings on this table, as table or schema.table (repeatable)', collect)
    .option('--lock-timeout <duration>', 'lock_timeout the migration sets (e.g. 500ms, 5s)', '5s')
    .option('--statement-timeout <duration>', 'statement_timeout the migration sets; 0 for none', '0')
    .option('--revision <id>', 'Alembic revision id (default: random)')
    .option('--down-revision <id>', 'Alembic revision this one follows')
    .option(
      '-c, --config <file>',
      'dbdoctor.config.json or .yaml (default: the one in the working directory): silenced findings are not fixed',
    )
    .option('--replica <url>', 'a standby whose index usage counts too, so an index used there is not dropped (repeatable)', collect)
    .option(
      '--stats-since <date>',
      'since when the usage statistics count, when the server never reset them and cannot date them (ISO date)',
    )
    .option('--write', 'SQLAlchemy models: edit the model files in place (models.patch is written either way)')
    .option(
      '--queries <file>',
      'a file of the SQL statements the application runs (repeatable): the fixes that rest on the workload need it',
      collect,
    )
    .option('--log <file>', 'a PostgreSQL log file to read the queries from (repeatable)', collect)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => undefined })
    .action(async (target: string | undefined, options: FixCommandOptions) => {
      setExitCode(await runFixCommand(target, options, io));
    });
  program
    .command('apply')
    .description(
      'apply the fixes (or a migration folder from dbdoctor fix) to a live database one statement at a time, journaled; or resume or roll back the last run',
    )
    .argument('[target]', 'the live database: a postgres://, mysql:// or mariadb:// URL or a SQLite file; defaults to $DATABASE_URL')
    .option('--from <dir>', 'apply the migration folder dbdoctor fix wrote, instead of auditing now')
    .option('-y, --yes', 'apply without asking')
    .option('--dry-run', 'print the plan and the statements, execute nothing')
    .option('--resume', 'continue the last run where it stopped')
    .option('--rollback', 'undo the last run, last step first')
    .option('-s, --schema <name>', 'audit only this schema (repeatable); default: all user schemas', collect)
    .option('-r, --rule <id>', 'only findings of this rule (repeatable)', collect)
    .option('--min-severity <severity>', 'only findings at this severity or above: critical, medium or low')
    .option('-t, --table <name>', 'only findings on this table, as table or schema.table (repeatable)', collect)
    .option(
      '--lock-timeout <duration>',
      "longest a statement waits for a lock before it gives up and is retried (default: the plan's, else 5s)",
    )
    .option('--statement-timeout <duration>', "statement_timeout; 0 for none (default: the plan's, else 0)")
    .option('--retries <n>', 'retries of a statement that hit the lock timeout (default 5)')
    .option('--retry-delay <duration>', 'first wait before a retry, doubled each time (default 1s)')
    .option('--accept-edits', 'run a plan folder whose steps were edited after dbdoctor fix wrote them (a reviewed change)')
    .option(
      '-c, --config <file>',
      'dbdoctor.config.json or .yaml (default: the one in the working directory): silenced findings are not applied',
    )
    .option('--replica <url>', 'a standby whose index usage counts too, so an index used there is not dropped (repeatable)', collect)
    .option(
      '--stats-since <date>',
      'since when the usage statistics count, when the server never reset them and cannot date them (ISO date)',
    )
    .option(
      '--queries <file>',
      'a file of the SQL statements the application runs (repeatable): the fixes that rest on the workload need it',
      collect,
    )
    .option('--log <file>', 'a PostgreSQL log file to read the queries from (repeatable)', collect)
    .option('--progress', 'show progress (audit phases, index builds) on stderr even when it is not a terminal')
    .option('--quiet', 'show no progress, even on a terminal')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => undefined })
    .action(async (target: string | undefined, options: ApplyCommandOptions) => {
      setExitCode(await runApplyCommand(target, options, io));
    });
  program
    .command('rules')
    .description('list the rules an audit runs: id, default severity, what each finds, and its docs page')
    .addOption(new Option('-f, --format <format>', 'list format').choices(['text', 'json']).default('text'))
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => undefined })
    .action((options: { format?: string }) => {
      setExitCode(runRulesCommand(options, io));
    });
  program
    .command('pool')
    .description("size a connection pool from the load, the deployment and the server's limits, and check its settings")
    .argument('[target]', 'postgres:// or mysql:// URL to read max_connections and current connections from (optional)')
    .option(
      '--from <file>',
      'read the pool settings from application code, parsed, never run: SQLAlchemy, psycopg_pool, psycopg2.pool or Django settings (Python); node-postgres, mysql2, knex, Sequelize or Prisma (JS, TS, .env); JSON or YAML',
    )
    .option('--config <file>', 'a JSON or YAML config file with a "pool" section (flags override it)')
    .addOption(new Option('--driver <driver>', 'the pool the recommendations are written for').choices([...POOL_DRIVERS]))
    .option('--set <key=value>', 'a pool setting by its driver name, e.g. pool_size=50 (repeatable; overrides --from)', collect)
    .option('--instances <n>', 'application instances, or MIN-MAX when autoscaled (default 1)')
    .option('--processes <n>', 'processes (workers) per instance, each with its own pool (default 1)')
    .option('--other-connections <n>', 'connections other clients hold (default 0)')
    .option('--concurrency <n>', 'queries in flight on average across the deployment: N, or N×FRACTION such as 26x60%')
    .option('--rps <n>', "requests per second across the deployment (with --query-ms: Little's law)")
    .option('--queries-per-request <n>', 'queries per request (default 1)')
    .option('--query-ms <n>', 'milliseconds a query holds its connection')
    .option('--max-connections <n>', "the server's max_connections, when no target is given")
    .option('--reserved-connections <n>', 'connections the server reserves (superuser and reserved), when no target is given')
    .option('--cores <n>', "the database server's CPU cores")
    .option('--application-name <name>', "the application's application_name, to count other clients' connections on the server")
    .option('--dialect <dialect>', 'postgresql or mysql, when neither the target nor the code says')
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json', 'markdown']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity')
        .choices(['critical', 'medium', 'low', 'none'])
        .default('critical'),
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => undefined })
    .action(async (target: string | undefined, options: PoolCommandOptions) => {
      setExitCode(await runPoolCommand(target, options, io));
    });
  return program;
}

/** Runs the CLI with the given arguments (without `node` and the script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CommandIo, stderr: { write(text: string): unknown }): Promise<number> {
  let exitCode = 0;
  // Progress goes to stderr; a caller's io may name its own.
  const program = buildProgram(io.stderr ? io : { ...io, stderr }, (code) => (exitCode = code));
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version exit through here with code 0.
      if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      stderr.write(`dbdoctor: ${error.message.replace(/^error: /, '')}\n`);
      return EXIT_ERROR;
    }
    const message =
      error instanceof UserError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    stderr.write(`dbdoctor: ${redactSecrets(message.split('\n')[0] ?? message, secretsOf(io.env))}\n`);
    return EXIT_ERROR;
  }
}

/** Passwords that may sit in the environment and must never be printed. */
function secretsOf(env: NodeJS.ProcessEnv): string[] {
  const secrets: string[] = [];
  if (env.PGPASSWORD) secrets.push(env.PGPASSWORD);
  try {
    if (env.DATABASE_URL) {
      const password = new URL(env.DATABASE_URL).password;
      if (password) secrets.push(password, decodeURIComponent(password));
    }
  } catch {
    // Not a URL: nothing to hide in it.
  }
  return secrets;
}
