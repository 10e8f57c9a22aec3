/**
 * The one place where settings enter the app.
 *
 * Every setting is read from CDK context (`-c key=value` on the command line, or the `context` block of
 * `cdk.json`), checked here, and handed to the stacks as a typed `LabsConfig`. A bad value or an unknown
 * key becomes a `ConfigError` whose message names the key, the value and what is allowed; `bin/` prints
 * that one line and exits non-zero before any stack exists.
 */

/** How the static-site lab serves its pages. */
export type SiteHosting = 'cloudfront' | 'website';

/** The validated settings of the whole app. */
export interface LabsConfig {
  /** Hours after deployment at which each lab stack deletes itself; 0 means never. */
  readonly ttlHours: number;
  /** Appended to every stack name (`StaticSiteLabStack-<suffix>`) so several copies can share an account. */
  readonly stackSuffix: string | undefined;
  /** How `StaticSiteLabStack` serves its pages. */
  readonly staticSiteHosting: SiteHosting;
}

/** A setting as the README documents it: its key, what it does, its default and what it accepts. */
export interface SettingDoc {
  readonly key: keyof LabsConfig;
  readonly description: string;
  /** The default as a user would type it. */
  readonly defaultText: string;
  /** What the setting accepts, phrased to finish the sentence "Allowed: ...". */
  readonly allowed: string;
}

/** Thrown for any invalid setting. Its message is the whole user-facing explanation. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The longest a lab may live before it deletes itself: one week. */
export const MAX_TTL_HOURS = 168;

/** A lab session, with time to spare: long enough to finish the exercise, short enough to cost little. */
export const DEFAULT_TTL_HOURS = 4;

const SITE_HOSTINGS: readonly SiteHosting[] = ['cloudfront', 'website'];

interface Setting<T> extends SettingDoc {
  readonly defaultValue: T;
  /** Returns the parsed value, or `undefined` when the raw value is not allowed. */
  parse(raw: unknown): T | undefined;
}

function setting<K extends keyof LabsConfig>(s: Setting<LabsConfig[K]> & { key: K }) {
  return s;
}

/** Every setting the app reads, in the order the README lists them. */
const SETTINGS = [
  setting({
    key: 'ttlHours',
    description:
      'Hours after deployment at which each lab stack deletes itself (an EventBridge Scheduler one-time schedule calls CloudFormation DeleteStack). `0` turns expiry off.',
    defaultValue: DEFAULT_TTL_HOURS,
    defaultText: String(DEFAULT_TTL_HOURS),
    allowed: `a whole number of hours from 0 (never expire) to ${MAX_TTL_HOURS}`,
    parse: (raw) => {
      const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
      if (text === undefined || !/^\d+$/.test(text)) return undefined;
      const hours = Number(text);
      return hours <= MAX_TTL_HOURS ? hours : undefined;
    },
  }),
  setting({
    key: 'stackSuffix',
    description:
      'Appended to every stack name with a hyphen, so two people (or two copies) can deploy the same lab in one account without colliding.',
    defaultValue: undefined,
    defaultText: '(none)',
    allowed: '1 to 20 letters, digits or hyphens, starting with a letter or digit',
    parse: (raw) => (typeof raw === 'string' && /^[A-Za-z0-9][A-Za-z0-9-]{0,19}$/.test(raw) ? raw : undefined),
  }),
  setting({
    key: 'staticSiteHosting',
    description:
      '`cloudfront`: a private bucket served over HTTPS by CloudFront with origin access control. `website`: the course\'s way, the S3 website endpoint (HTTP) with a public-read bucket policy.',
    defaultValue: 'cloudfront' as SiteHosting,
    defaultText: 'cloudfront',
    allowed: SITE_HOSTINGS.join(' or '),
    parse: (raw) => SITE_HOSTINGS.find((h) => h === raw),
  }),
] as const;

/** The documentation of every setting, for the README and its test. */
export const SETTING_DOCS: readonly SettingDoc[] = SETTINGS.map(({ key, description, defaultText, allowed }) => ({
  key,
  description,
  defaultText,
  allowed,
}));

/**
 * Context keys that are plain identifiers (`ttlHours`) are ours; CDK's own keys always contain a
 * separator (`@aws-cdk/aws-s3:flag`, `aws:cdk:enable-path-metadata`, `acknowledged-issue-numbers`,
 * cached lookups such as `availability-zones:account=...`). So any plain identifier we do not know is a typo.
 */
const OUR_KEY_SHAPE = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * Reads and validates every setting from a CDK context object.
 *
 * @throws ConfigError naming the key, the value and what is allowed, for the first problem found.
 */
export function loadConfig(context: Record<string, unknown>): LabsConfig {
  const known = SETTINGS.map((s) => s.key as string);
  for (const key of Object.keys(context).sort()) {
    if (OUR_KEY_SHAPE.test(key) && !known.includes(key)) {
      const hint = closest(key, known);
      throw new ConfigError(
        `Unknown context key "${key}" (value ${show(context[key])}).` +
          (hint ? ` Did you mean "${hint}"?` : '') +
          ` Known keys: ${known.join(', ')}.`,
      );
    }
  }

  const config: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const raw = context[s.key];
    if (raw === undefined) {
      config[s.key] = s.defaultValue;
      continue;
    }
    const value = s.parse(raw);
    if (value === undefined) {
      throw new ConfigError(`Invalid value ${show(raw)} for context key "${s.key}". Allowed: ${s.allowed}.`);
    }
    config[s.key] = value;
  }
  return config as unknown as LabsConfig;
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** The known key within two edits of `key` (case-insensitive), if there is exactly one best. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
