import { loadConfig } from './config.js';
import { signUp } from './cognito.js';
import { onSubmit, show } from './ui.js';

onSubmit(document.getElementById('register-form'), async (form) => {
  const email = form.get('email');
  const password = form.get('password');
  if (password !== form.get('password2')) throw new Error('The two passwords differ.');
  const config = await loadConfig();
  await signUp(config, email, password);
  show('Account created: check your email for the verification code.', 'ok');
  location.assign(`verify.html?email=${encodeURIComponent(email)}`);
});
