import { loadConfig } from './config.js';
import { confirmSignUp, resendCode } from './cognito.js';
import { onSubmit, param, show } from './ui.js';

const form = document.getElementById('verify-form');
form.elements.email.value = param('email');

onSubmit(form, async (data) => {
  const config = await loadConfig();
  await confirmSignUp(config, data.get('email'), data.get('code'));
  location.assign(`signin.html?email=${encodeURIComponent(data.get('email'))}&verified=1`);
});

document.getElementById('resend').addEventListener('click', async () => {
  try {
    const email = form.elements.email.value;
    if (!email) throw new Error('Enter your email first.');
    await resendCode(await loadConfig(), email);
    show(`A new code is on its way to ${email}.`, 'ok');
  } catch (err) {
    show(err.message, 'error');
  }
});
