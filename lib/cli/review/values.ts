/**
 * What a TA needs to judge a changed property: its old and new values, not only its name. A property's value
 * can be a large structure (a launch template's data, a policy document), so the difference is walked down to
 * the leaves that differ (`LaunchTemplateData.InstanceType: t4g.micro -> t3.small`), and each value is shown
 * short: intrinsics as `cdk diff` renders them (`${Bucket}`, `${Bucket.Arn}/*`), long ones cut.
 */
import { renderIntrinsics } from '@aws-cdk/cloudformation-diff/lib/render-intrinsics';

/** One leaf that differs between the base's and the change's value of a property. */
export interface ValueChange {
  /** Where, from the property down: `LaunchTemplateData.InstanceType`, `PolicyDocument.Statement[0].Action`. */
  readonly path: string;
  /** The base's value, shown short; `(none)` when the change adds it. */
  readonly before: string;
  /** The change's value, shown short; `(none)` when the change removes it. */
  readonly after: string;
}

/** The longest a value is shown before it is cut. */
export const MAX_VALUE_CHARS = 80;
/** The most leaves listed per property; the rest are counted. */
export const MAX_CHANGES_PER_PROPERTY = 6;

const NONE = '(none)';

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The whole text of a value, intrinsics rendered, whitespace runs as one space. */
function fullText(value: unknown): string {
  const rendered: unknown = typeof value === 'object' && value !== null ? renderIntrinsics(value) : value;
  return (typeof rendered === 'string' ? rendered : JSON.stringify(rendered)).replace(/\s+/g, ' ');
}

/** A value as a reader reads it: `t3.small`, `80`, `${Bucket}`, `${Bucket.Arn}/*`, `["s3:GetObject","s3:PutObject"]`. */
export function showValue(value: unknown): string {
  if (value === undefined) return NONE;
  const text = fullText(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/**
 * Two long values that start alike (a user-data script, a generated name) are shown from a little before
 * where they first differ, so the difference is on screen.
 */
function showPair(before: unknown, after: unknown): { before: string; after: string } {
  if (before === undefined || after === undefined) return { before: showValue(before), after: showValue(after) };
  const [a, b] = [fullText(before), fullText(after)];
  if (a.length <= MAX_VALUE_CHARS && b.length <= MAX_VALUE_CHARS) return { before: a, after: b };
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i < MAX_VALUE_CHARS - 20) return { before: showValue(before), after: showValue(after) };
  const from = i - 20;
  const window = (t: string) => `…${t.slice(from, from + MAX_VALUE_CHARS - 2)}${t.length > from + MAX_VALUE_CHARS - 2 ? '…' : ''}`;
  return { before: window(a), after: window(b) };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** An intrinsic (`Ref`, `Fn::...`) is compared and shown whole, never walked into. */
const isIntrinsic = (v: unknown) => isObject(v) && Object.keys(v).length === 1 && (Object.keys(v)[0] === 'Ref' || Object.keys(v)[0].startsWith('Fn::'));

/**
 * The leaves that differ between `before` and `after`, under `path`. Objects are walked key by key, arrays of
 * the same length item by item; a list that grew or shrank is shown as what it gained and lost.
 */
export function valueChanges(path: string, before: unknown, after: unknown, out: ValueChange[] = []): ValueChange[] {
  if (same(before, after)) return out;
  if (isObject(before) && isObject(after) && !isIntrinsic(before) && !isIntrinsic(after)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])]) valueChanges(`${path}.${key}`, before[key], after[key], out);
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.length === after.length) {
      before.forEach((item, i) => valueChanges(`${path}[${i}]`, item, after[i], out));
      return out;
    }
    const lost = before.filter((b) => !after.some((a) => same(a, b)));
    const gained = after.filter((a) => !before.some((b) => same(a, b)));
    if (lost.length + gained.length < before.length + after.length) {
      for (const item of lost) out.push({ path, before: showValue(item), after: NONE });
      for (const item of gained) out.push({ path, before: NONE, after: showValue(item) });
      return out;
    }
  }
  out.push({ path, ...showPair(before, after) });
  return out;
}

/** `LaunchTemplateData.InstanceType: t4g.micro -> t3.small`, as Markdown, at most `MAX_CHANGES_PER_PROPERTY` of them. */
export function describeChanges(changes: readonly ValueChange[]): string[] {
  const code = (s: string) => (s === NONE ? s : `\`${s.replace(/`/g, "'")}\``);
  const lines = changes.slice(0, MAX_CHANGES_PER_PROPERTY).map((c) => `\`${c.path}\`: ${code(c.before)} → ${code(c.after)}`);
  if (changes.length > MAX_CHANGES_PER_PROPERTY) lines.push(`and ${changes.length - MAX_CHANGES_PER_PROPERTY} more`);
  return lines;
}
