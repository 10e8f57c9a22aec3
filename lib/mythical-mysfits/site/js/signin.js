import { loadConfig } from './config.js';
import { signIn } from './cognito.js';
import { saveSession } from './session.js';
import { $, onSubmit } from './ui.js';

onSubmit($('signin'), async (form) => {
  saveSession(await signIn(await loadConfig(), form.get('email'), form.get('password')), form.get('email').trim());
  location.href = 'index.html';
});
