/**
 * The landing page: what the course's sample app shows, a sign-up form. Plain HTML with a few lines of
 * script that post the form and show the answer; without script the form still posts and the server
 * answers with a small page.
 *
 * Course step "deploy a second version": change `PAGE_HEADLINE` (or anything on this page), run the
 * deploy command again, and watch Elastic Beanstalk roll the new application version out.
 */
export const PAGE_HEADLINE = 'The next big thing is coming';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.8rem}label{display:block;margin:.8rem 0 .2rem}input[type=text],input[type=email]{width:100%;padding:.4rem;font-size:1rem}
button{margin-top:1rem;padding:.5rem 1.2rem;font-size:1rem}#answer{margin-top:1rem;font-weight:600}
.ok{color:#1d6b2f}.refused{color:#9b1c1c}footer{margin-top:3rem;color:#666;font-size:.85rem}`;

/** Escapes text for an HTML element or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function landingPage(servedBy: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign up</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(PAGE_HEADLINE)}</h1>
<p>Leave your name and email address and we will let you know when it launches.</p>
<form id="signup" method="post" action="/signup">
<label for="name">Name</label><input type="text" id="name" name="name" maxlength="100" required>
<label for="email">Email</label><input type="email" id="email" name="email" maxlength="254" required>
<label><input type="checkbox" name="previewAccess" value="yes"> I would like preview access</label>
<button type="submit">Sign up</button>
</form>
<p id="answer" role="status"></p>
<footer>Served by ${escapeHtml(servedBy)}</footer>
<script>
document.getElementById('signup').addEventListener('submit', async (event) => {
  event.preventDefault();
  const answer = document.getElementById('answer');
  answer.className = ''; answer.textContent = 'Sending...';
  try {
    const res = await fetch('/signup', { method: 'POST', headers: { Accept: 'application/json' }, body: new URLSearchParams(new FormData(event.target)) });
    const body = await res.json();
    answer.className = res.ok ? 'ok' : 'refused';
    answer.textContent = body.message || body.error;
  } catch (err) {
    answer.className = 'refused'; answer.textContent = 'The sign-up could not be sent: ' + err.message;
  }
});
</script>
</body>
</html>
`;
}

/** The page a browser without script gets after posting the form. */
export function answerPage(status: number, text: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign up</title><style>${STYLE}</style></head>
<body><h1>${status < 300 ? 'Thank you' : 'Not signed up'}</h1><p class="${status < 300 ? 'ok' : 'refused'}">${escapeHtml(text)}</p>
<p><a href="/">Back</a></p></body></html>
`;
}
