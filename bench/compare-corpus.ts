/**
 * Tricky MySQL/InnoDB schemas where a duplicate-key checker must look past column names: prefix
 * lengths, DESC key parts, the primary key InnoDB appends, FULLTEXT beside BTREE, and a foreign key
 * whose last usable index must stay. `expected` is what is droppable, from the engine's rules.
 */

/** The corpus's tables (run in a fresh database). */
export const MYSQL_CORPUS = `
CREATE TABLE parents (id INT PRIMARY KEY, code VARCHAR(40) NOT NULL, UNIQUE KEY uq_code (code)) ENGINE=InnoDB;
CREATE TABLE prefixes (id INT PRIMARY KEY, name VARCHAR(100), KEY k_name_10 (name(10)), KEY k_name (name)) ENGINE=InnoDB;
CREATE TABLE directions (id INT PRIMARY KEY, a INT, b INT, KEY k_a_b (a, b), KEY k_a_bdesc (a, b DESC)) ENGINE=InnoDB;
CREATE TABLE fk_prefix (id INT PRIMARY KEY, parent_code VARCHAR(40), note VARCHAR(40),
  KEY k_code (parent_code), KEY k_code5_note (parent_code(5), note),
  CONSTRAINT fk_prefix_code FOREIGN KEY (parent_code) REFERENCES parents (code)) ENGINE=InnoDB;
CREATE TABLE fk_clustered (id INT PRIMARY KEY, parent_id INT, KEY k_parent_id (parent_id, id),
  CONSTRAINT fk_clustered_parent FOREIGN KEY (parent_id) REFERENCES parents (id)) ENGINE=InnoDB;
CREATE TABLE clustered (id INT PRIMARY KEY, a INT, KEY k_a (a), KEY k_a_id (a, id)) ENGINE=InnoDB;
CREATE TABLE kinds (id INT PRIMARY KEY, title VARCHAR(100), FULLTEXT KEY ft_title (title), KEY k_title (title)) ENGINE=InnoDB;
CREATE TABLE real_dups (id INT PRIMARY KEY, a INT, b INT, KEY k1 (a, b), KEY k2 (a, b), KEY k3 (a)) ENGINE=InnoDB;
`;

/**
 * The indexes that can go because another serves all they do (and the engine lets them go), as
 * `table.index`; of interchangeable ones either may go (one of each group), never both.
 */
export const MYSQL_CORPUS_DROPPABLE: readonly (readonly string[])[] = [
  ['clustered.k_a_id', 'clustered.k_a'],
  ['real_dups.k2', 'real_dups.k1'],
  ['real_dups.k3'],
];
