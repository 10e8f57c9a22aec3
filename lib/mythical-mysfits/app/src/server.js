'use strict';
/**
 * The Mysfits service's HTTP server, on Node's own `http` module. The workshop's service was Python and
 * Flask; this lab's is Node with the same routes (the lab guide says why). Routes: `./mysfits.js`.
 *
 * Environment: `MYSFITS_TABLE_NAME` (required), `ALLOWED_ORIGIN` (the site's origin, sent as
 * `Access-Control-Allow-Origin`: API Gateway's HTTP proxy integration passes the service's headers through,
 * so the service says which page may read its answers), `PORT` (default 8080, the workshop's),
 * `AWS_REGION`, and for local runs `DYNAMODB_ENDPOINT` (a local DynamoDB such as dynalite).
 *
 * Run it locally against a table: `MYSFITS_TABLE_NAME=<table> AWS_REGION=us-east-1 node src/server.js`.
 */

const http = require('http');
const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
const { route } = require('./mysfits');

/** Longer than the Network Load Balancer's 350-second idle timeout for TCP, so the load balancer closes first. */
const KEEP_ALIVE_TIMEOUT_MS = 360_000;

/**
 * An HTTP server, not yet listening.
 *
 * @param {{ dynamodb: { send(command: unknown): Promise<any> }, tableName: string, allowedOrigin?: string, log?: (line: string) => void }} deps
 */
function createServer(deps) {
  if (!deps.tableName) throw new Error('MYSFITS_TABLE_NAME must name the mysfits table');
  const log = deps.log ?? ((line) => process.stdout.write(`${line}\n`));
  const server = http.createServer(async (req, res) => {
    const method = req.method ?? 'GET';
    let answer;
    try {
      answer = await route(deps, method, req.url ?? '/');
    } catch (err) {
      // The details go to the log, never to the caller.
      log(JSON.stringify({ level: 'error', method, url: req.url, error: String(err && err.message) }));
      answer = { status: 500, body: { error: 'the mysfits table could not be read or written; see the service log' } };
    }
    const payload = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(payload),
      'Cache-Control': 'no-store',
      ...(deps.allowedOrigin ? { 'Access-Control-Allow-Origin': deps.allowedOrigin, Vary: 'Origin' } : {}),
      ...answer.headers,
    });
    res.end(payload);
    if (req.url !== '/') log(JSON.stringify({ method, url: req.url, status: answer.status }));
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  return server;
}

if (require.main === module) {
  const endpoint = process.env.DYNAMODB_ENDPOINT || undefined;
  const server = createServer({
    dynamodb: new DynamoDBClient({ endpoint }),
    tableName: process.env.MYSFITS_TABLE_NAME,
    allowedOrigin: process.env.ALLOWED_ORIGIN || undefined,
  });
  server.listen(Number(process.env.PORT || 8080), () => process.stdout.write(`mysfits service on ${process.env.PORT || 8080}\n`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

module.exports = { createServer };
