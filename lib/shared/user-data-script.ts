import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';

/**
 * Bootstrap scripts as EC2 user data, shared by the labs that boot instances (the container cluster's nodes,
 * the web server): each lab keeps its scripts as `.sh` files in `lib/<lab>/scripts/`, which shellcheck and
 * the tests run as they are, and renders them into user data with `renderUserDataScript`.
 */

/** EC2 refuses user data over 16 KB (before base64): https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html */
export const USER_DATA_LIMIT_BYTES = 16 * 1024;

/** A role script's `source` of a sibling script, which rendering replaces by that script's text. */
const SOURCE_LINE = /^source "\$\(dirname "\$\{BASH_SOURCE\[0\]\}"\)\/([a-z-]+\.sh)"$/gm;
const PLACEHOLDER = /__([A-Z][A-Z0-9_]*)__/g;
/**
 * A value rendered inside single quotes must not be able to end them (tokens resolve to ARNs, URLs, ids).
 * Spaces are safe inside the quotes (lists of package names, a phrase a page prints).
 */
const SAFE_LITERAL = /^[A-Za-z0-9._:/@%+=,?& -]*$/;

/**
 * Renders the bootstrap script `file` into the text of an instance's user data:
 * - each `source` of a sibling script is replaced by that script's text (without its `#!` line), so user
 *   data is one self-contained script while the repo keeps one copy of the shared functions;
 * - comment-only lines are dropped: they document the scripts in the repo (and may mention placeholders),
 *   and user data is limited to 16 KB. The `#!` line and every command stay;
 * - each `__NAME__` placeholder is replaced by `values.NAME`, which may be a CDK token (resolved at deploy
 *   time: the stack's region, a secret's ARN, a wait condition's URL, an instance id).
 *
 * @throws if a placeholder has no value, a value is never used, or a literal value could break out of
 *   the single quotes the scripts put it in
 */
export function renderUserDataScript(file: string, values: Readonly<Record<string, string | number>>): string {
  const inlined = stripCommentLines(
    fs.readFileSync(file, 'utf8').replace(SOURCE_LINE, (_line, sibling: string) =>
      fs.readFileSync(path.join(path.dirname(file), sibling), 'utf8').replace(/^#!.*\n/, ''),
    ),
  );
  const unused = new Set(Object.keys(values));
  const rendered = inlined.replace(PLACEHOLDER, (_match, name: string) => {
    if (!(name in values)) throw new Error(`${path.basename(file)}: no value for placeholder __${name}__`);
    unused.delete(name);
    const value = String(values[name]);
    if (!Token.isUnresolved(value) && !SAFE_LITERAL.test(value)) {
      throw new Error(`${path.basename(file)}: value of __${name}__ (${JSON.stringify(value)}) may not be rendered into a script`);
    }
    return value;
  });
  if (unused.size > 0) throw new Error(`${path.basename(file)}: values never used: ${[...unused].join(', ')}`);
  return rendered;
}

/** Drops lines that are only a comment (and `# shellcheck` directives), keeping the `#!` line: what user data keeps of a script. */
export function stripCommentLines(script: string): string {
  const [shebang, ...rest] = script.split('\n');
  return [shebang, ...rest.filter((line) => !/^\s*#/.test(line))].join('\n');
}
