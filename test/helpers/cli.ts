/** Runs the command line in this process, as `dbdoctor ARGS` would, and keeps what it printed. */
import { runCli } from '../../src/cli/program.js';

/** What one run printed, and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `dbdoctor ...args` with an empty environment (no DATABASE_URL) and no terminal. */
export async function runCommand(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    [...args],
    { stdout: { write: (s: string) => (stdout += s), isTTY: false }, env },
    { write: (s: string) => (stderr += s) },
  );
  return { code, stdout, stderr };
}
