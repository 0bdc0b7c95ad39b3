/**
 * The configuration and replica side of `dbdoctor audit`: which config file applies, what it
 * changes in the audit, and the standbys to read index usage from.
 */
import { openPostgresUrl, parsePostgresUrl } from '../dialects/postgres/connect.js';
import type { AuditOptions, ReplicaSource } from '../audit/run.js';
import { expandEnv, loadConfig } from '../config/load.js';
import { ruleOptionsFromConfig, tableOverridesFromConfig } from '../config/apply.js';
import { UserError } from '../util/errors.js';
import { nodeNameOf } from '../dialects/postgres/introspect/replica-usage.js';

/** What the configuration contributes to an audit, and the replica URLs to open. */
export interface AuditConfiguration {
  readonly path: string | null;
  readonly options: Pick<AuditOptions, 'ruleOptions' | 'tableTypes' | 'ignore'>;
  /** Replica URLs from `--replica` and the config's `replicas`, environment variables expanded. */
  readonly replicaUrls: readonly string[];
}

/**
 * Loads `--config FILE` (or the config in `cwd`), merges `--replica` URLs with its `replicas`, and
 * `--stats-since` (which wins) with its `statsSince`.
 */
export async function resolveAuditConfiguration(
  configPath: string | undefined,
  replicaFlags: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  statsSinceFlag?: string,
): Promise<AuditConfiguration> {
  const statsSince = statsSinceFlag !== undefined ? { statsSince: parseStatsSince(statsSinceFlag) } : {};
  const loaded = await loadConfig(configPath, cwd);
  const fromConfig = (loaded?.config.replicas ?? []).map((url, i) => expandEnv(url, env, `config ${loaded?.path ?? ''} replicas[${i}]`));
  const replicaUrls = [...new Set([...replicaFlags.map((url) => expandEnv(url, env, '--replica')), ...fromConfig])];
  if (!loaded) return { path: null, options: statsSinceFlag !== undefined ? { ruleOptions: statsSince } : {}, replicaUrls };
  return {
    path: loaded.path,
    options: {
      ruleOptions: { ...ruleOptionsFromConfig(loaded.config), ...statsSince },
      tableTypes: tableOverridesFromConfig(loaded.config),
      ignore: loaded.config.ignore ?? [],
    },
    replicaUrls,
  };
}

/** A node's name for reports: scheme, host, port and database, never a user name or password. */
function replicaNodeName(text: string): string {
  return nodeNameOf(parsePostgresUrl(text).toString());
}

/** Options every command that audits accepts for the configuration and replicas. */
export interface ConfigCommandOptions {
  readonly config?: string;
  readonly replica?: string[];
  /** `--stats-since DATE`: since when the usage statistics count (wins over the configuration's `statsSince`). */
  readonly statsSince?: string;
}

/** The `--stats-since` date, checked: a date in the past. */
function parseStatsSince(text: string, now: Date = new Date()): string {
  const at = Date.parse(text);
  if (!Number.isFinite(at)) throw new UserError(`--stats-since: "${text}" is not a date (e.g. 2026-01-31 or 2026-01-31T12:00:00Z)`);
  if (at > now.getTime()) throw new UserError(`--stats-since: ${text} is in the future`);
  return new Date(at).toISOString();
}

/**
 * Runs `work` with the audit options the configuration and the replicas give (replicas open for
 * its duration), so that `fix` and `apply` see exactly what `audit` reports: silenced findings are
 * not fixed, and an index used on a replica is not dropped.
 */
export async function withConfiguredAudit<T>(
  options: ConfigCommandOptions,
  io: { readonly env: NodeJS.ProcessEnv; readonly cwd?: string },
  work: (auditOptions: Pick<AuditOptions, 'ruleOptions' | 'tableTypes' | 'ignore' | 'replicas'>) => Promise<T>,
): Promise<T> {
  const configuration = await resolveAuditConfiguration(
    options.config,
    options.replica ?? [],
    io.env,
    io.cwd ?? process.cwd(),
    options.statsSince,
  );
  const replicas = await openReplicas(configuration.replicaUrls);
  try {
    return await work({ ...configuration.options, replicas: replicas.replicas });
  } finally {
    await replicas.close();
  }
}

/** Open replica connections, closed together. */
export interface OpenReplicas {
  readonly replicas: readonly ReplicaSource[];
  close(): Promise<void>;
}

/**
 * Connects to every replica. One that cannot be reached is an error: an index "unused" on the
 * primary may be what the replicas' queries use, so skipping a node would make findings wrong.
 */
export async function openReplicas(urls: readonly string[]): Promise<OpenReplicas> {
  const opened: { name: string; close: () => Promise<void>; source: ReplicaSource }[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(opened.map((o) => o.close().catch(() => undefined)));
  };
  try {
    for (const url of urls) {
      const name = replicaNodeName(url);
      let open;
      try {
        open = await openPostgresUrl(url);
      } catch (error) {
        throw new UserError(
          `replica ${name} cannot be reached: ${error instanceof Error ? error.message.replace(/^could not connect to \S+: /, '') : String(error)}`,
        );
      }
      opened.push({ name, close: () => open.close(), source: { name, db: open.db } });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { replicas: opened.map((o) => o.source), close };
}
