/**
 * The CI recipes: the GitHub Action's audit step, run here with bash against this build (instead of
 * the npm release) on a migrations folder, writes the SARIF file and reports the audit's exit code
 * as its output without failing early (so the SARIF is uploaded before the job fails); its last step
 * fails with that code. The pre-commit hooks run the installed command.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, test } from 'vitest';
import { parse } from 'yaml';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/src/cli/main.js');

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  if?: string;
  with?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
  runs: { using: string; steps: Step[] };
}

let action: Action;
let work: string;

beforeAll(async () => {
  // The action runs the released package; here the steps run this tree's build (test/global-setup.ts builds it).
  action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as Action;
  work = await mkdtemp(join(tmpdir(), 'dbdoctor-action-'));
  await mkdir(join(work, 'migrations'));
  await writeFile(
    join(work, 'migrations', '001_users.sql'),
    'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nCREATE INDEX a ON users (email);\nCREATE INDEX b ON users (email);\n',
  );
});

async function runStep(step: Step, env: Record<string, string>): Promise<{ code: number; output: string }> {
  const script = step.run!.replace('npx --yes "dbdoctor@$VERSION"', `node ${JSON.stringify(CLI)}`);
  const outputFile = join(work, `output-${Math.random().toString(36).slice(2)}`);
  await writeFile(outputFile, '');
  try {
    await run('bash', ['-e', '-c', script], { cwd: work, env: { ...process.env, ...env, GITHUB_OUTPUT: outputFile } });
    return { code: 0, output: await readFile(outputFile, 'utf8') };
  } catch (error) {
    return { code: (error as { code: number }).code, output: await readFile(outputFile, 'utf8') };
  }
}

test('the audit step writes SARIF and reports the exit code without failing; the last step fails with it', async () => {
  const steps = action.runs.steps;
  const audit = steps.find((s) => s.id === 'audit')!;
  const env = { TARGET: 'migrations', FAIL_ON: 'critical', BASELINE: '', VERSION: 'local', ARGS: '' };
  const outcome = await runStep(audit, env);
  expect(outcome.code).toBe(0);
  expect(outcome.output).toBe('exit-code=1\n');
  const sarif = JSON.parse(await readFile(join(work, 'dbdoctor.sarif'), 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
  expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toContain('duplicate-index');
  expect(steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif') && s.with?.sarif_file === 'dbdoctor.sarif')).toBe(true);
  const last = steps[steps.length - 1]!;
  expect((await runStep(last, { CODE: '1' })).code).toBe(1);
  expect((await runStep(last, { CODE: '0' })).code).toBe(0);
});

test('with fail-on none the audit passes, and a baseline of the same report leaves nothing new', async () => {
  const audit = action.runs.steps.find((s) => s.id === 'audit')!;
  await run('node', [CLI, 'audit', 'migrations', '--format', 'json', '--output', 'baseline.json', '--fail-on', 'none'], { cwd: work });
  const outcome = await runStep(audit, { TARGET: 'migrations', FAIL_ON: 'low', BASELINE: 'baseline.json', VERSION: 'local', ARGS: '' });
  expect(outcome.output).toBe('exit-code=0\n');
});

test('the pre-commit hooks run the dbdoctor command on a folder, not on each file', async () => {
  const hooks = parse(await readFile(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as {
    id: string;
    entry: string;
    language: string;
    pass_filenames: boolean;
  }[];
  expect(hooks.map((h) => h.id)).toEqual(['dbdoctor-migrations', 'dbdoctor-models']);
  for (const hook of hooks) expect(hook).toMatchObject({ entry: 'dbdoctor audit', language: 'node', pass_filenames: false });
});
