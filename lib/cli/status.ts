/**
 * `labs status` as data, then as text: every lab stack with its age, expiry and what in it bills now, priced
 * with the shared price table (`lib/cli/pricing`), and what deleted stacks left behind. Building and
 * rendering are pure, so both are unit-tested.
 */
import { PAUSE_TAG_KEYS } from '../shared/tags';
import { formatDuration, formatUsd, formatUtc, plural, table } from './format';
import { LiveStacks, ownerOf, planSweep, stackTagOf } from './inventory/ownership';
import { KIND_LABEL, LabResource, ResourceKind } from './inventory/resources';
import { LabStack } from './inventory/stacks';
import { describeItem, PRICE_TABLE, priceItem } from './pricing';

/** What is known of a stack's expiry schedule. */
export type ExpiryInfo =
  /** The stack lists no schedule: deployed with ttlHours=0. */
  | { readonly kind: 'never' }
  /**
   * The schedule exists; `at` is when it fires (undefined if its expression is not a UTC `at(...)`), and
   * `retryAt` when its retry calls DeleteStack again (lib/shared/expiry.ts), if the stack has one.
   */
  | { readonly kind: 'scheduled'; readonly at?: Date; readonly retryAt?: Date }
  /** The stack lists a schedule that is gone (it fired and the self-delete failed) or no longer deletes it. */
  | { readonly kind: 'missing' };

/** One resource in the report, priced. */
export interface StatusResource {
  readonly kind: ResourceKind;
  readonly id: string;
  readonly name?: string;
  readonly state: string;
  readonly detail: string;
  /** The stack its tags name (for resources no stack owns). */
  readonly stackTag?: string;
  /** Sum of its priced billable items, and of those it manages (a service's tasks). */
  readonly usdPerHour: number;
  /** What bills, as `describeItem` says it ("EC2 instance t3.micro"). */
  readonly billing: readonly string[];
  /** Why some of its items could not be priced. */
  readonly unpriced: readonly string[];
  /** Set by `labs pause`: this resource is paused. */
  readonly paused: boolean;
}

/** One lab stack in the report. */
export interface StackStatus {
  readonly name: string;
  readonly lab: string;
  readonly status: string;
  readonly createdAt: string;
  readonly ageMs: number;
  /** The `ExpiresAt` output: the time the last deploy that set ttlHours chose. */
  readonly expiresAtOutput?: string;
  readonly expiry: 'never' | 'scheduled' | 'missing';
  /** When the schedule fires now (differs from the output after `labs extend`). */
  readonly scheduledAt?: string;
  /** The schedule was moved (by `labs extend`) away from the output's time. */
  readonly extended: boolean;
  /** Past its expiry and still here (not being deleted): its self-delete failed. */
  readonly overdue: boolean;
  readonly overdueMs?: number;
  /** For an overdue stack, when the expiry's retry calls DeleteStack again, if that is still ahead. */
  readonly retryAt?: string;
  /** Something in it was paused by `labs pause`. */
  readonly paused: boolean;
  readonly usdPerHour: number;
  readonly unpricedCount: number;
  readonly resources: readonly StatusResource[];
}

/** The whole report; `labs status --json` prints exactly this. */
export interface StatusReport {
  readonly account: string;
  readonly region: string;
  readonly generatedAt: string;
  /** The region the price table holds; prices elsewhere differ. */
  readonly priceRegion: string;
  readonly stacks: readonly StackStatus[];
  /** Tagged resources no live stack owns: what `labs sweep` would delete. */
  readonly leftovers: readonly StatusResource[];
  readonly usdPerHour: number;
  readonly unpricedCount: number;
}

/** The kinds a status lists: what bills by the hour, can be paused, or holds data. */
const SHOWN: ReadonlySet<ResourceKind> = new Set<ResourceKind>([
  'ec2-instance',
  'ebs-volume',
  'nat-gateway',
  'emr-cluster',
  'ecs-service',
  'ecs-task',
  'load-balancer',
  's3-bucket',
]);

const isPaused = (r: LabResource) => Object.values(PAUSE_TAG_KEYS).some((key) => key in r.tags);

