/**
 * The Python the SQLAlchemy and Alembic tests run: the first of `python3` on PATH and Debian's
 * `/usr/bin/python3` that imports Alembic, SQLAlchemy and psycopg2. None is a failure, not a skip:
 * `.ci/run` installs python3-alembic, python3-sqlalchemy and python3-psycopg2.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

let found: Promise<string> | undefined;

/** Path of a Python with Alembic, SQLAlchemy and psycopg2; rejects naming what is missing. */
export function pythonWithAlembic(): Promise<string> {
  found ??= (async () => {
    for (const python of ['python3', '/usr/bin/python3']) {
      const ok = await run(python, ['-c', 'import alembic, sqlalchemy, psycopg2']).then(
        () => true,
        () => false,
      );
      if (ok) return python;
    }
    throw new Error(
      'no python3 imports alembic, sqlalchemy and psycopg2: apt-get install python3-alembic python3-sqlalchemy python3-psycopg2',
    );
  })();
  return found;
}

/** A libpq URL as SQLAlchemy 1.4+ accepts it (`postgresql://`, not `postgres://`). */
export function sqlalchemyUrl(url: string): string {
  return url.replace(/^postgres(ql)?:\/\//, 'postgresql+psycopg2://');
}
