#!/usr/bin/env node
import { runCli } from './program.js';

const code = await runCli(process.argv.slice(2), { stdout: process.stdout, env: process.env }, process.stderr);
// Let stdout drain before exiting: a large JSON report piped to another program must arrive whole.
process.exitCode = code;
