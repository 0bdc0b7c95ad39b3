import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MYSQL_CORPUS } from '../../../bench/compare-corpus.js';
import { compareOnCorpus, droppable } from '../../../bench/compare-mysql.js';
import { createMysqlDatabase, TEST_MYSQL_URL, type TestMysqlDatabase } from './helpers.js';

const CLI = fileURLToPath(new URL('../../../dist/src/cli/main.js', import.meta.url));

interface Finding {
  rule: string;
  table?: string;
  index?: string;
  coveredBy?: string;
  help: string;
  fix?: { up: string[]; down: string[]; notes: string[] };
}

function audit(url: string): Finding[] {
  try {
    return (
      JSON.parse(execFileSync(process.execPath, [CLI, 'audit', url, '--format', 'json'], { encoding: 'utf8' })) as { findings: Finding[] }
    ).findings;
  } catch (error) {
    return (JSON.parse((error as { stdout: string }).stdout) as { findings: Finding[] }).findings;
  }
}

let db: TestMysqlDatabase;
beforeAll(async () => {
  db = await createMysqlDatabase(TEST_MYSQL_URL, 'dialects2_fixes');
  await db.exec(MYSQL_CORPUS.replace(/\n\s+/g, ' ').replace(/;\s/g, ';\n'));
});
afterAll(async () => db?.close());

async function showCreate(table: string): Promise<string> {
  const [rows] = await db.connection.query(`SHOW CREATE TABLE \`${table}\``);
  return (rows as Record<string, string>[])[0]!['Create Table']!;
}

describe('MySQL/MariaDB: index semantics on InnoDB', () => {
  it('reports only what can go: the appended primary key, exact duplicates, left prefixes; never a prefix key, a DESC key, FULLTEXT or an index a foreign key needs', () => {
    const drops = audit(db.url)
      .filter((f) => f.rule === 'duplicate-index' || f.rule === 'redundant-index')
      .map((f) => `${f.rule} ${f.table}.${f.index} -> ${f.coveredBy}`)
      .sort();
    expect(drops).toEqual([
      'duplicate-index clustered.k_a_id -> k_a',
      'duplicate-index real_dups.k2 -> k1',
      'redundant-index real_dups.k3 -> k1',
    ]);
  });

  it('writes ALTER TABLE … DROP INDEX online, and the way back restores the table exactly', async () => {
    const finding = audit(db.url).find((f) => f.index === 'k_a_id')!;
    expect(finding.fix!.up).toEqual([`ALTER TABLE \`${db.name}\`.\`clustered\` DROP INDEX \`k_a_id\`, ALGORITHM=INPLACE, LOCK=NONE`]);
    expect(finding.fix!.notes.join(' ')).toContain(`ALTER TABLE \`${db.name}\`.\`clustered\` ALTER INDEX \`k_a_id\` IGNORED`);
    const before = await showCreate('clustered');
    for (const sql of finding.fix!.up) await db.connection.query(sql);
    expect(await showCreate('clustered')).not.toContain('k_a_id');
    for (const sql of finding.fix!.down) await db.connection.query(sql);
    expect(await showCreate('clustered')).toBe(before);
  });

  it('where pt-duplicate-key-checker drops the last index a foreign key needs, MariaDB refuses it (1553) and dbdoctor keeps it', async () => {
    await expect(db.connection.query('ALTER TABLE fk_prefix DROP INDEX k_code')).rejects.toThrow(/needed in a foreign key constraint/);
    expect(audit(db.url).some((f) => f.table === 'fk_prefix')).toBe(false);
  });
});

describe('MySQL/MariaDB: low-cardinality-index from InnoDB statistics', () => {
  it('takes the distinct count from the index (CARDINALITY) where no column statistics exist, and says the shares are unknown', async () => {
    const own = await createMysqlDatabase(TEST_MYSQL_URL, 'dialects2_lowcard');
    try {
      // 20,000 rows, flag alternating 0/1 (MariaDB's sequence engine): 2 distinct values once ANALYZE TABLE ran.
      await own.exec(`CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, flag TINYINT NOT NULL, KEY ix_flag (flag)) ENGINE=InnoDB;
INSERT INTO t (flag) SELECT seq % 2 FROM seq_1_to_20000;
ANALYZE TABLE t;`);
      const low = audit(own.url).filter((f) => f.rule === 'low-cardinality-index') as (Finding & { message: string })[];
      expect(low.map((f) => f.index)).toEqual(['ix_flag']);
      expect(low[0]!.message).toMatch(/2 distinct values over ~[\d,]+ rows \(how the rows share them is not known/);
    } finally {
      await own.close();
    }
  });
});

describe('npm run compare:mysql', () => {
  it('pt-duplicate-key-checker drops a full-column index for a prefix one, ASC for DESC and a foreign key’s index; dbdoctor is exact', async () => {
    const [pt, dbdoctor] = await compareOnCorpus(TEST_MYSQL_URL, `dialects2_compare_${process.pid}`);
    expect(pt!.drops.filter((d) => !droppable(d))).toEqual(['directions.k_a_b', 'fk_prefix.k_code', 'prefixes.k_name']);
    expect(dbdoctor!.precision).toBe(1);
    expect(dbdoctor!.recall).toBe(1);
  });
});
