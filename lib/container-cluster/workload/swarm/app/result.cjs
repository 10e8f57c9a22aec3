'use strict';
// The "result" service: the count of each option, read from the database, on a page that refreshes
// itself (and as JSON at /results.json).

const http = require('http');
const os = require('os');
const { OPTIONS, TALLY } = require('./poll.cjs');
const { RedisClient } = require('./resp.cjs');

/** { a: count, b: count } from the database. */
async function tally(db) {
  const counts = Object.fromEntries(Object.keys(OPTIONS).map((k) => [k, 0]));
  for (const vote of await db.command('HVALS', TALLY)) if (Object.hasOwn(counts, vote)) counts[vote] += 1;
  return counts;
}

function page(counts) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const rows = Object.entries(OPTIONS)
    .map(([key, label]) => `<li>${label}: ${counts[key]} (${total ? Math.round((100 * counts[key]) / total) : 0}%)</li>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>Results</title></head><body>
<h1>Results</h1><ul>${rows}</ul><p>${total} vote${total === 1 ? '' : 's'}</p>
<p><small>Served by container ${os.hostname()}</small></p>
</body></html>\n`;
}

function createResultServer(db) {
  return http.createServer(async (req, res) => {
    try {
      if (req.method !== 'GET') {
        res.writeHead(405).end('Method not allowed\n');
      } else if (req.url === '/results.json') {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(await tally(db)) + '\n');
      } else if (req.url === '/') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page(await tally(db)));
      } else {
        res.writeHead(404).end('Not found\n');
      }
    } catch (err) {
      console.error(err);
      res.writeHead(503).end('The results are not available yet; retrying\n');
    }
  });
}

if (require.main === module) {
  const port = Number(process.env.PORT || 8081);
  createResultServer(new RedisClient(process.env.DB_HOST || 'db')).listen(port, () => console.log(`result on :${port}`));
}

module.exports = { createResultServer, tally };