/** Prices resources and folds each managed one into its listed parent (a service's tasks into the service). */
function priceResources(resources: readonly LabResource[], showAll: boolean): StatusResource[] {
  const key = (kind: ResourceKind, id: string) => `${kind} ${id}`;
  const listed = new Map<string, LabResource>();
  for (const r of resources) if (showAll || SHOWN.has(r.kind)) listed.set(key(r.kind, r.id), r);
  const prices = new Map<string, { usd: number; billing: string[]; unpriced: string[] }>();
  const entry = (k: string) => {
    if (!prices.has(k)) prices.set(k, { usd: 0, billing: [], unpriced: [] });
    return prices.get(k)!;
  };
  const hidden = new Set<string>();
  for (const r of resources) {
    const parentKey = r.parent ? key(r.parent.kind, r.parent.id) : undefined;
    const target = parentKey && listed.has(parentKey) ? parentKey : key(r.kind, r.id);
    if (target !== key(r.kind, r.id)) hidden.add(key(r.kind, r.id));
    const e = entry(target);
    for (const item of r.billable) {
      const price = priceItem(item);
      e.billing.push(describeItem(item));
      if (price.priced) e.usd += price.usdPerHour;
      else e.unpriced.push(price.reason);
    }
  }
  return [...listed.entries()]
    .filter(([k]) => !hidden.has(k))
    .map(([k, r]) => {
      const p = prices.get(k) ?? { usd: 0, billing: [], unpriced: [] };
      return {
        kind: r.kind,
        id: r.id,
        name: r.name,
        state: r.state,
        detail: r.detail,
        stackTag: stackTagOf(r),
        usdPerHour: p.usd,
        billing: p.billing,
        unpriced: p.unpriced,
        paused: isPaused(r),
      };
    });
}

const sum = (resources: readonly StatusResource[]) => ({
  usdPerHour: resources.reduce((t, r) => t + r.usdPerHour, 0),
  unpricedCount: resources.reduce((t, r) => t + r.unpriced.length, 0),
});

/** Builds the report from the inventory and each stack's expiry schedule. */
export function buildStatus(
  inventory: {
    readonly account: string;
    readonly region: string;
    readonly labStacks: readonly LabStack[];
    readonly resources: readonly LabResource[];
    readonly live: LiveStacks;
  },
  expiries: ReadonlyMap<string, ExpiryInfo>,
  now: Date,
): StatusReport {
  const stacks = inventory.labStacks.map((stack): StackStatus => {
    const owned = inventory.resources.filter((r) => ownerOf(r, inventory.live) === stack.name);
    const resources = priceResources(owned, false);
    const expiry = expiries.get(stack.name) ?? { kind: stack.expiresAt ? 'missing' : 'never' };
    const scheduledAt = expiry.kind === 'scheduled' ? expiry.at : undefined;
    const effective = scheduledAt ?? stack.expiresAt;
    const overdue = expiry.kind !== 'never' && effective !== undefined && effective < now && stack.status !== 'DELETE_IN_PROGRESS';
    return {
      name: stack.name,
      lab: stack.lab,
      status: stack.status,
      createdAt: stack.createdAt.toISOString(),
      ageMs: now.getTime() - stack.createdAt.getTime(),
      expiresAtOutput: stack.expiresAt?.toISOString(),
      expiry: expiry.kind,
      scheduledAt: scheduledAt?.toISOString(),
      extended: !!scheduledAt && !!stack.expiresAt && scheduledAt.getTime() !== stack.expiresAt.getTime(),
      overdue,
      overdueMs: overdue && effective ? now.getTime() - effective.getTime() : undefined,
      retryAt: overdue && expiry.kind === 'scheduled' && expiry.retryAt && expiry.retryAt > now ? expiry.retryAt.toISOString() : undefined,
      paused: owned.some(isPaused),
      ...sum(resources),
      resources,
    };
  });
  const leftovers = priceResources(planSweep(inventory.resources, inventory.live).sweep, true);
  const all = [...stacks.flatMap((s) => s.resources), ...leftovers];
  return {
    account: inventory.account,
    region: inventory.region,
    generatedAt: now.toISOString(),
    priceRegion: PRICE_TABLE.region,
    stacks,
    leftovers,
    ...sum(all),
  };
}

/** `$0.0168`, with `+` when some items could not be priced, `-` when nothing bills by the hour. */
function price(usd: number, unpriced: number, billing: number): string {
  if (billing === 0 && unpriced === 0) return '-';
  return `${formatUsd(usd)}${unpriced ? '+' : ''}`;
}

