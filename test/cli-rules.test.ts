import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runCommand, type CliRun } from './helpers/cli.js';
import { allRules } from '../src/rules/index.js';
import { VERSION } from '../src/util/version.js';

const cli = (args: string[]): Promise<CliRun> => runCommand(args);

describe('dbdoctor rules', () => {
  test('--format json lists every rule with its severity, summary and a docs page that exists', async () => {
    const run = await cli(['rules', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const listed = (JSON.parse(run.stdout) as { version: number; rules: { id: string; severity: string; summary: string; docs: string }[] })
      .rules;
    expect(listed.map((r) => r.id)).toEqual(allRules.map((r) => r.id));
    for (const rule of listed) {
      expect(['critical', 'medium', 'low']).toContain(rule.severity);
      expect(rule.summary.length).toBeGreaterThan(10);
      expect(rule.docs).toBe(`https://unpkg.com/dbdoctor@${VERSION}/docs/rules/${rule.id}.md`);
      expect(existsSync(`docs/rules/${rule.id}.md`)).toBe(true);
    }
  });

  test('text: one line per rule with id and severity, then its link', async () => {
    const run = await cli(['rules']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(allRules.length * 2);
    allRules.forEach((rule, i) => {
      expect(lines[2 * i]).toMatch(new RegExp(`^${rule.id} +${rule.severity} +\\S`));
      expect(lines[2 * i + 1]?.trim()).toBe(`https://unpkg.com/dbdoctor@${VERSION}/docs/rules/${rule.id}.md`);
    });
  });

  test('an unknown format is one line on stderr, exit 2', async () => {
    const run = await cli(['rules', '--format', 'xml']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
