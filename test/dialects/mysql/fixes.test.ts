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
  message: string;
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
    expect(finding.message).toContain(
      'with the primary-key columns the engine appends to every secondary index, k_a_id (a, id) and k_a (a) both store (a, id) in the same order',
    );
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
      expect(low[0]!.message).toMatch(
        /2 distinct values over ~[\d,]+ rows \(how the rows share them is not known: the database keeps no column statistics/,
      );
      // A binary height-balanced histogram (MariaDB's default kind) stores positions, not values.
      await own.exec(`SET SESSION histogram_type = 'DOUBLE_PREC_HB';\nANALYZE TABLE t PERSISTENT FOR ALL;`);
      const analyzed = audit(own.url).filter((f) => f.rule === 'low-cardinality-index') as (Finding & { message: string })[];
      expect(analyzed[0]!.message).toMatch(
        /2 distinct values over ~[\d,]+ rows \(how the rows share them is not known: its column statistics list no values/,
      );
    } finally {
      await own.close();
    }
  });
});

describe('MySQL/MariaDB: statistics taken while a table was empty', () => {
  it('are unknown, not "0 distinct values": no low-cardinality finding from them', async () => {
    const own = await createMysqlDatabase(TEST_MYSQL_URL, 'dialects2_stale');
    try {
      // Persistent statistics without automatic recalculation keep what they measured on the empty
      // table (n_diff_pfx01 = 0) while the row estimate follows the 2,000 rows inserted since: what
      // a bulk load looks like until InnoDB's background recalculation runs.
      await own.exec(`CREATE TABLE t (id INT PRIMARY KEY, kind INT NOT NULL, KEY ix_kind (kind)) ENGINE=InnoDB STATS_PERSISTENT=1 STATS_AUTO_RECALC=0;
INSERT INTO t SELECT seq, seq % 3 FROM seq_1_to_2000;`);
      const [stats] = await own.connection.query(
        `SELECT stat_value FROM mysql.innodb_index_stats WHERE database_name = DATABASE() AND index_name = 'ix_kind' AND stat_name = 'n_diff_pfx01'`,
      );
      expect(stats).toEqual([{ stat_value: 0 }]);
      expect(audit(own.url).filter((f) => f.rule === 'low-cardinality-index')).toEqual([]);
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
