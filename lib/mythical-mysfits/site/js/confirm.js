import { loadConfig } from './config.js';
import { confirmSignUp } from './cognito.js';
import { $, onSubmit } from './ui.js';

$('email').value = new URLSearchParams(location.search).get('email') ?? '';
onSubmit($('confirm'), async (form) => {
  await confirmSignUp(await loadConfig(), form.get('email'), form.get('code'));
  location.href = 'signin.html';
});
