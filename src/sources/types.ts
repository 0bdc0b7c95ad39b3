/** Targets the sources open: an open database, whatever it came from. */
export type { OpenTarget } from '../dialects/types.js';
