// Small page helpers shared by every page.
import { currentSession, signOut } from './session.js';

export const $ = (id) => document.getElementById(id);

/** Shows a message in the page's status line. */
export function status(message, kind = 'info') {
  const el = $('status');
  el.textContent = message;
  el.className = `status ${kind}`;
  el.hidden = !message;
}

/** The header's "signed in as" line and sign-out link. */
export function showSession() {
  const session = currentSession();
  const el = $('who');
  if (!el) return;
  el.textContent = session ? `Signed in as ${session.email}` : 'Not signed in';
  const out = $('sign-out');
  if (out) {
    out.hidden = !session;
    out.onclick = () => {
      signOut();
      location.reload();
    };
  }
}

/** Runs a form's submit handler, showing its error instead of throwing. */
export function onSubmit(form, handler) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status('');
    try {
      await handler(new FormData(form));
    } catch (err) {
      status(err.message, 'error');
    }
  });
}
