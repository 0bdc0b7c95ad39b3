/**
 * An error caused by the user's input or environment (bad URL, unreachable server, malformed
 * SQL, unknown option). The CLI prints its message as one line and exits with code 2; any
 * other error is a bug, reported the same way but with a hint to file it.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** Removes passwords from URLs and any known secret from a text before it is shown. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@\s]*)@/gi, '$1***@');
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('***');
  }
  return out;
}
