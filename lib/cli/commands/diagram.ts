import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { TAG_KEYS } from '../../shared/tags';
import { readTemplates, selectStacks, SynthesizedStack, synthesize } from '../assembly';
import { CfnTemplate, templateToDiagram } from '../diagram/graph';
import { diagramSection, withDiagramSection } from '../diagram/guide';
import { toMermaid } from '../diagram/render';
import { toSvg } from '../diagram/svg';
import { CliError } from '../errors';
import { PROJECT_DIR } from './cost';

interface DiagramOptions {
  readonly templates?: string;
  readonly plumbing?: boolean;
  readonly write?: boolean;
  readonly check?: boolean;
}

/** The image written beside each lab guide. */
export const SVG_FILE = 'architecture.svg';

/** The lab id a stack's resources are tagged with; the lab's folder is `lib/<id>/`. */
export function labIdOf(template: CfnTemplate): string | undefined {
  for (const resource of Object.values(template.Resources ?? {})) {
    const tags = (resource.Properties as { Tags?: unknown } | undefined)?.Tags;
    if (Array.isArray(tags)) {
      const tag = tags.find((t: { Key?: string }) => t.Key === TAG_KEYS.lab) as { Value?: unknown } | undefined;
      if (typeof tag?.Value === 'string') return tag.Value;
    }
  }
  return undefined;
}

/** A generated file and what it should contain. */
export interface GeneratedFile {
  readonly file: string;
  readonly content: string;
}

/** The lab guide section and the SVG each stack should have, at default settings. */
export async function generatedFiles(stacks: readonly SynthesizedStack[], projectDir: string): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [];
  for (const stack of stacks) {
    const lab = labIdOf(stack.template);
    const guide = lab && path.join(projectDir, 'lib', lab, 'README.md');
    if (!guide || !fs.existsSync(guide)) throw new CliError(`${stack.name} has no lab guide (looked for lib/<lab>/README.md by its ${TAG_KEYS.lab} tag)`);
    const diagram = templateToDiagram(stack.name, stack.template);
    const current = fs.readFileSync(guide, 'utf8');
    let updated: string;
    try {
      updated = withDiagramSection(current, diagramSection(stack.name, toMermaid(diagram), SVG_FILE));
    } catch (err) {
      throw new CliError(`${path.relative(projectDir, guide)}: ${(err as Error).message}`);
    }
    files.push({ file: guide, content: updated }, { file: path.join(path.dirname(guide), SVG_FILE), content: await toSvg(diagram) });
  }
  return files;
}

/** The files whose content on disk differs from what they should be. */
export function staleFiles(files: readonly GeneratedFile[]): GeneratedFile[] {
  return files.filter((f) => !fs.existsSync(f.file) || fs.readFileSync(f.file, 'utf8') !== f.content);
}

async function diagramCommand(names: string[], options: DiagramOptions, projectDir = PROJECT_DIR): Promise<void> {
  if (options.write && options.check) throw new CliError('--write and --check cannot be used together: --check only reads');
  if ((options.write || options.check) && options.plumbing) throw new CliError('--plumbing is for printing: lab guides show the folded diagram');
  let dir = options.templates;
  const temporary = dir ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'labs-diagram-'));
  try {
    if (temporary) {
      dir = temporary;
      synthesize(projectDir, dir); // default settings: what a guide describes
    }
    const stacks = selectStacks(readTemplates(dir!), names);
    if (!options.write && !options.check) {
      for (const stack of stacks) {
        console.log(`%% ${stack.name}\n${toMermaid(templateToDiagram(stack.name, stack.template, { showPlumbing: options.plumbing }))}`);
      }
      return;
    }
    const stale = staleFiles(await generatedFiles(stacks, projectDir));
    const relative = stale.map((f) => path.relative(projectDir, f.file));
    if (options.check) {
      if (stale.length) throw new CliError(`diagrams are stale in ${relative.join(', ')}: run npx labs diagram --write and commit the result`);
      console.log(`diagrams are up to date (${stacks.length} stack${stacks.length === 1 ? '' : 's'})`);
      return;
    }
    for (const f of stale) fs.writeFileSync(f.file, f.content);
    console.log(stale.length ? `wrote ${relative.join(', ')}` : 'diagrams were already up to date');
  } finally {
    if (temporary) fs.rmSync(temporary, { recursive: true, force: true });
  }
}

export function registerDiagram(program: Command): void {
  program
    .command('diagram')
    .description("Draws each lab's architecture from its synthesized template: Mermaid text, and the lab guides' generated sections and SVGs.")
    .argument('[stack...]', 'stack names (default: every stack of the app)')
    .option('--plumbing', 'also show log groups, IAM roles, the expiry machinery and CDK helper functions')
    .option('--write', "rewrite each lab guide's generated section (lib/<lab>/README.md) and its architecture.svg")
    .option('--check', 'exit 1 if a lab guide or SVG is stale (what CI runs)')
    .option('--templates <dir>', 'read templates from this folder (cdk synth --output <dir>) instead of synthesizing')
    .action((stacks: string[], options: DiagramOptions) => diagramCommand(stacks, options));
}
