#!/usr/bin/env node
import { runCli } from './program.js';

// A reader that stops early (`dbdoctor audit | head`) closes the pipe: that is not an error of ours,
// so end quietly instead of crashing on the unhandled EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, env: process.env }, process.stderr);
// Let stdout drain before exiting: a large JSON report piped to another program must arrive whole.
process.exitCode = code;
