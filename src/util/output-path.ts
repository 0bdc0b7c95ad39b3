/**
 * Output paths checked before any work is done, each refusal one line. Folders are created one
 * level at a time: Node's recursive mkdir never returns under /proc (it retries forever on
 * ENOENT there), and a path that cannot be written should fail in milliseconds, not after the audit.
 */
import { constants } from 'node:fs';
import { access, mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UserError } from './errors.js';

async function statOrNull(path: string): Promise<Awaited<ReturnType<typeof stat>> | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

function reason(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Refuses a report file that cannot be written: its folder is missing or read-only, or it is a
 * folder, FIFO or socket (a FIFO with no reader blocks forever). Devices such as /dev/null are fine.
 */
export async function checkOutputFile(path: string, option = '--output'): Promise<void> {
  const info = await statOrNull(path);
  if (info !== null) {
    if (info.isDirectory()) throw new UserError(`${option}: ${path} is a directory, not a file`);
    if (info.isFIFO() || info.isSocket()) throw new UserError(`${option}: ${path} is a ${info.isFIFO() ? 'FIFO' : 'socket'}, not a file`);
    if (info.isCharacterDevice()) return;
  }
  const target = info !== null ? path : dirname(resolve(path));
  const parent = info !== null ? null : await statOrNull(target);
  if (info === null && (parent === null || !parent.isDirectory()))
    throw new UserError(`${option}: cannot write ${path}: ${target} is not a directory`);
  try {
    await access(target, constants.W_OK);
  } catch (error) {
    throw new UserError(`${option}: cannot write ${path} (${reason(error)})`);
  }
}

/**
 * Refuses an output folder that cannot be created or written, leaving nothing behind: the first
 * missing level is created and removed again (write permission on /proc does not mean a folder can be made there).
 */
export async function checkOutputDir(dir: string, option = '--output'): Promise<void> {
  const first = (await missingLevels(dir, option))[0];
  if (first === undefined) return;
  try {
    await mkdir(first);
  } catch (error) {
    throw new UserError(`${option}: cannot write to ${dir} (${reason(error)})`);
  }
  await rmdir(first).catch(() => undefined);
}

/** The folders to create, outermost first, once the nearest existing one is known to be a writable folder. */
async function missingLevels(dir: string, option: string): Promise<string[]> {
  const absolute = resolve(dir);
  const missing: string[] = [];
  let existing = absolute;
  let info = await statOrNull(existing);
  while (info === null) {
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
    info = await statOrNull(existing);
  }
  if (info === null || !info.isDirectory()) throw new UserError(`${option}: cannot write to ${dir}: ${existing} is not a directory`);
  try {
    await access(existing, constants.W_OK);
  } catch (error) {
    throw new UserError(`${option}: cannot write to ${dir} (${reason(error)})`);
  }
  return missing;
}
