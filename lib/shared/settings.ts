/**
 * The one settings mechanism of the app.
 *
 * Every setting is a CDK context value (`-c key=value` on the command line, or the `context` block of
 * `cdk.json`). The settings every lab stack shares are declared here (`LAB_STACK_SETTINGS`); each lab
 * declares its own beside its stack (`lib/<lab>/settings.ts`) with the same builders, and the app
 * (`lib/app.ts`) composes them all with `loadSettings`. A bad value or an unknown key becomes a
 * `ConfigError` whose message names the key, the value and what is allowed, before any stack exists.
 */

/** Thrown for any invalid setting. Its message is the whole user-facing explanation, one line. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** One setting: its documentation (the README's settings table is checked against it) and its parser. */
export interface SettingDefinition<T> {
  /** What the setting does, for the README. */
  readonly description: string;
  /** The value when the key is not given. */
  readonly defaultValue: T;
  /** The default as a user would type it (`(none)` when there is none). */
  readonly defaultText: string;
  /** What the setting accepts, phrased to finish the sentence "Allowed: ...". */
  readonly allowed: string;
  /** The parsed value, or `undefined` when `raw` is not allowed. */
  parse(raw: unknown): T | undefined;
}

/** A group of settings, by context key. Keys are camelCase identifiers, unique across the whole app. */
export type SettingsDefinition = { readonly [key: string]: SettingDefinition<any> };

/** The typed values of a group of settings. */
export type SettingValues<D extends SettingsDefinition> = {
  readonly [K in keyof D]: D[K] extends SettingDefinition<infer T> ? T : never;
};

/** A setting as the README documents it. */
export interface SettingDoc {
  readonly key: string;
  readonly description: string;
  readonly defaultText: string;
  readonly allowed: string;
  /** Which stacks read it: `every lab` or a stack name. */
  readonly usedBy: string;
}

/** A group of settings and who reads them, as `loadSettings` takes it. */
export interface SettingsGroup {
  /** `every lab`, or the base name of the one stack that reads these settings. */
  readonly usedBy: string;
  readonly settings: SettingsDefinition;
}

/** What `loadSettings` returns for one group. */
export interface LoadedSettings {
  /** Every setting of the group, typed by its definition. */
  readonly values: Readonly<Record<string, unknown>>;
  /**
   * The group's settings that differ from their defaults, exactly as the user gave them (`key` -> text).
   * Commands a stack prints carry these, so following them changes nothing else.
   */
  readonly given: Readonly<Record<string, string>>;
}

/**
 * Context keys that are plain identifiers (`ttlHours`) are ours; CDK's own keys always contain a separator
 * (`@aws-cdk/aws-s3:flag`, `aws:cdk:enable-path-metadata`, `acknowledged-issue-numbers`, cached lookups
 * such as `availability-zones:account=...`). So any plain identifier we do not know is a mistake.
 */
const OUR_KEY_SHAPE = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * Reads and validates every group's settings from a CDK context object.
 *
 * Refused, with a hint: a plain identifier that is not a setting (`ttlHourz`), and any key that is a
 * setting written another way (`ttl-hours`, `TTL_HOURS`, `ttlhours`), which CDK would otherwise pass
 * through unread.
 *
 * @returns one `LoadedSettings` per group, in the order given
 * @throws ConfigError naming the key, the value and what is allowed, for the first problem found
 */
