/**
 * Synthesized templates, as `labs cost` and `labs review` read them: a cloud assembly folder written by
 * `cdk synth --output <dir>` (its `manifest.json` names each stack's template and metadata file), or any
 * folder of `<Stack>.template.json` files.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CliError } from './errors';
import { CfnTemplate } from './cost/resolve';

/** One metadata entry CDK records for a construct path (warnings, errors, acknowledged cdk-nag rules). */
export interface MetadataEntry {
  readonly type: string;
  readonly data?: unknown;
}

export interface SynthesizedStack {
  readonly name: string;
  readonly template: CfnTemplate;
  /** Construct path -> metadata entries, when the folder is a cloud assembly. */
  readonly metadata: Readonly<Record<string, readonly MetadataEntry[]>>;
  readonly templateFile: string;
}

interface ManifestArtifact {
  readonly type: string;
  readonly displayName?: string;
  readonly properties?: { readonly templateFile?: string; readonly stackName?: string };
  readonly metadata?: Record<string, MetadataEntry[]>;
  readonly additionalMetadataFile?: string;
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

/** Every stack in a folder of synthesized templates, sorted by name. */
export function readTemplates(dir: string): SynthesizedStack[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new CliError(`templates folder ${dir} does not exist`);
  const manifestFile = path.join(dir, 'manifest.json');
  const stacks: SynthesizedStack[] = [];
  if (fs.existsSync(manifestFile)) {
    const manifest = readJson<{ artifacts?: Record<string, ManifestArtifact> }>(manifestFile);
    for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
      if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
      const templateFile = path.join(dir, artifact.properties.templateFile);
      const extra = artifact.additionalMetadataFile ? readJson<Record<string, MetadataEntry[]>>(path.join(dir, artifact.additionalMetadataFile)) : {};
      stacks.push({
        name: artifact.properties.stackName ?? artifact.displayName ?? id,
        template: readJson<CfnTemplate>(templateFile),
        metadata: { ...extra, ...(artifact.metadata ?? {}) },
        templateFile,
      });
    }
  } else {
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.template.json'))) {
      const templateFile = path.join(dir, file);
      stacks.push({ name: file.slice(0, -'.template.json'.length), template: readJson<CfnTemplate>(templateFile), metadata: {}, templateFile });
    }
  }
  if (!stacks.length) throw new CliError(`no stack templates in ${dir} (expected the output of npx cdk synth --output ${dir})`);
  return stacks.sort((a, b) => a.name.localeCompare(b.name));
}

/** The stacks named, in the order given; all of them when none is. An unknown name is a user error. */
export function selectStacks<T extends { readonly name: string }>(stacks: readonly T[], names: readonly string[]): T[] {
  if (!names.length) return [...stacks];
  const unknown = names.filter((n) => !stacks.some((s) => s.name === n));
  if (unknown.length) {
    throw new CliError(`unknown stack ${unknown.join(', ')}; the app has: ${stacks.map((s) => s.name).join(', ')}`);
  }
  return names.map((n) => stacks.find((s) => s.name === n)!);
}

/**
 * Runs `cdk synth --quiet --output <outDir>` in a checkout of the project, with `-c key=value` context.
 * Synthesis needs no AWS credentials. A failure (a bad setting, a cdk-nag finding) becomes one line.
 */
export function synthesize(projectDir: string, outDir: string, context: readonly string[] = []): void {
  const cdk = path.join(projectDir, 'node_modules', '.bin', 'cdk');
  if (!fs.existsSync(cdk)) throw new CliError(`${projectDir} has no node_modules/.bin/cdk: run npm ci there first`);
  const args = ['synth', '--quiet', '--no-notices', '--output', outDir, ...context.flatMap((c) => ['-c', c])];
  const result = spawnSync(cdk, args, { cwd: projectDir, encoding: 'utf8', env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } });
  if (result.status !== 0) {
    const output = `${result.stderr ?? ''}\n${result.stdout ?? ''}`;
    throw new CliError(`synthesis failed in ${projectDir}: ${synthFailure(output) || result.error?.message || `exit status ${result.status}`}`);
  }
}

/**
 * Why synthesis failed, on one line: the app's own message (`course-labs: ...`), or each validation
 * error (a cdk-nag finding) with the construct path the CLI prints under it, or the last line.
 */
export function synthFailure(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const own = lines.filter((l) => l.startsWith('course-labs:'));
  if (own.length) return own.join(' ');
  const errors = lines.flatMap((l, i) => (/^ERROR\b/.test(l) ? [`${l}${lines[i + 1] ? ` at ${lines[i + 1].split(' ')[0]}` : ''}`] : []));
  if (errors.length) return errors.join('; ');
  return lines.slice(-1).join('');
}
