'use strict';
// The "worker" service: moves votes from the queue (redis) to the database (db). One vote per voter, as
// in the original: a voter who votes again changes their vote.

const { OPTIONS, QUEUE, TALLY } = require('./poll.cjs');
const { RedisClient } = require('./resp.cjs');

/** Moves at most one vote, waiting up to `waitSeconds` for one; resolves true if it took one off the queue. */
async function processNextVote(queue, db, waitSeconds = 5) {
  const reply = await queue.command('BLPOP', QUEUE, waitSeconds);
  if (!reply) return false;
  let vote;
  try {
    vote = JSON.parse(reply[1]);
  } catch {
    console.error('skipped a vote that is not JSON');
    return true;
  }
  if (typeof vote.voter_id === 'string' && Object.hasOwn(OPTIONS, vote.vote)) {
    await db.command('HSET', TALLY, vote.voter_id, vote.vote);
    console.log(`voter ${vote.voter_id} voted ${vote.vote}`);
  } else {
    console.error('skipped a malformed vote');
  }
  return true;
}

async function main() {
  const queue = new RedisClient(process.env.REDIS_HOST || 'redis');
  const db = new RedisClient(process.env.DB_HOST || 'db');
  console.log('worker waiting for votes');
  for (;;) {
    try {
      await processNextVote(queue, db);
    } catch (err) {
      console.error(`${err.message}; retrying in 1 s`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

if (require.main === module) main();

module.exports = { processNextVote };
