/**
 * Finding, reading and validating the configuration file. Every problem becomes one line that
 * names the file, the path inside it and what is wrong.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../util/errors.js';
import { configSchema, type DbdoctorConfig } from './schema.js';

/** File names looked for in the working directory, in this order. */
const CONFIG_FILE_NAMES: readonly string[] = ['dbdoctor.config.json', 'dbdoctor.config.yaml', 'dbdoctor.config.yml'];

/** A configuration and the file it came from. */
export interface LoadedConfig {
  readonly path: string;
  readonly config: DbdoctorConfig;
}

/** `tables["public.users"]`, `ignore[0].reason`: a zod issue path as a person reads it. */
function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && /^[A-Za-z_$][\w$]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out === '' ? '(top level)' : out;
}

function issueText(issue: z.core.$ZodIssue): string {
  // A record key that fails its own check: the key's message says what a key must look like.
  if (issue.code === 'invalid_key' && issue.issues[0]) return `${pathText(issue.path)}: ${issue.issues[0].message}`;
  if (issue.code === 'unrecognized_keys')
    return `${pathText(issue.path)}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${pathText(issue.path)}: ${issue.message}`;
}

/** Validates parsed configuration data; `source` names it in errors. */
export function parseConfig(data: unknown, source: string): DbdoctorConfig {
  const result = configSchema.safeParse(data ?? {});
  if (result.success) return result.data;
  const [first] = result.error.issues;
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
  throw new UserError(`invalid config ${source}: ${first ? issueText(first) : 'invalid'}${more}`);
}

/** Reads and validates one configuration file (JSON, or YAML by its extension). */
async function readConfigFile(path: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read config ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let data: unknown;
  try {
    data = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UserError(`invalid config ${path}: not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${message}`);
  }
  return { path, config: parseConfig(data, path) };
}

/**
 * The configuration to use: the file given (`--config`), else the one in `cwd`, else none.
 * Two candidate files in one folder are an error rather than a silent choice.
 */
export async function loadConfig(explicitPath: string | undefined, cwd: string): Promise<LoadedConfig | null> {
  if (explicitPath !== undefined) return readConfigFile(resolve(cwd, explicitPath));
  const found = CONFIG_FILE_NAMES.map((name) => join(cwd, name)).filter((p) => existsSync(p));
  if (found.length > 1) throw new UserError(`found several config files (${found.join(', ')}): keep one, or pick one with --config`);
  return found[0] === undefined ? null : readConfigFile(found[0]);
}

/**
 * Replaces `${VAR}` in a replica URL with the environment variable's value; a variable that is
 * not set is an error (a replica silently dropped would make "unused" claims wrong).
 */
export function expandEnv(text: string, env: NodeJS.ProcessEnv, where: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const value = env[name];
    if (value === undefined || value === '') throw new UserError(`${where}: environment variable ${name} is not set`);
    return value;
  });
}