export function loadSettings(context: Record<string, unknown>, groups: readonly SettingsGroup[]): LoadedSettings[] {
  const known = groups.flatMap((g) => Object.keys(g.settings));
  const duplicate = known.find((key, i) => known.indexOf(key) !== i);
  if (duplicate) throw new Error(`setting "${duplicate}" is declared twice; setting keys must be unique across the app`);
  const byNormalForm = new Map(known.map((key) => [normalForm(key), key]));

  for (const key of Object.keys(context).sort()) {
    if (known.includes(key)) continue;
    const sameSetting = byNormalForm.get(normalForm(key));
    if (sameSetting) {
      throw new ConfigError(
        `Context key ${show(key)} (value ${show(context[key])}) is not read: setting keys are case-sensitive. Use "${sameSetting}".`,
      );
    }
    if (OUR_KEY_SHAPE.test(key)) {
      const hint = closest(key, known);
      throw new ConfigError(
        `Unknown context key ${show(key)} (value ${show(context[key])}).` +
          (hint ? ` Did you mean "${hint}"?` : '') +
          ` Known keys: ${known.join(', ')}.`,
      );
    }
  }

  return groups.map(({ settings }) => {
    const values: Record<string, unknown> = {};
    const given: Record<string, string> = {};
    for (const [key, definition] of Object.entries(settings)) {
      const raw = context[key];
      if (raw === undefined) {
        values[key] = definition.defaultValue;
        continue;
      }
      const value = definition.parse(raw);
      if (value === undefined) {
        throw new ConfigError(`Invalid value ${show(raw)} for context key "${key}". Allowed: ${definition.allowed}.`);
      }
      values[key] = value;
      if (value !== definition.defaultValue) given[key] = String(raw).trim();
    }
    return { values, given };
  });
}

/** The documentation of every setting of the groups, in order, for the README and its test. */
export function settingDocs(groups: readonly SettingsGroup[]): SettingDoc[] {
  return groups.flatMap(({ usedBy, settings }) =>
    Object.entries(settings).map(([key, { description, defaultText, allowed }]) => ({
      key,
      description,
      defaultText,
      allowed,
      usedBy,
    })),
  );
}

// ---- Builders: each lab declares its settings with these, so every message reads the same way. ----

/** Text of a raw context value (`-c` gives strings; `cdk.json` may give numbers or booleans). */
function text(raw: unknown): string | undefined {
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (typeof raw === 'string') return raw.trim();
  return undefined;
}

/** A whole number from `min` to `max`. */
export function wholeNumberSetting(
  options: { description: string; defaultValue: number; min: number; max: number; allowed?: string },
): SettingDefinition<number> {
  const { description, defaultValue, min, max } = options;
  return {
    description,
    defaultValue,
    defaultText: String(defaultValue),
    allowed: options.allowed ?? `a whole number from ${min} to ${max}`,
    parse: (raw) => {
      const t = text(raw);
      if (t === undefined || !/^\d+$/.test(t)) return undefined;
      const n = Number(t);
      return n >= min && n <= max ? n : undefined;
    },
  };
}

/** One of a fixed list of names, spelt exactly (no other case). */
export function choiceSetting<T extends string>(
  options: { description: string; defaultValue: T; choices: readonly T[] },
): SettingDefinition<T> {
  const { description, defaultValue, choices } = options;
  return {
    description,
    defaultValue,
    defaultText: defaultValue,
    allowed: choices.length === 2 ? choices.join(' or ') : `one of ${choices.join(', ')}`,
    parse: (raw) => choices.find((c) => c === text(raw)),
  };
}

/** `true` or `false`. */
export function booleanSetting(options: { description: string; defaultValue: boolean }): SettingDefinition<boolean> {
  return {
    description: options.description,
    defaultValue: options.defaultValue,
    defaultText: String(options.defaultValue),
    allowed: 'true or false',
    parse: (raw) => {
      const t = text(raw);
      return t === 'true' ? true : t === 'false' ? false : undefined;
    },
  };
}

/**
 * A string that `check` accepts (after trimming; an empty string is never accepted), or `undefined` when
 * the key is not given. `check` returns the value to use, or `undefined` to refuse it.
 */
export function optionalTextSetting(options: {
  description: string;
  allowed: string;
  check: (value: string) => string | undefined;
}): SettingDefinition<string | undefined> {
  return {
    description: options.description,
    defaultValue: undefined,
    defaultText: '(none)',
    allowed: options.allowed,
    parse: (raw) => {
      const t = typeof raw === 'string' ? raw.trim() : undefined;
      return t ? options.check(t) : undefined;
    },
  };
}

