/** The command line as typed: usage errors are one line and exit 1 before any AWS call; every command has --help. */
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
