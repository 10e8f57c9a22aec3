/**
 * The pull-request workflows: the review reaches students' pull requests from forks (job summary, artifact,
 * a separate workflow_run workflow that only posts it), a failed review replaces the last comment, the same
 * gates as CI run, and every action is pinned to a commit.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const workflow = (name: string) => fs.readFileSync(path.join(ROOT, '.github', 'workflows', name), 'utf8');
const WORKFLOWS = fs.readdirSync(path.join(ROOT, '.github', 'workflows')).filter((f) => f.endsWith('.yml'));

test('every action is pinned to a full commit SHA, with its release tag beside it; Python tools are pinned', () => {
  const uses = WORKFLOWS.flatMap((f) => [...workflow(f).matchAll(/^\s*(?:-\s*)?uses:\s*(.*)$/gm)].map((m) => m[1].trim()));
  expect(uses.length).toBeGreaterThanOrEqual(8);
  for (const use of uses) expect(use).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  for (const f of WORKFLOWS) {
    for (const m of workflow(f).matchAll(/pip install (.*)$/gm)) {
      for (const pkg of m[1].split(/\s+/)) expect(pkg).toMatch(/^'[\w[\]-]+==\d+(\.\d+)*'$/);
    }
  }
});

test('the pull-request run never writes: read-only token, review in the summary and uploaded, and the gates of .ci/run', () => {
  const pr = workflow('pull-request.yml');
  expect(pr).toMatch(/^on:\n  pull_request:/m);
  const code = pr.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
  expect(pr).toMatch(/^permissions:\n  contents: read\n\n/m);
  expect(code).not.toMatch(/:\s*write/);
  expect(pr).not.toMatch(/createComment|updateComment|pull_request_target/);
  expect(pr).toContain('>> "$GITHUB_STEP_SUMMARY"');
  expect(pr).toMatch(/uses: actions\/upload-artifact@[0-9a-f]{40} # v[\d.]+\n\s+with:\n\s+name: labs-review/);
  // The summary and the upload run whatever happened before them.
  expect(pr).toMatch(/- name: Job summary\n\s+if: always\(\)/);
  expect(pr).toMatch(/- name: Upload the review for the comment workflow\n\s+if: always\(\)/);
  // CI's own script, so a pull request cannot pass what CI fails (diagram staleness, cfn-lint, moto, ...).
  expect(pr).toMatch(/^\s+run: \.ci\/run$/m);
  expect(pr).toContain('run: bash scripts/pr-review.sh "origin/$BASE_REF" "$RUNNER_TEMP/labs-review"');
  expect(fs.readFileSync(path.join(ROOT, 'scripts', 'pr-review.sh'), 'utf8')).toContain('review --base "$base" --output "$report.new" --fail-on-destroy');
});

test('the comment is posted by a workflow_run workflow that downloads the artifact and never runs the pull request\'s code', () => {
  const comment = workflow('pull-request-comment.yml');
  expect(comment).toMatch(/^on:\n  workflow_run:\n    workflows: \[pull request\]\n    types: \[completed\]/m);
  expect(workflow('pull-request.yml')).toMatch(/^name: pull request$/m);
  expect(comment).not.toMatch(/actions\/checkout|actions\/setup-node|npm |node bin|\brun:/);
  expect(comment).toMatch(/uses: actions\/download-artifact@[0-9a-f]{40} # v4[\d.]*\n(?:.*\n)*?\s+run-id: \$\{\{ github\.event\.workflow_run\.id \}\}/);
  expect(comment).toContain('pull-requests: write');
  expect(comment).toContain('updateComment');
  // A run that uploaded nothing still replaces the last review, with a failure.
  expect(comment).toContain('labs review did not finish');
});

test('scripts/pr-review.sh leaves a report that says the review failed, and the status, when the review cannot run', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pr-review-'));
  try {
    const result = spawnSync('bash', [path.join(ROOT, 'scripts', 'pr-review.sh'), 'origin/no-such-branch-for-labs', out], { encoding: 'utf8', env: { ...process.env, GITHUB_OUTPUT: path.join(out, 'output') } });
    expect(result.status).toBe(0); // the workflow's later step fails the job, after the summary and the upload
    const report = fs.readFileSync(path.join(out, 'review.md'), 'utf8');
    expect(report).toMatch(/^## labs review failed\n\n`labs review --base origin\/no-such-branch-for-labs` stopped with exit status 1 before writing its report:/);
    expect(report).toContain('labs: unknown git ref "origin/no-such-branch-for-labs"');
    expect(fs.readFileSync(path.join(out, 'status'), 'utf8').trim()).toBe('1');
    expect(fs.readFileSync(path.join(out, 'output'), 'utf8')).toBe('status=1\n');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
