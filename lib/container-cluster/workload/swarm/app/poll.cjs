'use strict';
// What the three services agree on: the two options, the queue the votes go through and the database's
// hash of one vote per voter.

module.exports = {
  OPTIONS: { a: 'Cats', b: 'Dogs' },
  /** Redis list on `redis`: the vote service pushes, the worker pops. */
  QUEUE: 'votes',
  /** Redis hash on `db`: voter id -> option. */
  TALLY: 'votes',
};
