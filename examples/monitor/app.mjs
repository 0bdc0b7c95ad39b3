// A small HTTP app whose pg pool is watched by dbdoctor/monitor, with a Prometheus /metrics endpoint.
//
//   npm run build
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node examples/monitor/app.mjs
//   curl localhost:3000/users/1      # a query
//   curl localhost:3000/slow         # a slow query: logged on stderr, normalized
//   curl localhost:3000/leak         # checks out a connection and never releases it: reported after 5 s
//   curl localhost:3000/metrics      # db_client_* metrics, Prometheus text format
import { createServer } from 'node:http';
import pg from 'pg';
import { register } from 'prom-client';
import { monitorPool } from 'dbdoctor/monitor';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10, connectionTimeoutMillis: 5000 });
// The application keeps using `pool` as before; the monitor only watches it.
const monitor = monitorPool(pool, { name: 'app', slowQueryMs: 200, leakDetectionMs: 5000 });

const routes = {
  '/users/1': async () => (await pool.query('SELECT $1::int AS id, now() AS seen', [1])).rows,
  '/slow': async () => (await pool.query("SELECT pg_sleep(0.5), 'not logged' AS secret")).rowCount,
  '/leak': async () => {
    await pool.connect(); // never released: the monitor logs the stack of this line
    return 'leaked one connection';
  },
};

const server = createServer(async (req, res) => {
  try {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': register.contentType });
      res.end(await register.metrics());
      return;
    }
    const route = routes[req.url ?? ''];
    if (!route) {
      res.writeHead(404).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(await route())}\n`);
  } catch (error) {
    res.writeHead(500).end(`${error instanceof Error ? error.message : String(error)}\n`);
  }
});

const port = Number(process.env.PORT ?? 3000);
server.listen(port, () => console.log(`listening on http://localhost:${port} (/users/1, /slow, /leak, /metrics)`));

const shutdown = () => {
  monitor.stop();
  server.close();
  pool.end();
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
