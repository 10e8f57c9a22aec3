import { loadConfig } from './config.js';
import { signUp } from './cognito.js';
import { $, onSubmit } from './ui.js';

onSubmit($('register'), async (form) => {
  if (form.get('password') !== form.get('password2')) throw new Error('The two passwords differ.');
  await signUp(await loadConfig(), form.get('email'), form.get('password'));
  location.href = `confirm.html?email=${encodeURIComponent(form.get('email'))}`;
});
