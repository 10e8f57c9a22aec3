/** The command line as typed: usage errors are one line and exit 1 before any AWS call; every command has --help. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildProgram, run } from '../../lib/cli/main';

/** Runs `labs <args>` in-process with no AWS at all; returns the status and everything printed. */
async function labs(...args: string[]) {
  const printed: string[] = [];
  const write = (chunk: unknown) => {
    printed.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(write);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(write);
  try {
    const code = await run(args, (line) => printed.push(`${line}\n`));
    return { code, text: printed.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const COMMANDS = ['status', 'extend', 'pause', 'resume', 'destroy', 'sweep', 'results'];

test('every labs command is listed, with --help and --region', () => {
  const program = buildProgram();
  const names = program.commands.map((c) => c.name());
  expect(names).toEqual(expect.arrayContaining(COMMANDS));
  for (const name of COMMANDS) {
    const help = program.commands.find((c) => c.name() === name)!.helpInformation();
    expect(help).toContain(`Usage: labs ${name}`);
    expect(help).toContain('--region <region>');
    expect(help).toContain('-h, --help');
  }
});

test.each([
  [['destroy'], 'labs: Name one lab stack, or pass --all for every lab stack (not both).\n'],
  [['destroy', 'SiteLabStack', '--all'], 'labs: Name one lab stack, or pass --all for every lab stack (not both).\n'],
  [['extend', 'Site Lab!', '--hours', '2'], 'labs: Invalid stack name "Site Lab!": a stack name starts with a letter and has only letters, digits and hyphens (at most 128), e.g. StaticSiteLabStack.\n'],
])('labs %j is a usage error, one line, exit 1', async (args, message) => {
  expect(await labs(...args)).toEqual({ code: 1, text: message });
});

test.each([
  [['extend', 'SiteLabStack', '--hours', '0'], '"0" is not allowed: a whole number of hours from 1 to 168.'],
  [['extend', 'SiteLabStack', '--hours', '2.5'], '"2.5" is not allowed: a whole number of hours from 1 to 168.'],
  [['extend', 'SiteLabStack'], "required option '--hours <hours>' not specified"],
  [['status', '--region', 'Europe'], '"Europe" is not an AWS region name (e.g. us-east-1, eu-west-3).'],
  [['frobnicate'], "unknown command 'frobnicate'"],
])('labs %j is refused by the parser with exit 1', async (args, message) => {
  const { code, text } = await labs(...args);
  expect(code).toBe(1);
  expect(text).toMatch(/^labs: /);
  expect(text).toContain(message);
  expect(text.trimEnd()).not.toContain('\n'); // one line: no stack trace, no second line of hints
});

describe('-c/--context: exactly one key=value per -c, repeatable', () => {
  /** Parses `labs <args>` with the command's action replaced, to see what it would get. */
  async function parsed(...args: string[]) {
    const program = buildProgram();
    let seen: { stacks: string[]; context: string[] } | undefined;
    for (const name of ['cost', 'review']) {
      program.commands.find((c) => c.name() === name)!.action((stacks: string[], options: { context: string[] }) => {
        seen = { stacks, context: options.context };
      });
    }
    await program.parseAsync(args, { from: 'user' });
    return seen;
  }

  test('a stack name after -c key=value is a stack name, not a second setting', async () => {
    expect(await parsed('cost', '-c', 'phase=split', 'MicroservicesLabStack')).toEqual({ stacks: ['MicroservicesLabStack'], context: ['phase=split'] });
    expect(await parsed('cost', '-c', 'phase=split', '-c', 'ttlHours=8', 'A', 'B')).toEqual({ stacks: ['A', 'B'], context: ['phase=split', 'ttlHours=8'] });
    expect(await parsed('review', '--base', 'main', '--context', 'phase=split', 'MicroservicesLabStack')).toEqual({ stacks: ['MicroservicesLabStack'], context: ['phase=split'] });
    expect(await parsed('cost')).toEqual({ stacks: [], context: [] });
  });

  test.each([[['cost', '-c', 'bogus']], [['cost', '-c', '=split']], [['review', '--base', 'main', '-c', 'phase']]])('labs %j is refused, naming the value', async (args) => {
    const { code, text } = await labs(...args);
    expect(code).toBe(1);
    expect(text).toMatch(/^labs: .*is not a setting: write key=value, one per -c/);
    expect(text.trimEnd()).not.toContain('\n');
  });

  test('-c with --templates is refused rather than ignored', async () => {
    const cost = await labs('cost', '-c', 'phase=split', '--templates', 'test/cli/fixtures/cost');
    expect(cost).toEqual({
      code: 1,
      text: 'labs: -c phase=split cannot be used with --templates: the templates are already synthesized. Synthesize them with the settings (npx cdk synth -c phase=split --output <dir>), or leave out --templates.\n',
    });
    const review = await labs('review', '--base', 'main', '-c', 'phase=split', '--base-templates', 'test/cli/fixtures/review/base', '--templates', 'test/cli/fixtures/review/head');
    expect(review.code).toBe(1);
    expect(review.text).toMatch(/^labs: -c phase=split cannot be used with --templates/);
  });
});

test('labs --version prints the version from package.json', async () => {
  const { version } = require('../../package.json') as { version: string };
  expect(await labs('--version')).toEqual({ code: 0, text: `${version}\n` });
});

describe('an unexpected error is one line and a non-zero exit; --debug shows its stack trace', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labs-broken-'));
    fs.writeFileSync(path.join(dir, 'BrokenStack.template.json'), '{"Resources": ');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('without --debug: one line naming the error and --debug', async () => {
    const { code, text } = await labs('cost', '--templates', dir);
    expect(code).toBe(1);
    expect(text).toMatch(/^labs: unexpected error: SyntaxError: .*JSON.* \(run again with --debug for the stack trace\)\n$/);
  });

  test.each([[['--debug', 'cost']], [['cost', '--debug']]])('with --debug (%j), the stack trace', async (args) => {
    const { code, text } = await labs(...args, '--templates', dir);
    expect(code).toBe(1);
    expect(text).toMatch(/^SyntaxError: /);
    expect(text).toMatch(/\n +at /);
  });
});
