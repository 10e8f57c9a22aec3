'use strict';
// The "vote" service: a page with two options; each vote goes onto the Redis list `votes` for the worker.
// Every page names the container that served it, so scaling the service shows the load spread.

const crypto = require('crypto');
const http = require('http');
const os = require('os');
const { OPTIONS, QUEUE } = require('./poll.cjs');
const { RedisClient } = require('./resp.cjs');

function page(vote) {
  const buttons = Object.entries(OPTIONS)
    .map(([key, label]) => `<button name="vote" value="${key}"${vote === key ? ' disabled' : ''}>${label}</button>`)
    .join(' ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vote</title></head><body>
<h1>${OPTIONS.a} or ${OPTIONS.b}?</h1>
<form method="post" action="/">${buttons}</form>
${vote ? `<p>You voted for ${OPTIONS[vote]}. You may change your vote.</p>` : ''}
<p><small>Served by container ${os.hostname()}</small></p>
</body></html>\n`;
}

function voterOf(req) {
  const match = /(?:^|;\s*)voter_id=([0-9a-f]{16})/.exec(req.headers.cookie || '');
  return match ? match[1] : crypto.randomBytes(8).toString('hex');
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
      if (body.length > 1024) reject(new Error('body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** The vote web server; `queue` is a RedisClient (or anything with `command`). */
function createVoteServer(queue) {
  return http.createServer(async (req, res) => {
    const voter = voterOf(req);
    const send = (status, body) => {
      res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Set-Cookie': `voter_id=${voter}; Path=/` });
      res.end(body);
    };
    try {
      if (req.url !== '/') return send(404, 'Not found\n');
      if (req.method === 'GET') return send(200, page());
      if (req.method !== 'POST') return send(405, 'Method not allowed\n');
      const vote = new URLSearchParams(await readBody(req)).get('vote');
      if (!Object.hasOwn(OPTIONS, vote)) return send(400, `Unknown vote; choose ${Object.keys(OPTIONS).join(' or ')}\n`);
      await queue.command('RPUSH', QUEUE, JSON.stringify({ voter_id: voter, vote }));
      return send(200, page(vote));
    } catch (err) {
      console.error(err);
      return send(503, 'The vote could not be recorded; try again\n');
    }
  });
}

if (require.main === module) {
  const port = Number(process.env.PORT || 8080);
  createVoteServer(new RedisClient(process.env.REDIS_HOST || 'redis')).listen(port, () => console.log(`vote on :${port}`));
}

module.exports = { createVoteServer };
