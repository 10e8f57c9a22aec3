/**
 * The contract between `labs check` (the command, `lib/cli/commands/check.ts`) and each lab's checks
 * (`lib/cli/check/<lab>.ts`, one module per lab, listed in `LAB_CHECKS` in `./index.ts`).
 *
 * A lab's checks work only from what a deployed stack exposes: its outputs, tags and resources, and AWS
 * APIs through the one `AwsSession`. They never import a lab's constructs (`lib/<lab>/`): the stack on AWS
 * may have been deployed from another checkout.
 */
import { AwsSession } from '../aws/session';
import { LabStack } from '../inventory/stacks';

/**
 * `PASS`: the exercise works here. `FAIL`: it does not (or cannot be shown to). `SKIP`, which does not fail
 * the command, is allowed for two reasons only: the check does not apply to the deployed configuration
 * (Swarm mode has no CoreDNS), or it could not run because a check it needs failed in the same run (so the
 * run already fails). A check that cannot tell whether the lab works (no answer, a step not finished yet,
 * a missing output) is a `FAIL` with what to do, never a `SKIP`: graders read exit 0 as "this lab works".
 */
export type CheckStatus = 'PASS' | 'FAIL' | 'SKIP';

/** The outcome of one check. */
export interface CheckResult {
  /** What is checked, short and stable (graders key on it), e.g. `site answers 200`. */
  readonly name: string;
  readonly status: CheckStatus;
  /** PASS: what was seen. FAIL: what was seen and what to do. SKIP: why it did not run. One line. */
  readonly detail: string;
}

/** What a lab's checks receive. Everything that reaches outside the process is here, so tests inject it. */
export interface CheckContext {
  readonly stack: LabStack;
  /** AWS clients for the stack's region. */
  readonly session: AwsSession;
  /** HTTP requests (the site, the API, the load balancer). */
  readonly fetch: typeof globalThis.fetch;
  /** Waits between polls; tests pass one that returns at once. */
  readonly sleep: (ms: number) => Promise<void>;
  /** The current time; tests pass a fixed clock. */
  readonly now: () => Date;
  /** Prints a progress line to stderr (never part of `--json` output). */
  readonly progress: (line: string) => void;
  /**
   * What the user asked for beyond the plain checks (`--watch`, `--seconds`). A lab that has no such mode
   * ignores it.
   * @default - the plain checks
   */
  readonly options?: CheckOptions;
}

/** `labs check` options a lab's checks may read. */
export interface CheckOptions {
  /**
   * Keep requesting the lab at a steady rate and report failures at the end (the microservices lab, while
   * it is redeployed to another phase).
   * @default false
   */
  readonly watch?: boolean;
  /**
   * How long `watch` runs, in seconds (a positive whole number).
   * @default 60
   */
  readonly seconds?: number;
}

/** One lab's checks. */
export interface LabChecks {
  /** The lab's id: the value of the stack's `course-labs:lab` tag, e.g. `static-site`. */
  readonly lab: string;
  /**
   * The lines printed before any check runs: what is read and, for a check that must write (a temporary
   * user, a test object, a test Deployment), what it writes and that it removes it again afterwards.
   */
  plan(stack: LabStack): readonly string[];
  /**
   * Whether `run` honours `CheckContext.options.watch`; `labs check --watch` refuses a lab without it.
   * @default false
   */
  readonly watches?: boolean;
  /**
   * Runs every check and returns one result each, in a fixed order. A broken lab is a `FAIL` result, never
   * a thrown error; throw only for what stops every check (no credentials, access denied), which the
   * command reports as one line like the other commands. Whatever a check wrote is removed, pass or fail;
   * what cannot be (the Mythical Mysfits test click, inside an object Firehose shares with other clicks) is
   * named in the plan with why it stays, and what could not be removed is printed with how to remove it.
   */
  run(context: CheckContext): Promise<readonly CheckResult[]>;
}
