/**
 * One naming scheme for every label: the OpenTelemetry attribute name (database-client semantic
 * conventions), with `.` written `_` for Prometheus, as OpenTelemetry's own Prometheus exporter does.
 */
export const ATTRIBUTES = {
  pool: 'db.client.connection.pool.name',
  state: 'db.client.connection.state',
  system: 'db.system.name',
  operation: 'db.operation.name',
  errorType: 'error.type',
  address: 'server.address',
  port: 'server.port',
  namespace: 'db.namespace',
} as const;

type Key = keyof typeof ATTRIBUTES;

/** The Prometheus label name of each attribute. */
export const LABELS = Object.fromEntries(Object.entries(ATTRIBUTES).map(([k, v]) => [k, v.replaceAll('.', '_')])) as {
  readonly [K in Key]: string;
};

/** Where a pool's connections go: attributes every operation carries. */
export interface ServerInfo {
  /** Host name, IP address or Unix socket directory. */
  readonly address: string;
  readonly port: number;
  /** The database name. */
  readonly namespace: string;
}
