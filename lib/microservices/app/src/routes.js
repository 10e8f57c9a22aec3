'use strict';
/**
 * The message board's API, one route table per part of the board. The monolith serves all three
 * tables; each microservice serves one. Both run this same code, so the same request gets the same
 * answer from either (test/microservices/app.test.ts checks it over HTTP).
 *
 * A handler returns `{ status, body }`; the server turns it into a JSON response.
 */

const db = require('../data/db.json');

/** Ids are whole numbers from 1, written without sign, leading zeros or anything else. */
const ID = /^[1-9][0-9]{0,8}$/;

/** `{ status: 400 }` for a malformed id, otherwise the id as a number. */
function parseId(kind, text) {
  if (!ID.test(text)) {
    return { error: { status: 400, body: { error: `Malformed ${kind} id ${JSON.stringify(text)}: an id is a whole number from 1.` } } };
  }
  return { id: Number(text) };
}

function notFound(kind, id) {
  return { status: 404, body: { error: `No ${kind} with id ${id}.` } };
}

/** GET one item of `items` by the id in the path: 200, 400 (malformed id) or 404 (unknown id). */
function one(kind, items) {
  return (idText) => {
    const { id, error } = parseId(kind, idText);
    if (error) return error;
    const item = items.find((i) => i.id === id);
    return item ? { status: 200, body: item } : notFound(kind, id);
  };
}

/** GET the posts whose `field` is the id in the path, after checking that the `kind` exists. */
function postsWhere(field, kind, owners) {
  return (idText) => {
    const { id, error } = parseId(kind, idText);
    if (error) return error;
    if (!owners.some((o) => o.id === id)) return notFound(kind, id);
    return { status: 200, body: db.posts.filter((p) => p[field] === id) };
  };
}

/**
 * The route tables. Each pattern matches the whole path (no query string); a trailing slash is allowed
 * on collections. A captured group is passed to the handler as its argument.
 */
const ROUTES = {
  users: [
    { pattern: /^\/api\/users\/?$/, handler: () => ({ status: 200, body: db.users }) },
    { pattern: /^\/api\/users\/([^/]+)$/, handler: one('user', db.users) },
  ],
  threads: [
    { pattern: /^\/api\/threads\/?$/, handler: () => ({ status: 200, body: db.threads }) },
    { pattern: /^\/api\/threads\/([^/]+)$/, handler: one('thread', db.threads) },
  ],
  posts: [
    // The posts service reads the users and threads of the same static data to tell an unknown id
    // (404) from a thread or user without posts (200, []). A real split would ask the owning service
    // or keep its own copy; here the data is baked into every image.
    { pattern: /^\/api\/posts\/in-thread\/([^/]+)$/, handler: postsWhere('thread', 'thread', db.threads) },
    { pattern: /^\/api\/posts\/by-user\/([^/]+)$/, handler: postsWhere('user', 'user', db.users) },
  ],
};

/** What each deployable serves: the monolith everything, each microservice its own part. */
const SERVICES = {
  monolith: [...ROUTES.users, ...ROUTES.threads, ...ROUTES.posts],
  users: ROUTES.users,
  threads: ROUTES.threads,
  posts: ROUTES.posts,
};

/** The names a `SERVICE` may take. */
const SERVICE_NAMES = Object.keys(SERVICES);

/**
 * Answers one GET for `service`: `{ status, body }`, or `undefined` when no route matches the path.
 */
function route(service, pathname) {
  for (const { pattern, handler } of SERVICES[service]) {
    const match = pattern.exec(pathname);
    if (match) return handler(...match.slice(1));
  }
  return undefined;
}

module.exports = { route, SERVICE_NAMES, db };
