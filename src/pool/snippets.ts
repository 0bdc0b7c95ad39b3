import { sourceText } from './read-settings.js';
import type { PoolInputs, RecommendedSetting, SettingValue } from './types.js';

type Value = Exclude<RecommendedSetting['value'], null>;

function py(value: Value): string {
  return typeof value === 'boolean' ? (value ? 'True' : 'False') : typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function js(value: Value): string {
  return typeof value === 'number' ? value.toLocaleString('en-US').replace(/,/g, '_') : JSON.stringify(value);
}

function jsSource(value: SettingValue): string {
  return value.kind === 'boolean' ? String(value.value) : value.kind === 'none' ? 'null' : sourceText(value);
}

/** The configuration to paste, in the driver's language, with the settings dbdoctor did not touch kept as written. */
export function snippetFor(inputs: PoolInputs, settings: readonly RecommendedSetting[]): string {
  const ours = new Set(settings.map((s) => s.name));
  // A setting read from a URL's query stays in the URL: there is no code to paste for it.
  const kept = Object.entries(inputs.settings?.values ?? {}).filter(([name, v]) => !ours.has(name) && !(v.kind === 'env' && v.inUrl));
  const set = settings.filter((s): s is RecommendedSetting & { value: Value } => s.value !== null);
  switch (inputs.driver) {
    case 'sqlalchemy': {
      const fn = /create_async_engine/.test(inputs.settings?.source.what ?? '') ? 'create_async_engine' : 'create_engine';
      const positional = inputs.settings?.positional.length ? inputs.settings.positional : ['DATABASE_URL'];
      const args = [...positional, ...set.map((s) => `${s.name}=${py(s.value)}`), ...kept.map(([name, v]) => `${name}=${sourceText(v)}`)];
      return `engine = ${fn}(\n${args.map((a) => `    ${a},`).join('\n')}\n)\n`;
    }
    case 'psycopg-pool': {
      const named = kept.some(([name]) => name === 'conninfo');
      const positional = inputs.settings?.positional.length ? inputs.settings.positional : named ? [] : ['conninfo'];
      const args = [...positional, ...set.map((s) => `${s.name}=${py(s.value)}`), ...kept.map(([name, v]) => `${name}=${sourceText(v)}`)];
      return `pool = ConnectionPool(\n${args.map((a) => `    ${a},`).join('\n')}\n)\n`;
    }
    case 'psycopg2': {
      const fn = /^(\w+)/.exec(inputs.settings?.source.what ?? '')?.[1] ?? 'ThreadedConnectionPool';
      const sizes = ['minconn', 'maxconn'].map((name) => {
        const ours = set.find((s) => s.name === name);
        const written = inputs.settings?.values[name];
        return ours ? py(ours.value) : written ? sourceText(written) : name;
      });
      const rest = kept.filter(([name]) => name !== 'minconn' && name !== 'maxconn').map(([name, v]) => `${name}=${sourceText(v)}`);
      const args = [...sizes, ...(inputs.settings?.positional.length ? inputs.settings.positional : ['dsn']), ...rest];
      return `pool = ${fn}(\n${args.map((a) => `    ${a},`).join('\n')}\n)\n`;
    }
    case 'django': {
      const entries = [
        ...set.map((s) => `    "${s.name}": ${py(s.value)},`),
        ...kept.map(([name, v]) => `    "${name}": ${sourceText(v)},`),
      ];
      // Nothing to change in the code (what there is lives in the database URL): no snippet.
      return entries.length === 0 ? '' : `DATABASES["default"].update({\n${entries.join('\n')}\n})\n`;
    }
    case 'prisma': {
      const query = [
        ...kept.map(([name, v]) => `${name}=${v.kind === 'string' ? v.value : sourceText(v)}`),
        ...set.map((s) => `${s.name}=${String(s.value)}`),
      ];
      return `DATABASE_URL="postgresql://USER@HOST:5432/DB?${query.join('&')}"\n`;
    }
    default: {
      const props = [...kept.map(([name, v]) => `${name}: ${jsSource(v)},`), ...set.map((s) => `${s.name}: ${js(s.value)},`)];
      const body = (indent: string): string => props.map((p) => `${indent}${p}`).join('\n');
      if (inputs.driver === 'knex')
        return `const db = knex({\n  client: 'pg',\n  connection: process.env.DATABASE_URL,\n  pool: {\n${body('    ')}\n  },\n});\n`;
      if (inputs.driver === 'sequelize')
        return `const sequelize = new Sequelize(process.env.DATABASE_URL, {\n  pool: {\n${body('    ')}\n  },\n});\n`;
      const call = inputs.driver === 'node-postgres' ? 'new Pool' : 'mysql.createPool';
      return `const pool = ${call}({\n${body('  ')}\n});\n`;
    }
  }
}
