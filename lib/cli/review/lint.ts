/**
 * cfn-lint over one template (`pip install cfn-lint`; CI installs it). A review compares the findings of
 * the base and of the change and lists the new ones; without cfn-lint it says the check was skipped.
 */
import { spawnSync } from 'child_process';

export interface LintFinding {
  /** Identifies the finding across two templates: rule, location path and message (not line numbers, which move). */
  readonly key: string;
  readonly rule: string;
  readonly level: string;
  /** The template path of the finding, e.g. `Resources/Bucket/Properties/BucketName`. */
  readonly where: string;
  readonly message: string;
}

export type LintResult = { readonly findings: LintFinding[] } | { readonly skipped: string };

/** Lints one template file. */
export type Linter = (templateFile: string) => LintResult;

interface CfnLintJson {
  readonly Level?: string;
  readonly Message?: string;
  readonly Rule?: { readonly Id?: string };
  readonly Location?: { readonly Path?: readonly (string | number)[] };
}

export function parseCfnLintJson(stdout: string): LintFinding[] {
  const raw = JSON.parse(stdout || '[]') as CfnLintJson[];
  return raw.map((f) => {
    const rule = f.Rule?.Id ?? '?';
    const where = (f.Location?.Path ?? []).join('/');
    const message = f.Message ?? '';
    return { key: `${rule}|${where}|${message}`, rule, level: f.Level ?? '?', where, message };
  });
}

export const cfnLint: Linter = (templateFile) => {
  const result = spawnSync('cfn-lint', ['--format', 'json', '--', templateFile], { encoding: 'utf8' });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    return { skipped: missing ? 'cfn-lint is not installed: pip install cfn-lint' : `cfn-lint failed to start: ${result.error.message}` };
  }
  try {
    return { findings: parseCfnLintJson(result.stdout) };
  } catch {
    const why = (result.stderr || result.stdout || '').trim().split('\n').pop();
    return { skipped: `cfn-lint failed: ${why || `exit status ${result.status}`}` };
  }
};
