/**
 * The two sides of a review: the base, checked out at a git ref in a temporary `git worktree` and
 * synthesized there, and the project's working tree, synthesized as it is. Everything temporary is removed
 * afterwards, the worktree registration included.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliError } from '../errors';

export interface ReviewDeps {
  /** Synthesizes the checkout at `projectDir` into `outDir` (see `assembly.synthesize`). */
  readonly synth: (projectDir: string, outDir: string, context: readonly string[]) => void;
  /** Installs dependencies in a checkout whose package-lock.json differs from the working tree's. */
  readonly install: (dir: string) => void;
}

export interface ReviewSides {
  /** The full commit id the base ref names. */
  readonly baseCommit: string;
  readonly baseOut: string;
  readonly headOut: string;
  /** How the base's dependencies were provided: `linked` (same lock file) or `installed` (npm ci). */
  readonly baseModules: 'linked' | 'installed';
}

function git(cwd: string, args: readonly string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (r.error) throw new CliError(`git could not run: ${r.error.message}`);
  return { ok: r.status === 0, out: (r.stdout ?? '').trimEnd(), err: (r.stderr ?? '').trim().split('\n')[0] ?? '' };
}

/** `npm ci` in the base's worktree, for a base whose lock file differs. */
export function npmCi(dir: string): void {
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) {
    const why = `${r.stderr ?? ''}`.trim().split('\n').filter(Boolean).pop() ?? r.error?.message ?? `exit status ${r.status}`;
    throw new CliError(`npm ci failed in the base's worktree: ${why}`);
  }
}

/** Checks the project is a clean git checkout and the ref names a commit; returns that commit. */
export function checkRepository(projectDir: string, baseRef: string): string {
  if (!fs.existsSync(projectDir)) throw new CliError(`project folder ${projectDir} does not exist`);
  const top = git(projectDir, ['rev-parse', '--show-toplevel']);
  if (!top.ok) throw new CliError(`${projectDir} is not a git checkout (${top.err}): labs review compares git commits`);
  const commit = git(projectDir, ['rev-parse', '--verify', '--quiet', `${baseRef}^{commit}`]);
  if (!commit.ok || !commit.out) {
    throw new CliError(`unknown git ref "${baseRef}": name a branch, tag or commit (for origin/main, run git fetch origin main first)`);
  }
  // node_modules is never source; a symlinked one shows as untracked despite the `node_modules/` ignore rule.
  const status = git(projectDir, ['status', '--porcelain', '--untracked-files=normal', '--', '.', ':(exclude)node_modules']);
  const dirty = status.out.split('\n').filter(Boolean);
  if (dirty.length) {
    throw new CliError(
      `the working tree has ${dirty.length} uncommitted change${dirty.length === 1 ? '' : 's'} (first: ${dirty[0].slice(3)}): commit or stash them, so the review shows what a commit would change`,
    );
  }
  return commit.out;
}

/**
 * Synthesizes the base and the working tree, then calls `use` with both output folders, and cleans up.
 * The base gets the working tree's node_modules through a symlink when both lock files are the same,
 * and its own `npm ci` otherwise.
 */
export async function withReviewSides<T>(
  projectDir: string,
  baseRef: string,
  context: readonly string[],
  deps: ReviewDeps,
  use: (sides: ReviewSides) => Promise<T> | T,
): Promise<T> {
  const baseCommit = checkRepository(projectDir, baseRef);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'labs-review-'));
  const worktree = path.join(tmp, 'base');
  try {
    const added = git(projectDir, ['worktree', 'add', '--detach', worktree, baseCommit]);
    if (!added.ok) throw new CliError(`could not check out ${baseRef} in a temporary worktree: ${added.err}`);
    const baseLock = git(projectDir, ['show', `${baseCommit}:package-lock.json`]);
    const headLockFile = path.join(projectDir, 'package-lock.json');
    const headLock = fs.existsSync(headLockFile) ? fs.readFileSync(headLockFile, 'utf8').trim() : undefined;
    let baseModules: ReviewSides['baseModules'];
    if (baseLock.ok && headLock !== undefined && baseLock.out === headLock && fs.existsSync(path.join(projectDir, 'node_modules'))) {
      fs.symlinkSync(path.join(projectDir, 'node_modules'), path.join(worktree, 'node_modules'), 'dir');
      baseModules = 'linked';
    } else {
      deps.install(worktree);
      baseModules = 'installed';
    }
    const baseOut = path.join(tmp, 'base.out');
    const headOut = path.join(tmp, 'head.out');
    try {
      deps.synth(worktree, baseOut, context);
    } catch (err) {
      if (err instanceof CliError) throw new CliError(`the base (${baseRef}) does not synthesize: ${err.message}`);
      throw err;
    }
    deps.synth(projectDir, headOut, context);
    return await use({ baseCommit, baseOut, headOut, baseModules });
  } finally {
    git(projectDir, ['worktree', 'remove', '--force', worktree]);
    git(projectDir, ['worktree', 'prune']);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