/**
 * A string with a default, accepted when `check` returns the value to use (after trimming; an empty string is
 * never accepted). For values drawn from a table the lab owns, such as instance types.
 */
export function textSetting(options: {
  description: string;
  defaultValue: string;
  allowed: string;
  check: (value: string) => string | undefined;
}): SettingDefinition<string> {
  return {
    description: options.description,
    defaultValue: options.defaultValue,
    defaultText: options.defaultValue,
    allowed: options.allowed,
    parse: (raw) => {
      const t = typeof raw === 'string' ? raw.trim() : undefined;
      return t ? options.check(t) : undefined;
    },
  };
}

/**
 * The network address of an IPv4 CIDR (`203.0.113.0/24`) in canonical form, or `undefined` when `value` is
 * not one: four decimal octets 0-255 without leading zeros, a prefix length 0-32 and no host bits set (so
 * `203.0.113.7/24`, which names no network, is refused rather than silently widened or narrowed).
 */
export function parseIpv4Cidr(value: string): { address: string; prefixLength: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return undefined;
  const octetTexts = match.slice(1, 5);
  if (octetTexts.some((o) => o.length > 1 && o.startsWith('0'))) return undefined;
  const octets = octetTexts.map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((o) => o > 255) || prefixLength > 32 || (match[5].length > 1 && match[5].startsWith('0'))) return undefined;
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  const hostBits = 2 ** (32 - prefixLength);
  if (address % hostBits !== 0) return undefined;
  return { address: octets.join('.'), prefixLength };
}

/**
 * An optional IPv4 CIDR that a security group may admit, such as the one address a student connects from.
 * Refused: anything `parseIpv4Cidr` refuses, IPv6 (`::/0` included), and any range wider than
 * `/minPrefixLength`: `0.0.0.0/0` opens a port to the whole internet, and a `/1` to half of it.
 */
export function ipv4CidrSetting(options: { description: string; minPrefixLength?: number }): SettingDefinition<string | undefined> {
  const minPrefixLength = options.minPrefixLength ?? 8;
  return optionalTextSetting({
    description: options.description,
    allowed:
      `an IPv4 CIDR with a prefix length from ${minPrefixLength} to 32 and no host bits set, such as 203.0.113.7/32 ` +
      '(one address) or 203.0.113.0/24; 0.0.0.0/0, ::/0 and other world-open ranges are refused',
    check: (value) => {
      const cidr = parseIpv4Cidr(value);
      return cidr && cidr.prefixLength >= minPrefixLength ? `${cidr.address}/${cidr.prefixLength}` : undefined;
    },
  });
}

/**
 * A comma-separated list of names from a fixed list, spelt exactly, each at most once, always including
 * `required`. The value is the chosen names in the order of `choices`, whatever order they were typed in.
 * A list naming exactly the default's names is the default itself, so it does not count as given.
 */
export function choiceListSetting<T extends string>(options: {
  description: string;
  defaultValue: readonly T[];
  choices: readonly T[];
  /** Names every list must include. @default - none */
  required?: readonly T[];
}): SettingDefinition<readonly T[]> {
  const { description, defaultValue, choices, required = [] } = options;
  const canonical = (names: readonly T[]) => choices.filter((c) => names.includes(c));
  const defaultKey = canonical(defaultValue).join(',');
  return {
    description,
    defaultValue,
    defaultText: defaultValue.join(','),
    allowed:
      `a comma-separated list of ${choices.join(', ')}` +
      (required.length > 0 ? ` that includes ${required.join(' and ')}` : '') +
      ', each at most once',
    parse: (raw) => {
      const t = text(raw);
      if (!t) return undefined;
      const names = t.split(',').map((n) => n.trim());
      if (names.some((n) => !choices.includes(n as T))) return undefined;
      if (new Set(names).size !== names.length) return undefined;
      if (required.some((r) => !names.includes(r))) return undefined;
      const value = canonical(names as T[]);
      return value.join(',') === defaultKey ? defaultValue : value;
    },
  };
}

