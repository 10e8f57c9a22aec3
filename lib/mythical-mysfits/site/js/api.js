// The Mysfits API: the service through API Gateway, and the clickstream.
import { loadConfig } from './config.js';
import { currentSession } from './session.js';

async function request(method, path, { body, signedIn = false } = {}) {
  const config = await loadConfig();
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (signedIn) {
    const session = currentSession();
    if (!session) throw new Error('Sign in first to like or adopt a mysfit.');
    headers.Authorization = session.idToken;
  }
  const res = await fetch(`${config.apiUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error ?? `The API answered HTTP ${res.status}.`);
  return data;
}

export const listMysfits = (filter, value) =>
  request('GET', filter ? `/mysfits?filter=${encodeURIComponent(filter)}&value=${encodeURIComponent(value)}` : '/mysfits').then((d) => d.mysfits);
export const getMysfit = (id) => request('GET', `/mysfits/${encodeURIComponent(id)}`);
export const likeMysfit = (id) => request('POST', `/mysfits/${encodeURIComponent(id)}/like`, { signedIn: true });
export const adoptMysfit = (id) => request('POST', `/mysfits/${encodeURIComponent(id)}/adopt`, { signedIn: true });

/** Reports a click to the clickstream; a failure is only logged, it never gets in the visitor's way. */
export function recordClick(mysfitId) {
  const userId = currentSession()?.userId;
  return request('POST', '/clicks', { body: userId ? { mysfitId, userId } : { mysfitId } }).catch((err) => console.warn('click not recorded:', err.message));
}
