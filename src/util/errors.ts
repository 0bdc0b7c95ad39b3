/**
 * An error caused by the user's input or environment (bad URL, unreachable server, malformed
 * SQL, unknown option). The CLI prints its message as one line and exits with code 2; any
 * other error is a bug, reported the same way but with a hint to file it.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export { redactSecrets } from './credentials.js';