/** An S3 bucket name as S3 allows it for new buckets: 3-63 of a-z 0-9 . -, a letter or digit at each end, no `..`. */
const S3_BUCKET = /^(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** A key prefix of S3's "safe" characters, less those that need quoting in a shell or in a HiveQL string. */
const S3_PREFIX = /^[A-Za-z0-9._=+\/-]*$/;

/** What `s3UriSetting` accepts, in words. */
export const S3_URI_ALLOWED =
  's3://bucket or s3://bucket/prefix (bucket: 3 to 63 lowercase letters, digits, dots or hyphens; prefix: letters, digits and . _ - = + /)';

/**
 * `s3://bucket` or `s3://bucket/prefix`, returned without trailing slashes, or `undefined` when the key is
 * not given (the stack then uses its own default, which may be a deploy-time value such as the region's
 * bucket, described by `defaultText`). Quotes, spaces, `;`, `$` and the like are refused, so the value is
 * safe to put in a shell command or a HiveQL string literal.
 */
export function s3UriSetting(options: { description: string; defaultText: string }): SettingDefinition<string | undefined> {
  return {
    description: options.description,
    defaultValue: undefined,
    defaultText: options.defaultText,
    allowed: S3_URI_ALLOWED,
    parse: (raw) => {
      const t = typeof raw === 'string' ? raw.trim() : undefined;
      const match = t ? /^s3:\/\/([^/]+)(\/.*)?$/.exec(t) : null;
      if (!match) return undefined;
      const [, bucket, path = ''] = match;
      const prefix = path.replace(/\/+$/, '').replace(/^\//, '');
      if (!S3_BUCKET.test(bucket) || !S3_PREFIX.test(prefix) || /^\/|\/\//.test(prefix)) return undefined;
      return prefix ? `s3://${bucket}/${prefix}` : `s3://${bucket}`;
    },
  };
}

// ---- The settings every lab stack reads. ----

/** How long a lab may live: a lab session with time to spare by default, one week at most, 0 for never. */
export const TTL_HOURS = { default: 4, min: 0, max: 168 } as const;

/** The one check of a `ttlHours` value, used by the setting, `LabStack` and `LabExpiry` alike. */
export function isValidTtlHours(hours: number): boolean {
  return Number.isInteger(hours) && hours >= TTL_HOURS.min && hours <= TTL_HOURS.max;
}

/** The allowed values of `ttlHours`, in words. */
export const TTL_HOURS_ALLOWED = `a whole number of hours from ${TTL_HOURS.min} (never expire) to ${TTL_HOURS.max}`;

/** Settings read by every lab stack. */
export const LAB_STACK_SETTINGS = {
  ttlHours: wholeNumberSetting({
    description:
      'Hours after deployment at which each lab stack deletes itself (an EventBridge Scheduler one-time schedule calls CloudFormation DeleteStack). `0` turns expiry off.',
    defaultValue: TTL_HOURS.default,
    min: TTL_HOURS.min,
    max: TTL_HOURS.max,
    allowed: TTL_HOURS_ALLOWED,
  }),
  stackSuffix: optionalTextSetting({
    description:
      'Appended to every stack name with a hyphen, so two people (or two copies) can deploy the same lab in one account without colliding.',
    allowed: '1 to 20 letters, digits or hyphens, starting with a letter or digit',
    check: (value) => (/^[A-Za-z0-9][A-Za-z0-9-]{0,19}$/.test(value) ? value : undefined),
  }),
} satisfies SettingsDefinition;

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** A key with case and separators removed: `ttl-hours`, `TTL_HOURS` and `ttlhours` all read `ttlhours`. */
function normalForm(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
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
