import { loadConfig } from './config.js';
import { signIn } from './cognito.js';
import { saveSession } from './session.js';
import { onSubmit, param, show } from './ui.js';

const form = document.getElementById('signin-form');
form.elements.email.value = param('email');
if (param('verified')) show('Email verified: sign in to request a ride.', 'ok');

onSubmit(form, async (data) => {
  const email = data.get('email');
  const config = await loadConfig();
  try {
    saveSession(await signIn(config, email, data.get('password')), email);
  } catch (err) {
    if (err.type === 'UserNotConfirmedException') {
      location.assign(`verify.html?email=${encodeURIComponent(email)}`);
      return;
    }
    throw err;
  }
  location.assign('ride.html');
});
