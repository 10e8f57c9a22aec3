import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { describeResource } from '../actions/sweep';
import { readTemplates, synthesize } from '../assembly';
import { errorMessage } from '../aws/errors';
import { AwsSession } from '../aws/session';
import { liveDeps, runLabChecks, StackReport, summaryLine } from '../check/run';
import { fail } from '../check/util';
import { estimateStack } from '../cost/estimate';
import { CliError } from '../errors';
import { EXIT } from '../exit-codes';
import { loadInventory } from '../inventory';
import { stackTagOf } from '../inventory/ownership';
import { checkStackName, getLabStack, listStacks } from '../inventory/stacks';
import { io } from '../io';
import { PROJECT_DIR } from './cost';
import { RegionOption, withContext, withRegion, withSession } from './common';

export interface TrialOptions extends RegionOption {
  readonly context?: readonly string[];
  readonly keep?: boolean;
}

/** What a trial reaches outside the process with; tests inject fakes for the CDK CLI and AWS. */
export interface TrialDeps {
  /** Synthesizes the app with the settings and returns the stack's template (validates the name and settings). */
  synth(context: readonly string[]): { name: string; template: unknown }[];
  /** Runs the CDK CLI (`cdk <args...>`) in the project and resolves with its exit status. */
  cdk(args: readonly string[]): Promise<number>;
  /** Whether a stack of that name exists in the region (any status but deleted). */
  stackExists(name: string): Promise<boolean>;
  /** Runs the lab's checks on the deployed stack. */
  check(name: string): Promise<StackReport>;
  /** What carries `course-labs:stack=<name>` and still exists: one line each. */
  leftovers(name: string): Promise<string[]>;
  /** Milliseconds since some fixed time. */
  clock(): number;
  readonly region: string;
}

/** A trial's figures: what the README and the guides record. */
export interface TrialSummary {
  readonly stack: string;
  readonly region: string;
  readonly context: readonly string[];
  readonly deploy: { readonly ok: boolean; readonly seconds: number };
  readonly checks?: StackReport;
  readonly destroy?: { readonly ok: boolean; readonly seconds: number };
  readonly leftovers?: readonly string[];
  readonly usdPerHour: number;
  readonly unpriced: number;
  readonly hours: number;
  readonly usd: number;
}