function expiryText(s: StackStatus, now: Date): string {
  if (s.expiry === 'never') return 'never (ttlHours=0)';
  const at = s.scheduledAt ?? s.expiresAtOutput;
  if (!at) return s.expiry === 'missing' ? 'schedule gone' : 'unknown';
  const ms = new Date(at).getTime() - now.getTime();
  const when = `${formatUtc(new Date(at))} (${ms >= 0 ? `in ${formatDuration(ms)}` : `${formatDuration(ms)} ago`})`;
  return `${when}${s.extended ? ', extended' : ''}${s.expiry === 'missing' ? ', schedule gone' : ''}`;
}

function noteText(s: StackStatus): string {
  const notes: string[] = [];
  if (s.overdue) notes.push(`OVERDUE by ${formatDuration(s.overdueMs ?? 0)}${s.retryAt ? ` (retry at ${formatUtc(new Date(s.retryAt))})` : ''}`);
  if (s.status.endsWith('_FAILED')) notes.push(s.status);
  if (s.paused) notes.push('paused');
  return notes.join(', ');
}

/** `EC2 instance i-0abc`; resources whose id is an ARN (ECS, load balancers) go by their name. */
const resourceLabel = (r: StatusResource) => `${KIND_LABEL[r.kind]} ${r.id.startsWith('arn:') ? (r.name ?? r.id) : r.id}`;

/** The report as aligned tables. */
export function renderStatus(report: StatusReport): string {
  const now = new Date(report.generatedAt);
  const lines: string[] = [];
  const total = price(report.usdPerHour, report.unpricedCount, 1);
  lines.push(
    `Account ${report.account}, region ${report.region}: ${plural(report.stacks.length, 'lab stack')}` +
      (report.stacks.length || report.leftovers.length ? `, about ${total}/h in all.` : '.'),
  );
  if (report.stacks.length) {
    lines.push('');
    lines.push(
      table(
        ['STACK', 'LAB', 'STATUS', 'AGE', 'EXPIRES', { header: '$/HOUR', align: 'right' }, 'NOTE'],
        report.stacks.map((s) => [
          s.name,
          s.lab,
          s.status,
          formatDuration(s.ageMs),
          expiryText(s, now),
          price(s.usdPerHour, s.unpricedCount, s.resources.reduce((t, r) => t + r.billing.length, 0)),
          noteText(s),
        ]),
      ),
    );
    const rows = report.stacks.flatMap((s) =>
      s.resources.map((r) => [s.name, resourceLabel(r), r.state === 'exists' ? '' : r.state, r.detail, price(r.usdPerHour, r.unpriced.length, r.billing.length)]),
    );
    if (rows.length) {
      lines.push('', 'What is in them:', table(['STACK', 'RESOURCE', 'STATE', 'DETAIL', { header: '$/HOUR', align: 'right' }], rows));
    }
  }
  const overdue = report.stacks.filter((s) => s.overdue);
  if (overdue.length) {
    lines.push(
      '',
      `${plural(overdue.length, 'stack is', 'stacks are')} past ${overdue.length === 1 ? 'its' : 'their'} expiry and still here: the self-delete failed or did not run. ` +
        `Delete with: ${overdue.map((s) => `labs destroy ${s.name}`).join('; ')}`,
    );
  }
  if (report.leftovers.length) {
    lines.push(
      '',
      `Left behind by stacks that no longer exist (labs sweep deletes them):`,
      table(
        ['STACK TAG', 'RESOURCE', 'STATE', 'DETAIL', { header: '$/HOUR', align: 'right' }],
        report.leftovers.map((r) => [r.stackTag ?? '-', resourceLabel(r), r.state === 'exists' ? '' : r.state, r.detail, price(r.usdPerHour, r.unpriced.length, r.billing.length)]),
      ),
    );
  }
  if (!report.stacks.length && !report.leftovers.length) lines.push('Nothing of the course labs is deployed here.');
  const unpriced = [...new Set([...report.stacks.flatMap((s) => s.resources), ...report.leftovers].flatMap((r) => r.unpriced))];
  lines.push(
    '',
    `Prices: ${report.priceRegion} on-demand list prices from lib/cli/pricing/prices.json` +
      `${report.region !== report.priceRegion ? ` (prices in ${report.region} differ)` : ''}; storage and requests are not included.` +
      (unpriced.length ? ` "+" means some items have no price: ${unpriced.join('; ')}.` : ''),
  );
  return lines.join('\n');
}
