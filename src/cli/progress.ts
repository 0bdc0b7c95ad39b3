/** The CLI's progress reporter: an ora spinner on stderr, or plain lines when forced onto a non-terminal. */
import ora, { type Ora } from 'ora';
import { silentProgress, type ProgressReporter } from '../util/progress.js';

/** Where progress goes: stderr, a terminal or not. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** `--progress` and `--quiet` as commander hands them over. */
export interface ProgressFlags {
  readonly progress?: boolean;
  readonly quiet?: boolean;
}

/** Shown when stderr is a terminal; `--progress` forces it on, `--quiet` off (quiet wins). */
function progressWanted(flags: ProgressFlags, stream: ProgressStream | undefined): boolean {
  if (stream === undefined || flags.quiet === true) return false;
  return flags.progress === true || stream.isTTY === true;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The reporter for a command. On a terminal the spinner redraws one line; elsewhere (a log file,
 * CI, a test) each phase is one line and counts are printed at each tenth of the way, so a log
 * stays short.
 */
export function createProgress(flags: ProgressFlags, stream: ProgressStream | undefined): ProgressReporter {
  if (!progressWanted(flags, stream)) return silentProgress;
  const out = stream!;
  // A terminal that reports no width (some ptys) would make ora count every frame as endless lines to clear.
  const interactive = out.isTTY === true && ((out as { columns?: number }).columns ?? 0) > 0;
  // ora's types ask for a full Writable; it only calls write (and the cursor methods when interactive, which a TTY has).
  const spinner: Ora = ora({ stream: out as NodeJS.WriteStream, isEnabled: interactive, discardStdin: false });
  let current: string | null = null;
  let startedAt = 0;
  let lastTenth = -1;
  const finish = (): void => {
    if (current === null) return;
    const text = `${current} (${seconds(performance.now() - startedAt)})`;
    // A log file gets the plain mark; ora's is coloured for the terminal.
    if (interactive) spinner.succeed(text);
    else spinner.stopAndPersist({ symbol: '✔', text });
    current = null;
  };
  return {
    phase(name) {
      finish();
      current = name;
      startedAt = performance.now();
      lastTenth = -1;
      spinner.start(name);
    },
    count(done, total, unit) {
      if (current === null || total <= 0) return;
      const text = `${current}: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`;
      if (interactive) {
        spinner.text = text;
        return;
      }
      const tenth = Math.floor((Math.min(done, total) / total) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      out.write(`- ${text}\n`);
    },
    done() {
      finish();
      spinner.stop();
    },
  };
}
