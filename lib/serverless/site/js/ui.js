// Small helpers every page uses.

/** Shows a message in the page's status box; kind is 'info', 'ok' or 'error'. */
export function show(text, kind = 'info') {
  const box = document.getElementById('status');
  box.textContent = text;
  box.className = `status ${kind}`;
  box.hidden = !text;
}

/** Runs `work` with the form's button disabled, showing any error it throws. */
export function onSubmit(form, work) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await work(new FormData(form));
    } catch (err) {
      show(err.message ?? String(err), 'error');
    } finally {
      button.disabled = false;
    }
  });
}

/** A query parameter of the page's URL. */
export function param(name) {
  return new URLSearchParams(location.search).get(name) ?? '';
}