/** `4m 12s`: precise to the second, as the README's deploy-time column records it. */
export function minutesSeconds(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/**
 * Deploys the lab through the CDK CLI, runs its checks, destroys it (unless `keep`; a failed deploy is
 * destroyed even then), lists what it left, and returns the figures. Refuses a stack that already exists: a trial
 * destroys what it deploys, and must never take down someone's lab.
 */
export async function runTrial(base: string, options: TrialOptions, deps: TrialDeps): Promise<TrialSummary> {
  checkStackName(base);
  const context = options.context ?? [];
  const suffix = context.find((c) => c.startsWith('stackSuffix='))?.slice('stackSuffix='.length);
  const name = suffix ? `${base}-${suffix}` : base;
  const synthesized = deps.synth(context).find((s) => s.name === name);
  if (!synthesized) throw new CliError(`The app has no stack ${name} with these settings.`, EXIT.usage);
  if (await deps.stackExists(name)) {
    throw new CliError(
      `${name} already exists in ${deps.region}: a trial deploys and destroys its own copy. Add -c stackSuffix=trial, or destroy ${name} first.`,
      EXIT.usage,
    );
  }
  const estimate = estimateStack(name, synthesized.template as Parameters<typeof estimateStack>[1]);
  const cArgs = context.flatMap((c) => ['-c', c]);

  const started = deps.clock();
  const deployArgs = ['deploy', name, '--require-approval', 'never', '--no-notices', ...cArgs];
  io.err(`Deploying ${name}: npx cdk ${deployArgs.join(' ')}`);
  const deployOk = (await deps.cdk(deployArgs)) === 0;
  const deployed = deps.clock();

  // Whatever happens in the checks, the lab is destroyed: an error there (access denied, say) is a failed check.
  let checks: StackReport | undefined;
  if (deployOk) {
    try {
      checks = await deps.check(name);
    } catch (err) {
      checks = { stack: name, lab: '?', ok: false, plan: [], checks: [fail('checks ran', `the checks stopped: ${errorMessage(err)}`)] };
    }
  }

  let destroy: TrialSummary['destroy'];
  let leftovers: string[] | undefined;
  let ended = deps.clock();
  // --keep keeps a lab that deployed; a failed deploy has nothing worth keeping (a stack that failed to create
  // can only be deleted), so it is destroyed and searched for leftovers all the same.
  if (!options.keep || !deployOk) {
    const destroyArgs = ['destroy', name, '--force', '--no-notices', ...cArgs];
    io.err(`Destroying ${name}: npx cdk ${destroyArgs.join(' ')}`);
    const destroyStart = deps.clock();
    const destroyOk = (await deps.cdk(destroyArgs)) === 0;
    ended = deps.clock();
    destroy = { ok: destroyOk, seconds: (ended - destroyStart) / 1000 };
    leftovers = await deps.leftovers(name).catch((err) => [`could not look for leftovers: ${errorMessage(err)}; run npx labs status`]);
  }
  const hours = (ended - started) / 3_600_000;
  return {
    stack: name,
    region: deps.region,
    context,
    deploy: { ok: deployOk, seconds: (deployed - started) / 1000 },
    checks,
    destroy,
    leftovers,
    usdPerHour: estimate.usdPerHour,
    unpriced: estimate.unpriced,
    hours,
    usd: estimate.usdPerHour * hours,
  };
}

/** The summary a trial prints, one figure per line. */
export function renderTrial(t: TrialSummary): string[] {
  const settings = t.context.length ? ` (${t.context.map((c) => `-c ${c}`).join(' ')})` : '';
  const lines = [
    `Trial of ${t.stack}${settings} in ${t.region}:`,
    `  deploy time   ${minutesSeconds(t.deploy.seconds)}${t.deploy.ok ? '' : ' (FAILED: see the CDK output above)'}`,
    `  checks        ${t.checks ? summaryLine(t.checks).replace(`${t.stack}: `, '') : 'not run: the deploy failed'}`,
    ...(t.checks?.checks ?? []).map((c) => `    ${c.status}  ${c.name}: ${c.detail}`),
    `  destroy time  ${t.destroy ? `${minutesSeconds(t.destroy.seconds)}${t.destroy.ok ? '' : ' (FAILED: run npx labs destroy ' + t.stack + ')'}` : 'kept (--keep): destroy it when done'}`,
    `  leftovers     ${t.leftovers === undefined ? 'not looked for (--keep)' : t.leftovers.length ? `${t.leftovers.length}: run npx labs sweep` : 'none'}`,
    ...(t.leftovers ?? []).map((l) => `    ${l}`),
    `  trial cost    $${t.usd.toFixed(4)}: $${t.usdPerHour.toFixed(4)}/h (labs cost) for ${(t.hours * 60).toFixed(1)} min` +
      `${t.unpriced ? `, ${t.unpriced} unpriced item(s) left out` : ''}; usage-priced requests not counted`,
  ];
  return lines;
}

/** The exit status of a trial: deploy or teardown trouble first, then failed checks. */
export function trialExit(t: TrialSummary): number {
  if (!t.deploy.ok || (t.destroy && !t.destroy.ok) || t.leftovers?.length) return EXIT.incomplete;
  if (t.checks && !t.checks.ok) return EXIT.checksFailed;
  return EXIT.ok;
}

/** The real CDK CLI and AWS. */
export function liveTrialDeps(session: AwsSession, region: string, projectDir = PROJECT_DIR): TrialDeps {
  const cdkBin = path.join(projectDir, 'node_modules', '.bin', 'cdk');
  return {
    region,
    synth(context) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labs-trial-'));
      try {
        synthesize(projectDir, dir, context);
        return readTemplates(dir);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    cdk: (args) =>
      new Promise((resolve) => {
        // The CLI's progress and outputs go to stderr, so stdout holds only the summary.
        const child = spawn(cdkBin, [...args], {
          cwd: projectDir,
          stdio: ['ignore', 2, 2],
          env: { ...process.env, AWS_REGION: region, CDK_DISABLE_VERSION_CHECK: '1' },
        });
        child.on('error', () => resolve(127));
        child.on('exit', (code) => resolve(code ?? 1));
      }),
    stackExists: async (name) => (await listStacks(session)).existingNames.has(name),
    check: async (name) => runLabChecks(session, await getLabStack(session, name), liveDeps((line) => io.err(line))),
    leftovers: async (name) => {
      const inventory = await loadInventory(session);
      const stack = inventory.labStacks.find((s) => s.name === name);
      return [
        ...(stack ? [`stack ${name} still exists (${stack.status})`] : []),
        ...inventory.resources.filter((r) => stackTagOf(r) === name).map(describeResource),
      ];
    },
    clock: () => Date.now(),
  };
}

/** `labs trial <stack>`: deploy, check, destroy, and print the figures. */
export function registerTrial(program: Command): void {
  withRegion(
    withContext(
      program
        .command('trial')
        .summary('Deploy a lab, check it, destroy it, and print the figures')
        .description(
          'Deploy a lab through the CDK CLI with the settings given, run labs check on it, destroy it (also after a failed deploy), ' +
            'look for anything tagged with the stack that is left, and print one summary: deploy time, check results, destroy time, ' +
            "leftovers and the trial's cost from the lab's hourly estimate. Refuses a stack that already exists.",
        )
        .argument('<stack>', 'the lab stack, e.g. StaticSiteLabStack (with -c stackSuffix=x, StaticSiteLabStack-x is deployed)')
        .option('--keep', 'leave the lab deployed after the checks (no destroy, no leftover search); a failed deploy is destroyed all the same'),
      'a setting for the deploy',
    ),
  ).action(async (stack: string, options: TrialOptions) => {
    await withSession(options, async (session) => {
      const summary = await runTrial(stack, options, liveTrialDeps(session, await session.region()));
      for (const line of renderTrial(summary)) io.out(line);
      const code = trialExit(summary);
      if (code !== EXIT.ok) throw new CliError(`The trial of ${summary.stack} did not pass (see the summary above).`, code);
    });
  });
}
