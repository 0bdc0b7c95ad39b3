/**
 * Builds dist/ once before the tests, so that the tests that run the command as a process (the CLI,
 * the CI recipes) run the code under test, never a build left from an earlier install.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function setup(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: resolve(import.meta.dirname, '..'), stdio: 'inherit' });
}
