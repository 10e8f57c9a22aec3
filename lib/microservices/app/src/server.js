'use strict';
/**
 * The message board's HTTP server, on Node's own `http` module (no dependencies, so the image needs no
 * `npm install` and no RUN step: see the Dockerfile).
 *
 * `SERVICE` (baked into each image by the Dockerfile's build argument) says what this process serves:
 * `monolith` (every route) or one of `users`, `threads`, `posts`. Every deployable answers the tutorial's
 * `GET /` ("Ready to receive requests", the route the load balancer's target group checks) and `GET /api/`
 * ("API ready to receive requests"), as plain text.
 *
 * Run it locally: `SERVICE=users PORT=3001 node lib/microservices/app/src/server.js`.
 */

const http = require('http');
const { route, SERVICE_NAMES } = require('./routes');

/**
 * The load balancer keeps idle connections to a target open for up to its idle timeout (60 s, set in
 * the stack). If the server closed an idle keep-alive connection first, a request the load balancer
 * sends on it at that moment would fail with a 502. So the server keeps them longer than the load
 * balancer does, and it is always the load balancer that closes them.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** After SIGTERM, the longest the server waits for open requests before it exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * An HTTP server for `service`, not yet listening.
 *
 * @param {string} service one of SERVICE_NAMES
 * @param {{ log?: (line: string) => void }} [options] where access-log lines go (default stdout)
 */
function createServer(service, options = {}) {
  if (!SERVICE_NAMES.includes(service)) {
    throw new Error(`SERVICE must be one of ${SERVICE_NAMES.join(', ')}, got ${JSON.stringify(service)}`);
  }
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  let stopping = false;

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const pathname = (req.url ?? '/').split('?')[0];
    const { status, body, text, headers } = answer(service, req.method ?? 'GET', pathname);
    const payload = text ?? JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': text === undefined ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(payload),
      'Cache-Control': 'no-store',
      // Which deployable answered: the one header in which the monolith and a service differ. Watch it
      // change while the traffic moves (the lab guide's curl loop).
      'X-Served-By': service,
      ...headers,
      // While stopping, finish this request and close its connection, so nothing waits on this process.
      ...(stopping ? { Connection: 'close' } : {}),
    });
    res.end(payload); // Node sends no body for HEAD
    // The target group's health checks (every few seconds, from every load balancer node) are left out.
    if (!String(req.headers['user-agent'] ?? '').startsWith('ELB-HealthChecker')) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(JSON.stringify({ service, method: req.method, path: pathname, status, ms: Math.round(ms * 100) / 100 }));
    }
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000; // must exceed keepAliveTimeout

  /**
   * Stops accepting connections, closes idle ones, lets open requests finish, then calls `done`.
   * ECS sends SIGTERM only after the load balancer has drained this task (the target group's
   * deregistration delay), so by then no new requests arrive.
   */
  server.stop = (done) => {
    stopping = true;
    server.close(() => done());
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS).unref();
  };
  return server;
}

/** What `GET /` answers: the original tutorial's text (aws-samples/amazon-ecs-nodejs-microservices). */
const READY = 'Ready to receive requests';
/** What `GET /api/` answers, as in the tutorial. */
const API_READY = 'API ready to receive requests';

/** The response to one request: status, a JSON body or a plain `text`, and any extra headers. */
function answer(service, method, pathname) {
  if (method !== 'GET' && method !== 'HEAD') {
    return {
      status: 405,
      body: { error: `Method ${method} is not allowed: the message board's API is read-only.` },
      headers: { Allow: 'GET, HEAD' },
    };
  }
  // The tutorial's two "ready" answers, as plain text, on every deployable; `/` is also the load
  // balancer's health check.
  if (pathname === '/') return { status: 200, text: READY };
  if (pathname === '/api/') return { status: 200, text: API_READY };
  return route(service, pathname) ?? { status: 404, body: { error: `No route for ${pathname}.` } };
}

/** Starts the server from the environment: SERVICE, PORT (3000) and HOST (all interfaces). */
function main() {
  const service = process.env.SERVICE ?? 'monolith';
  if (!SERVICE_NAMES.includes(service)) {
    process.stderr.write(`message-board: SERVICE must be one of ${SERVICE_NAMES.join(', ')}, got ${JSON.stringify(service)}\n`);
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '0.0.0.0';
  const server = createServer(service);
  server.listen(port, host, () => {
    const { port: bound } = server.address();
    process.stdout.write(`${JSON.stringify({ service, listening: `${host}:${bound}` })}\n`);
  });
  // In a container this process is PID 1, which ignores signals it has no handler for: without these,
  // `docker stop` would wait its full timeout and then kill requests mid-flight.
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => {
      process.stdout.write(`${JSON.stringify({ service, stopping: signal })}\n`);
      server.stop(() => process.exit(0));
    });
  }
}

if (require.main === module) main();

module.exports = { createServer, KEEP_ALIVE_TIMEOUT_MS, SERVICE_NAMES, READY, API_READY };
