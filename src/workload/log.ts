/**
 * PostgreSQL server logs as a query source: stderr (any log_line_prefix), csvlog and jsonlog.
 * Statements come from `log_min_duration_statement` lines (`duration: 1.2 ms  statement: …`,
 * `duration: … execute <name>: …` with the `DETAIL:  parameters: …` that follows) and from
 * `log_statement` lines (`statement: …`, with the bare `duration: …` line that may follow).
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '../util/errors.js';
import type { Observation, WorkloadBuilder } from './aggregate.js';
import { parseLoggedParameters, substituteParameters } from '../sql/statements.js';

/** One log message with what belongs to it. */
export interface LogEntry {
  readonly line: number;
  readonly severity: string;
  readonly message: string;
  detail: string | null;
  /** Backend process id, when the format or prefix shows it; statements pair with durations per process. */
  readonly pid: string | null;
}

/** The log formats PostgreSQL writes. */
export type LogFormat = 'stderr' | 'csvlog' | 'jsonlog';

const SEVERITY = /^(.*?)\b(LOG|ERROR|WARNING|NOTICE|INFO|DEBUG[1-5]?|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|QUERY|LOCATION): {2}(.*)$/;
const ATTACHED = new Set(['DETAIL', 'HINT', 'CONTEXT', 'STATEMENT', 'QUERY', 'LOCATION']);

/** Reads stderr-format lines: a message starts at `SEVERITY:  ` after the prefix; tab-indented lines continue it. */
export function parseStderrLog(text: string): LogEntry[] {
  const entries: LogEntry[] = [];
  const lines = text.split(/\r?\n/);
  let current: {
    line: number;
    severity: string;
    message: string;
    detail: string | null;
    pid: string | null;
    attachedTo: LogEntry | null;
  } | null = null;
  const lastByPid = new Map<string | null, LogEntry>();
  const finish = (): void => {
    if (!current) return;
    if (ATTACHED.has(current.severity)) {
      const owner = current.attachedTo;
      if (owner && current.severity === 'DETAIL') owner.detail = current.message;
    } else {
      const entry: LogEntry = { line: current.line, severity: current.severity, message: current.message, detail: null, pid: current.pid };
      entries.push(entry);
      lastByPid.set(current.pid, entry);
    }
    current = null;
  };
  lines.forEach((raw, i) => {
    if (raw.startsWith('\t') && current) {
      current.message += `\n${raw.slice(1)}`;
      return;
    }
    const match = SEVERITY.exec(raw);
    if (!match) return;
    finish();
    const prefix = match[1] ?? '';
    const pid = /\[(\d+)\]/.exec(prefix)?.[1] ?? null;
    const severity = match[2] ?? 'LOG';
    current = { line: i + 1, severity, message: match[3] ?? '', detail: null, pid, attachedTo: lastByPid.get(pid) ?? null };
  });
  finish();
  return entries;
}

/** Splits CSV text into records (quoted fields may hold commas, doubled quotes and newlines). */
export function parseCsvRecords(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      quoted = true;
      started = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      started = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (started || field !== '') {
        fields.push(field);
        records.push({ line: recordLine, fields });
      }
      fields = [];
      field = '';
      started = false;
      line++;
      recordLine = line;
    } else {
      field += ch;
      started = true;
    }
  }
  if (started || field !== '') {
    fields.push(field);
    records.push({ line: recordLine, fields });
  }
  return records;
}

/** csvlog columns (stable since PostgreSQL 9.0; later versions only append). */
const CSV_PID = 3;
const CSV_SEVERITY = 11;
const CSV_MESSAGE = 13;
const CSV_DETAIL = 14;

/** Reads csvlog records. */
function parseCsvLog(text: string): LogEntry[] {
  return parseCsvRecords(text)
    .filter((r) => r.fields.length > CSV_DETAIL)
    .map((r) => ({
      line: r.line,
      severity: r.fields[CSV_SEVERITY] ?? '',
      message: r.fields[CSV_MESSAGE] ?? '',
      detail: r.fields[CSV_DETAIL] || null,
      pid: r.fields[CSV_PID] || null,
    }));
}

