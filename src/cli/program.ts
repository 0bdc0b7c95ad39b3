import { Command, CommanderError, Option } from 'commander';
import { UserError, redactSecrets } from '../errors.js';
import { runAuditCommand, type CommandIo } from './audit-command.js';
import { EXIT_ERROR } from './exit.js';
import { VERSION } from '../version.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Builds the command line; `run` sets the exit code through the returned promise. */
function buildProgram(io: CommandIo, setExitCode: (code: number) => void): Command {
  const program = new Command('dbdoctor')
    .description('Audit a database\'s indexes the way an expert DBA would, and fix what it finds.')
    .version(VERSION)
    .exitOverride()
    .showSuggestionAfterError(false)
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => undefined });

  program
    .command('audit')
    .description('audit a PostgreSQL database, a .sql schema file (or folder of migrations), or the built-in demo')
    .argument('[target]', 'postgres:// URL, .sql file or folder; defaults to $DATABASE_URL')
    .option('--demo', 'audit the built-in demo application (runs in-process on PGlite)')
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json', 'markdown']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('-s, --schema <name>', 'audit only this schema (repeatable); default: all user schemas', collect)
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(['critical', 'medium', 'low', 'none']).default('critical'))
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => undefined })
    .action(async (target: string | undefined, options) => {
      setExitCode(await runAuditCommand(target, options, io));
    });
  return program;
}

/** Runs the CLI with the given arguments (without `node` and the script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CommandIo, stderr: { write(text: string): unknown }): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code));
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
    const message = error instanceof UserError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
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
