// The signed-in visitor, kept in sessionStorage (gone when the tab closes).
const KEY = 'mysfits.session';

/** The claims of a JWT, unverified: only for the name and the expiry (API Gateway verifies the token). */
export function claimsOf(token) {
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(decodeURIComponent(Array.from(json, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')));
}

export function saveSession(authenticationResult, email) {
  const idToken = authenticationResult.IdToken;
  const { exp, sub } = claimsOf(idToken);
  sessionStorage.setItem(KEY, JSON.stringify({ idToken, email, userId: sub, expiresAt: exp * 1000 }));
}

/** The session, or null when signed out or the token has expired. */
export function currentSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    return session && session.expiresAt > Date.now() + 10_000 ? session : null;
  } catch {
    return null;
  }
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}