/** Reads jsonlog lines (PostgreSQL 15+); lines that are not JSON objects are skipped. */
function parseJsonLog(text: string): LogEntry[] {
  const entries: LogEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim().startsWith('{')) return;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return;
    }
    const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
    entries.push({
      line: i + 1,
      severity: str(record.error_severity) ?? '',
      message: str(record.message) ?? '',
      detail: str(record.detail),
      pid: str(record.pid),
    });
  });
  return entries;
}

/** The format of a log, from its name, else its first line. */
export function detectLogFormat(path: string, text: string): LogFormat {
  if (/\.csv$/i.test(path)) return 'csvlog';
  if (/\.json$/i.test(path)) return 'jsonlog';
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  if (first.trim().startsWith('{')) return 'jsonlog';
  if (/^\d{4}-\d{2}-\d{2} [\d:.]+(?: [A-Za-z+\-\d:]+)?,("[^"]*"|[^,]*),/.test(first) && !SEVERITY.test(first)) return 'csvlog';
  return 'stderr';
}

const DURATION_STATEMENT = /^duration: ([\d.]+) ms {2}(statement|execute [^:]*|parse [^:]*|bind [^:]*|fastpath function call): ([\s\S]*)$/;
const BARE_DURATION = /^duration: ([\d.]+) ms\s*$/;
const LOGGED_STATEMENT = /^(statement|execute [^:]*): ([\s\S]*)$/;

function observation(location: string, text: string, ms: number | null): Observation & { totalMs: number | null; timedCalls: number } {
  return {
    source: 'log',
    location,
    text,
    isExample: true,
    calls: 1,
    totalMs: ms,
    timedCalls: ms === null ? 0 : 1,
    rows: null,
    sharedBlocksHit: null,
    sharedBlocksRead: null,
  };
}

function withParameters(statement: string, detail: string | null): string {
  const match = detail ? /parameters: ([\s\S]*)$/.exec(detail) : null;
  return match?.[1] ? substituteParameters(statement, parseLoggedParameters(match[1])) : statement;
}

/** The statements of log entries, each execution one observation, durations paired per process. */
function logObservations(entries: readonly LogEntry[], name: string): Observation[] {
  const out: (Observation & { totalMs: number | null; timedCalls: number })[] = [];
  const waiting = new Map<string | null, (typeof out)[number]>();
  for (const entry of entries) {
    if (entry.severity !== 'LOG') continue;
    const location = `${name}:${entry.line}`;
    const timed = DURATION_STATEMENT.exec(entry.message);
    if (timed) {
      const kind = timed[2] ?? '';
      // Extended protocol logs parse, bind and execute separately: the execution is the one to count.
      if (!kind.startsWith('statement') && !kind.startsWith('execute')) continue;
      out.push(observation(location, withParameters(timed[3] ?? '', entry.detail), Number(timed[1])));
      continue;
    }
    const bare = BARE_DURATION.exec(entry.message);
    if (bare) {
      const pending = waiting.get(entry.pid);
      if (pending) {
        pending.totalMs = Number(bare[1]);
        pending.timedCalls = 1;
        waiting.delete(entry.pid);
      }
      continue;
    }
    const logged = LOGGED_STATEMENT.exec(entry.message);
    if (logged) {
      const o = observation(location, withParameters(logged[2] ?? '', entry.detail), null);
      out.push(o);
      waiting.set(entry.pid, o);
    }
  }
  return out;
}

/** Reads one log file into the builder. */
export async function addLogFile(builder: WorkloadBuilder, path: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read log file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const format = detectLogFormat(path, text);
  const entries = format === 'csvlog' ? parseCsvLog(text) : format === 'jsonlog' ? parseJsonLog(text) : parseStderrLog(text);
  const observations = logObservations(entries, path);
  for (const o of observations) builder.add(o);
  const timed = observations.filter((o) => o.totalMs !== null).length;
  builder.sourcesRead.add('log');
  builder.notes.push(
    `${path} (${format}): ${observations.length} logged statement${observations.length === 1 ? '' : 's'}, ${timed} with a duration`,
  );
  if (observations.length === 0)
    builder.notes.push(
      `${path}: no statements found; set log_min_duration_statement (e.g. 0 or 100ms) so the server logs them with their duration`,
    );
}
