/**
 * A throwaway MariaDB server of its own, with performance_schema ON (the local server has it OFF,
 * and it may not be restarted or reconfigured): mariadb-install-db into a temporary directory,
 * start mariadbd on a free port, stop it and remove everything afterwards. The binaries are those
 * of the local MariaDB installation. As root, the server runs as the `mysql` user.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectTestServer } from './helpers.js';
import { freePort } from '../../helpers/ports.js';

/** A running server: `url` reaches it as root without a password. */
export interface ThrowawayMariadb {
  readonly url: string;
  stop(): Promise<void>;
}

/** Installs the system tables, starts the server with `settings` (`name=value`), waits until it accepts connections. */
export async function startThrowawayMariadb(settings: readonly string[]): Promise<ThrowawayMariadb> {
  const dir = mkdtempSync(join(tmpdir(), 'dbdoctor-mariadb-'));
  const asRoot = process.getuid?.() === 0;
  const userArgs = asRoot ? ['--user=mysql'] : [];
  if (asRoot) {
    chmodSync(dir, 0o755);
    const uid = Number(execFileSync('id', ['-u', 'mysql'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'mysql'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const dataDir = join(dir, 'data');
  execFileSync(
    'mariadb-install-db',
    ['--no-defaults', `--datadir=${dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...userArgs],
    { stdio: 'pipe' },
  );
  const port = await freePort();
  let output = '';
  const child = spawn(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dir, 'mariadb.sock')}`,
      `--pid-file=${join(dir, 'mariadb.pid')}`,
      '--innodb-buffer-pool-size=16M',
      '--skip-log-bin',
      ...userArgs,
      ...settings.map((s) => `--${s}`),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `mysql://root@127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`mariadbd exited with ${child.exitCode}: ${output.slice(-2000)}`);
    }
    try {
      const connection = await connectTestServer(url);
      await connection.end();
      return { url, stop };
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`mariadbd did not accept connections: ${output.slice(-2000)}`, { cause: error });
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
