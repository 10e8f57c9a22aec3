/**
 * The sign-up app's HTTP server, on Node's own `http` module (no framework to install on the instance).
 *
 * - `GET /` (and `HEAD /`): the landing page with the sign-up form.
 * - `GET /health`: 200 while the process runs; the load balancer's health check in high-availability mode.
 * - `POST /signup`: a form (`application/x-www-form-urlencoded`) or JSON body with `name`, `email` and
 *   optionally `previewAccess`. 201 when stored (and published), 409 when the address signed up before,
 *   400/413/415 for bad input, 503 when the table cannot be reached. The answer is JSON (`message` or
 *   `error`), or a small HTML page for a browser that posted the form without script.
 *
 * Bad input never reaches the table, and nothing a client sends can make the server answer with a stack trace.
 */
import * as http from 'http';
import { SignupNotifier, SignupStore } from './backends';
import { answerPage, landingPage } from './page';
import { InputError, parseSignup, readFields, Signup } from './signup';

/** The largest request body read; a form with a name and an address is a few hundred bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

export interface SignupServerOptions {
  readonly store: SignupStore;
  readonly notifier: SignupNotifier;
  /** Shown at the foot of the page and in `X-Served-By`: which instance answered (high-availability exercise). */
  readonly servedBy: string;
  /** Where log lines go. @default stdout (Beanstalk keeps it in /var/log/web.stdout.log) */
  readonly log?: (line: string) => void;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

interface Answer {
  readonly status: number;
  readonly body: { readonly message?: string; readonly error?: string; readonly [key: string]: unknown };
  readonly headers?: Record<string, string>;
}

export function createSignupServer(options: SignupServerOptions): http.Server {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());

  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    const send = (status: number, contentType: string, payload: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        'Content-Type': contentType,
        'Content-Length': Buffer.byteLength(payload),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'X-Served-By': options.servedBy,
        ...headers,
      });
      res.end(payload);
      if (!String(req.headers['user-agent'] ?? '').startsWith('ELB-HealthChecker')) {
        log(JSON.stringify({ method, path: pathname, status }));
      }
    };
    const sendAnswer = (answer: Answer) => {
      // A browser posting the form without script asks for HTML; everything else gets JSON.
      const wantsHtml = /text\/html/.test(String(req.headers.accept ?? '')) && !/application\/json/.test(String(req.headers.accept ?? ''));
      if (wantsHtml && pathname === '/signup') {
        send(answer.status, 'text/html; charset=utf-8', answerPage(answer.status, answer.body.message ?? answer.body.error ?? ''), answer.headers);
      } else {
        send(answer.status, 'application/json; charset=utf-8', JSON.stringify(answer.body), answer.headers);
      }
    };

    route(method, pathname, req)
      .then((answer) => {
        if (answer === 'page') send(200, 'text/html; charset=utf-8', landingPage(options.servedBy));
        else sendAnswer(answer);
      })
      .catch((err: unknown) => {
        // Only a bug gets here: log it, answer 500 without details.
        log(JSON.stringify({ method, path: pathname, error: err instanceof Error ? err.stack : String(err) }));
        if (!res.headersSent) sendAnswer({ status: 500, body: { error: 'Something went wrong on the server; the sign-up was not taken.' } });
      });
  });

  async function route(method: string, pathname: string, req: http.IncomingMessage): Promise<Answer | 'page'> {
    if (pathname === '/') {
      if (method === 'GET' || method === 'HEAD') return 'page';
      return notAllowed('GET, HEAD');
    }
    if (pathname === '/health') {
      if (method === 'GET' || method === 'HEAD') return { status: 200, body: { status: 'ok' } };
      return notAllowed('GET, HEAD');
    }
    if (pathname === '/signup') {
      if (method !== 'POST') return notAllowed('POST');
      return signUp(req);
    }
    return { status: 404, body: { error: `No page at ${pathname}: the app serves / (the form) and POST /signup.` } };
  }

  async function signUp(req: http.IncomingMessage): Promise<Answer> {
    let signup: Signup;
    try {
      const body = await readBody(req);
      signup = parseSignup(readFields(body, req.headers['content-type']));
    } catch (err) {
      if (err instanceof InputError) return { status: err.status, body: { error: err.message } };
      throw err;
    }
    const at = now();
    let added: boolean;
    try {
      added = await options.store.add(signup, at);
    } catch (err) {
      log(JSON.stringify({ event: 'store-failed', error: describe(err) }));
      return { status: 503, body: { error: 'The sign-up could not be saved right now (the database did not answer); try again in a minute.' } };
    }
    if (!added) return { status: 409, body: { error: `${signup.email} has already signed up.` } };
    try {
      await options.notifier.notify(signup, at);
    } catch (err) {
      // The sign-up is stored; a retry would only hit the duplicate check. Say what happened instead.
      log(JSON.stringify({ event: 'notify-failed', email: signup.email, error: describe(err) }));
      return { status: 201, body: { message: `Thanks, ${signup.name}! You are signed up (the notification email could not be sent).`, notified: false } };
    }
    return { status: 201, body: { message: `Thanks, ${signup.name}! You are signed up as ${signup.email}.`, notified: true } };
  }

  return server;
}

function notAllowed(allow: string): Answer {
  return { status: 405, body: { error: `Method not allowed here; use ${allow}.` }, headers: { Allow: allow } };
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** The request body as text, refusing one larger than MAX_BODY_BYTES with 413. */
function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      reject(new InputError(`The body is ${declared} bytes; at most ${MAX_BODY_BYTES} are accepted.`, 413));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new InputError(`The body is larger than ${MAX_BODY_BYTES} bytes, the most accepted.`, 413));
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
