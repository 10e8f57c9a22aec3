/**
 * Running a lab's checks and reporting them, shared by `labs check` and `labs trial`: one report per stack,
 * rendered as lines (`PASS name: detail`), a table (one row per stack) or JSON.
 */
import { AwsSession } from '../aws/session';
import { table } from '../format';
import { LabStack } from '../inventory/stacks';
import { checksFor } from './index';
import { CheckContext, CheckOptions, CheckResult } from './types';
import { fail } from './util';

/** Everything a check reaches outside the process with besides the session: injected by tests. */
export type CheckDeps = Omit<CheckContext, 'stack' | 'session' | 'options'>;

/** The real world: global fetch, timers, the clock, and progress on stderr. */
export function liveDeps(progress: (line: string) => void): CheckDeps {
  return {
    fetch: globalThis.fetch,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => new Date(),
    progress,
  };
}

/**
 * One stack's checks. `ok` is false when any check failed. A SKIP does not fail, because a lab's checks skip
 * only what does not apply to the deployed configuration (Swarm has no CoreDNS) or what could not run after
 * a check it needs failed (that FAIL is in the same report); see `CheckStatus`. What would let a SKIP hide
 * a lab nobody proved works is a FAIL here instead: a lab with no checks in this version of labs (under
 * `--all`), or a run in which every check skipped.
 */
export interface StackReport {
  readonly stack: string;
  readonly lab: string;
  readonly ok: boolean;
  readonly plan: readonly string[];
  readonly checks: readonly CheckResult[];
}

/** Stack statuses in which a lab's resources are all in place. */
const READY_STATUSES = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE']);

/** Runs the lab's checks on a stack; a lab without checks, or a stack mid-change, is one result saying so. */
export async function runLabChecks(session: AwsSession, stack: LabStack, deps: CheckDeps, options: CheckOptions = {}): Promise<StackReport> {
  const checks = checksFor(stack.lab);
  const report = (plan: readonly string[], results: readonly CheckResult[]): StackReport => ({
    stack: stack.name,
    lab: stack.lab,
    ok: !results.some((r) => r.status === 'FAIL'),
    plan,
    checks: results,
  });
  if (!checks) {
    return report([], [fail(LAB_HAS_CHECKS, `the ${stack.lab} lab has no checks in this version of labs, so nothing shows it works: update labs (git pull) and run it again.`)]);
  }
  const plan = checks.plan(stack);
  // --watch is meant to run while the stack is redeployed (UPDATE_IN_PROGRESS): it only counts answers.
  if (!READY_STATUSES.has(stack.status) && !(options.watch && checks.watches)) {
    return report(plan, [
      fail('stack is deployed', `${stack.name} is ${stack.status}${stack.statusReason ? ` (${stack.statusReason})` : ''}: wait for the deploy to finish, or redeploy it.`),
    ]);
  }
  const results = await checks.run({ ...deps, stack, session, options });
  if (results.every((r) => r.status === 'SKIP')) {
    return report(plan, [...results, fail(SOMETHING_PROVEN, 'every check was skipped, so nothing shows this lab works (the SKIP lines say why).')]);
  }
  return report(plan, results);
}

/** The FAIL of a lab stack that this version of labs cannot check. */
export const LAB_HAS_CHECKS = 'lab has checks';
/** The FAIL added when a lab's checks all skipped: exit 0 needs at least one PASS. */
export const SOMETHING_PROVEN = 'at least one check ran';

/** `PASS  name: detail`, one line per check, with the plan lines first. */
export function renderReport(report: StackReport): string[] {
  return [
    ...report.plan.map((line) => `${report.stack}: ${line}`),
    ...report.checks.map((c) => `${c.status}  ${c.name}: ${c.detail}`),
    summaryLine(report),
  ];
}

export function summaryLine(report: StackReport): string {
  const count = (s: string) => report.checks.filter((c) => c.status === s).length;
  return `${report.stack}: ${count('PASS')} passed, ${count('FAIL')} failed, ${count('SKIP')} skipped.`;
}

/** `--all`: one row per stack, then every FAIL with its stack. */
export function renderTable(reports: readonly StackReport[]): string[] {
  const count = (r: StackReport, s: string) => r.checks.filter((c) => c.status === s).length;
  const rows = reports.map((r) => [r.stack, r.lab, r.ok ? 'PASS' : 'FAIL', count(r, 'PASS'), count(r, 'FAIL'), count(r, 'SKIP')]);
  const failures = reports.flatMap((r) => r.checks.filter((c) => c.status === 'FAIL').map((c) => `FAIL  ${r.stack}: ${c.name}: ${c.detail}`));
  return [
    table(['STACK', 'LAB', 'RESULT', { header: 'PASS', align: 'right' }, { header: 'FAIL', align: 'right' }, { header: 'SKIP', align: 'right' }], rows),
    ...failures,
  ];
}
