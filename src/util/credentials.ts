/**
 * Connection strings carry secrets in several places: the userinfo of a URL
 * (`postgres://user:pw@host`), query parameters (`?password=…`, `sslpassword`, MySQL's
 * `password1`…), and libpq key/value strings (`host=db password=…`). Every output of dbdoctor
 * (reports, migration files, plan files, the apply journal, error messages, logs) shows a
 * connection only through {@link displayConnectionString}, and scrubs free text through
 * {@link redactSecrets}, so a password given in any of these forms never appears anywhere.
 */

/** Parameter names whose value is a secret, in URLs and key/value strings (compared lower-case). */
const SECRET_PARAMETERS = new Set([
  'password',
  'pass',
  'pwd',
  'passwd',
  'sslpassword',
  'password1',
  'password2',
  'password3',
  'token',
  'secret',
  'sslkeypassword',
]);

/** A URL's query parameters that hold secrets, with the value shown instead. */
const MASK = '***';

function isSecretParameter(name: string): boolean {
  return SECRET_PARAMETERS.has(name.toLowerCase());
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The secret values a connection string holds (raw and URL-decoded), longest first, for scrubbing other text. */
export function secretsOf(connection: string): string[] {
  const secrets = new Set<string>();
  const add = (value: string): void => {
    for (const v of [value, safeDecode(value)]) if (v.length > 0 && v !== MASK) secrets.add(v);
  };
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(connection)?.[1];
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    if (colon >= 0) add(userinfo.slice(colon + 1));
  }
  for (const match of connection.matchAll(/[?&;]([^=&#;\s]+)=([^&#;\s]*)/g)) if (isSecretParameter(match[1]!)) add(match[2]!);
  for (const match of connection.matchAll(/(?:^|\s)([a-z_][a-z0-9_]*)\s*=\s*('(?:[^'\\]|\\.)*'|\S*)/gi)) {
    if (!isSecretParameter(match[1]!)) continue;
    const value = match[2]!;
    add(value.startsWith("'") ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value);
  }
  return [...secrets].sort((a, b) => b.length - a.length);
}

/**
 * A connection string as it may be shown: the password of the userinfo and every secret
 * parameter replaced by `***`, everything else (host, port, database, user) kept so the user
 * recognises the target. Works on URLs of any scheme and on libpq key/value strings; text that
 * is neither is returned scrubbed by {@link redactSecrets}.
 */
export function displayConnectionString(connection: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(connection);
  if (scheme) {
    let out = connection.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*):[^/?#@]*@/i, `$1:${MASK}@`);
    out = out.replace(/([?&;])([^=&#;\s]+)=([^&#;\s]*)/g, (whole, sep: string, name: string) =>
      isSecretParameter(name) ? `${sep}${name}=${MASK}` : whole,
    );
    return out;
  }
  return redactSecrets(connection, secretsOf(connection));
}

/**
 * Removes secrets from any text before it is shown or stored: passwords in URL userinfo,
 * secret URL parameters and `password=…` key/value pairs wherever they appear, and each of the
 * given secret values (from {@link secretsOf}) verbatim.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@\s]*)@/gi, `$1${MASK}@`);
  out = out.replace(/([?&;])([^=&#;\s]+)=([^&#;\s"'<>]*)/g, (whole, sep: string, name: string) =>
    isSecretParameter(name) ? `${sep}${name}=${MASK}` : whole,
  );
  // libpq key/value pairs in free text (`password=…`), written without spaces around `=` so that SQL such as
  // `WHERE password = $1` in a message is left alone.
  out = out.replace(/(^|[\s,(])([a-z_][a-z0-9_]*)=('(?:[^'\\]|\\.)*'|[^\s,)"]+)/gi, (whole, lead: string, name: string) =>
    isSecretParameter(name) ? `${lead}${name}=${MASK}` : whole,
  );
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0) out = out.split(secret).join(MASK);
  }
  return out;
}
