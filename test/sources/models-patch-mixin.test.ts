/**
 * models.patch and a mixin's `index=True`: the declaration is every inheriting table's index, so it
 * is removed (once) only when the migration drops the index of every one of them, and left with a
 * note otherwise. Each patch goes through `git apply`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { pythonWithAlembic } from '../helpers/python.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

function must(command: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')}: ${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const MIXIN = [
  'from sqlalchemy import Column, Index, Integer, String',
  'from sqlalchemy.orm import declarative_base',
  '',
  'Base = declarative_base()',
  '',
  '',
  'class TenantMixin:',
  '    tenant_id = Column(Integer, nullable=False, index=True)',
  '',
  '',
  'class Order(TenantMixin, Base):',
  '    __tablename__ = "orders"',
  '    __table_args__ = (Index("ix_orders_tenant_ref", "tenant_id", "ref"),)',
  '    id = Column(Integer, primary_key=True)',
  '    ref = Column(String(20))',
  '',
  '',
];

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function fix(models: string): Promise<{ dir: string; stdout: string; patch: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sqlalchemy-mixin-'));
  dirs.push(dir);
  await writeFile(join(dir, 'models.py'), models);
  await must('git', ['init', '-q'], dir);
  await must('git', ['add', '-A'], dir);
  await must('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', 'commit', '-qm', 'models'], dir);
  const python = await pythonWithAlembic();
  const stdout = await must(process.execPath, [CLI, 'fix', 'models.py', '--format', 'alembic', '--output', 'mig', '--python', python], dir);
  return { dir, stdout, patch: await readFile(join(dir, 'mig', 'models.patch'), 'utf8') };
}

describe("models.patch and a mixin's index=True", () => {
  test('another table keeps the index it inherits: the declaration stays, and the output says why', async () => {
    const { stdout, patch } = await fix(
      [
        ...MIXIN,
        'class Invoice(TenantMixin, Base):',
        '    __tablename__ = "invoices"',
        '    id = Column(Integer, primary_key=True)',
        '',
      ].join('\n'),
    );
    expect(stdout).toContain('ix_orders_tenant_id: index=True at models.py:8 is inherited by orders, invoices');
    expect(patch).not.toContain('-    tenant_id = Column(Integer, nullable=False, index=True)');
  });

  test('every inheriting table loses the index: the declaration is removed once, and git applies the patch', async () => {
    const { dir, patch } = await fix(
      [
        ...MIXIN,
        'class Invoice(TenantMixin, Base):',
        '    __tablename__ = "invoices"',
        '    __table_args__ = (Index("ix_invoices_tenant_ref", "tenant_id", "ref"),)',
        '    id = Column(Integer, primary_key=True)',
        '    ref = Column(String(20))',
        '',
      ].join('\n'),
    );
    expect(patch.match(/^- {4}tenant_id = Column\(Integer, nullable=False, index=True\)$/gm)).toHaveLength(1);
    await must('git', ['apply', join('mig', 'models.patch')], dir);
    expect(await readFile(join(dir, 'models.py'), 'utf8')).toContain('    tenant_id = Column(Integer, nullable=False)\n');
  });
});
