import { loadConfig } from './config.js';
import { currentSession } from './session.js';
import { show } from './ui.js';

if (currentSession()) {
  const link = document.getElementById('ride-link');
  link.textContent = 'Request a ride';
  link.href = 'ride.html';
}

// The FAQ micro-service: GET /faq, no sign-in needed.
document.getElementById('ask').addEventListener('click', async () => {
  try {
    const config = await loadConfig();
    const res = await fetch(`${config.apiUrl}/faq`);
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.Error ?? `The FAQ answered HTTP ${res.status}.`);
    document.getElementById('faq-question').textContent = body.Question;
    document.getElementById('faq-answer').textContent = body.Answer;
    document.getElementById('faq-topic').textContent = body.Topic;
    document.getElementById('faq').hidden = false;
    show('', 'info');
  } catch (err) {
    show(err.message, 'error');
  }
});
