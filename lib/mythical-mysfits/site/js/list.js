// index.html: every mysfit, or those of one alignment (GET /mysfits?filter=...&value=...).
import { listMysfits, recordClick } from './api.js';
import { $, showSession, status } from './ui.js';

function card(m) {
  const a = document.createElement('a');
  a.className = 'card';
  a.href = `mysfit.html?id=${encodeURIComponent(m.mysfitId)}`;
  a.dataset.mysfitId = m.mysfitId;
  const title = document.createElement('h2');
  title.textContent = m.name;
  const meta = document.createElement('p');
  meta.textContent = `${m.species} · ${m.goodevil} · ${m.lawchaos} · ${m.likes} like(s)${m.adopted ? ' · adopted' : ''}`;
  a.append(title, meta);
  // Record the click before leaving the page: a request still running when the page unloads may be cancelled.
  // At most 1.5 s, so a slow clickstream never holds the visitor up.
  a.addEventListener('click', async (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return void recordClick(m.mysfitId);
    event.preventDefault();
    await Promise.race([recordClick(m.mysfitId), new Promise((resolve) => setTimeout(resolve, 1500))]);
    location.href = a.href;
  });
  return a;
}

async function show() {
  const [filter, value] = ($('filter').value || '').split('=');
  status('Loading…');
  try {
    const mysfits = await listMysfits(filter, value);
    $('mysfits').replaceChildren(...mysfits.map(card));
    status(mysfits.length ? '' : 'No mysfit matches.');
  } catch (err) {
    status(err.message, 'error');
  }
}

showSession();
$('filter').addEventListener('change', show);
show();
