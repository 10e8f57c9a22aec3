/**
 * What a sign-up is, and how a form or JSON body becomes one: the one place that decides what the app
 * accepts. Every refusal is an `InputError` whose message names the field and what is allowed, which the
 * server answers with 400 (never a stack trace).
 */

/** One sign-up, as it is stored in the table and sent to the topic. */
export interface Signup {
  /** Lower-cased, so `Ana@Example.com` and `ana@example.com` are one sign-up (the table's key). */
  readonly email: string;
  readonly name: string;
  /** The course sample's "preview access" check box. */
  readonly previewAccess: boolean;
}

/** Bad input: answered with `status` (400 unless said otherwise) and this message. */
export class InputError extends Error {
  constructor(message: string, public readonly status = 400) {
    super(message);
    this.name = 'InputError';
  }
}

export const NAME_MAX_LENGTH = 100;
/** RFC 5321's limits: a path of at most 256 octets (so an address of at most 254) and a local part of at most 64. */
export const EMAIL_MAX_LENGTH = 254;
const LOCAL_PART_MAX_LENGTH = 64;
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * The address in canonical form (trimmed, lower-cased), or `undefined` when it is not a plain
 * `local@domain.tld` address: a dot-atom local part (no quoted strings or comments) and a domain of at
 * least two DNS labels with a top-level label of letters. Shared with the lab's `notificationEmail` setting.
 */
export function normalizeEmail(value: string): string | undefined {
  const email = value.trim();
  if (email.length === 0 || email.length > EMAIL_MAX_LENGTH) return undefined;
  const at = email.lastIndexOf('@');
  if (at <= 0 || at !== email.indexOf('@')) return undefined;
  const local = email.slice(0, at);
  const labels = email.slice(at + 1).split('.');
  if (local.length > LOCAL_PART_MAX_LENGTH || !LOCAL_PART.test(local)) return undefined;
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l)) || !/^[A-Za-z]{2,63}$/.test(labels[labels.length - 1])) return undefined;
  return email.toLowerCase();
}

/** The fields of a request body, from `application/x-www-form-urlencoded` or `application/json`. */
export function readFields(body: string, contentType: string | undefined): Record<string, unknown> {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(body));
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new InputError('The body is not valid JSON.');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InputError('The JSON body must be an object with name and email.');
    return parsed as Record<string, unknown>;
  }
  throw new InputError(
    `Content-Type ${JSON.stringify(type || '(none)')} is not accepted: send application/x-www-form-urlencoded (the page's form) or application/json.`,
    415,
  );
}

/** A sign-up from the request's fields, or an `InputError` naming the first field at fault. */
export function parseSignup(fields: Record<string, unknown>): Signup {
  const rawName = fields.name;
  if (typeof rawName !== 'string' || rawName.trim() === '') throw new InputError('name is required: your name, 1 to 100 characters.');
  const name = rawName.trim();
  if (name.length > NAME_MAX_LENGTH) throw new InputError(`name is ${name.length} characters long; at most ${NAME_MAX_LENGTH} are allowed.`);
  // Control characters (newlines included) would let a name forge lines in the notification email.
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new InputError('name must not contain control characters such as line breaks.');

  const rawEmail = fields.email;
  if (typeof rawEmail !== 'string' || rawEmail.trim() === '') throw new InputError('email is required: an address such as ana@example.com.');
  const email = normalizeEmail(rawEmail);
  if (!email) throw new InputError(`email ${JSON.stringify(rawEmail.slice(0, 300))} is not an email address such as ana@example.com.`);

  const preview = fields.previewAccess;
  let previewAccess: boolean;
  if (preview === undefined || preview === '' || preview === false || preview === 'no' || preview === 'false') previewAccess = false;
  else if (preview === true || preview === 'yes' || preview === 'true' || preview === 'on') previewAccess = true;
  else throw new InputError(`previewAccess ${JSON.stringify(preview)} is not allowed: yes or no (or leave it out).`);
  return { email, name, previewAccess };
}
