/**
 * The course's Hive script, run where we can: its parsing regular expression, read from the shipped
 * `os-requests.q` (not a copy), over CloudFront log lines in CloudFront's own format, with the script's own
 * column list, date range and grouping applied in JavaScript.
 *
 * The truth is Java: Hive's RegexSerDe compiles the expression with `java.util.regex` after HiveQL has
 * unescaped the string literal, and keeps a line only if the whole of it matches (`Matcher.matches()`).
 * `HiveRegexSerDe.java` does exactly that (its comment cites Hive's sources), and this test runs it with the
 * machine's `java` once, over every line below (`.ci/run` installs a JRE where there is none).
 *
 * JavaScript's `RegExp` runs the same expression as a fast pre-check that must agree with Java on every
 * line. The two dialects differ (possessive quantifiers, `&&` class intersections, nested classes,
 * `\p{...}`, `\Q...\E`, lookbehind rules, `$` before a final line break...), so the pre-check first checks
 * that the expression uses only constructs both read the same way.
 *
 * Fixtures: `cloudfront-sample.log` holds lines as CloudFront writes them (and as the EMR sample data holds
 * them): `#Version` and `#Fields` header lines, then tab-separated fields, the user agent URL-encoded.
 * `cloudfront-docs-example.log` is, byte for byte, the example log file of CloudFront's documentation
 * (its source: https://github.com/awsdocs/amazon-cloudfront-developer-guide/blob/8b3fadf099763c36ced1d9bd0b624b622336775a/doc_source/AccessLogs.md,
 * "The following is an example log file for a web distribution"): today's 33 fields separated by tabs, one
 * line with a trailing tab. The current pages
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logs-reference.html) print
 * such lines with spaces for readability, so the test also reads the same lines with every tab a space.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { OS_REQUESTS_SCRIPT } from '../../lib/hadoop/os-requests-step';

const script = fs.readFileSync(OS_REQUESTS_SCRIPT, 'utf8');
const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8').split('\n').filter(Boolean);
/** Lines exactly as CloudFront writes them: tab-separated. */
const logLines = fixture('cloudfront-sample.log');
/** The documentation's example log file, as it is: today's 33 tab-separated fields. */
const docsTabbed = fixture('cloudfront-docs-example.log');
/** The same lines as documentation pages print them, with spaces. */
const docsLines = docsTabbed.map((line) => line.replace(/\t/g, ' '));

/** A sample-data line (tab-separated, as CloudFront writes it) with the given user agent. */
const withUserAgent = (ua: string) => ['2014-07-10', '10:00:00', 'LHR3', '4260', '10.0.0.15', 'GET', 'h.cloudfront.net', '/x', '200', '-', ua].join('\t');
const USER_AGENTS = {
  MacOS: 'Mozilla/5.0%20(MacOS;%20U;%20Windows%20NT%205.1;%20en-US)%20Gecko/2009040821%20IE/3.0.9',
  Linux: 'Mozilla/5.0%20(Linux;%20U;%20Android%202.2;%20en-us)%20AppleWebKit/533.1%20Safari/533.1',
  Android: 'Mozilla/5.0%20(Android;%20Linux%20armv7l;%20rv:10.0.1)%20Gecko/20100101%20Firefox/10.0.1',
  iOS: 'Mozilla/5.0%20(iOS;%20CPU%20iPhone%20OS%205_0%20like%20Mac%20OS%20X)%20Mobile/9A334',
  noParentheses: 'curl/7.35.0',
  noBrowserTail: 'Mozilla/5.0%20(iOS;%20CPU%20iPhone%20OS%205_0%20like%20Mac%20OS%20X)',
};
/** The same line with a single space, runs of spaces, or tabs and spaces mixed between fields. */
const SPACED = {
  oneSpace: withUserAgent(USER_AGENTS.MacOS).replace(/\t/g, ' '),
  manySpaces: withUserAgent(USER_AGENTS.MacOS).replace(/\t/g, '   '),
  mixed: withUserAgent(USER_AGENTS.MacOS).replace(/\t/g, ' \t '),
};
const allLines = [...logLines, ...docsTabbed, ...docsLines, ...Object.values(USER_AGENTS).map(withUserAgent), ...Object.values(SPACED), '#Version: 1.0'];

/** The script without its `--` comment lines. */
const statements = script
  .split('\n')
  .filter((line) => !line.startsWith('--'))
  .join('\n');

/** The value of a HiveQL single-quoted string literal, unescaped as Hive does; only `\\` is allowed. */
function hiveString(literal: string): string {
  const other = /\\[^\\]/.exec(literal.replace(/\\\\/g, ''));
  if (other) throw new Error(`escape ${other[0]} in a HiveQL string: Hive's unescaping of it is not modelled here`);
  return literal.replace(/\\\\/g, '\\');
}

/**
 * Throws unless `pattern` uses only constructs that Java and JavaScript read the same way: literal
 * characters, `.`, `^`, `$`, `|`, groups `(...)`, `(?:...)` and negative lookahead `(?!...)`, greedy or
 * lazy quantifiers `* + ? {n,m}` (never possessive), flat character classes without `&&` or nested `[`,
 * and the escapes `\xHH`, `\d \D \s \S \w \W` and escaped punctuation.
 */
function checkPortable(pattern: string): void {
  const fail = (what: string, at: number) => {
    throw new Error(`regex construct ${what} at ${at} is not read the same way by Java and JavaScript: ${pattern}`);
  };
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === 'x') {
        if (!/^[0-9A-Fa-f]{2}$/.test(pattern.slice(i + 2, i + 4))) fail('\\x without two hex digits', i);
        i += 3;
      } else if (/[dDsSwW]/.test(next) || /[^A-Za-z0-9]/.test(next)) {
        i += 1;
      } else {
        fail(`\\${next}`, i);
      }
      continue;
    }
    if (inClass) {
      if (c === '[') fail('nested [', i);
      if (c === '&' && pattern[i + 1] === '&') fail('&&', i);
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') fail('[] or [^] (a literal ] first in a class)', i);
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      if (!/^\(\?[:!]/.test(pattern.slice(i, i + 3))) fail(pattern.slice(i, i + 3), i);
      i += 2;
      continue;
    }
    if (/[*+?}]/.test(c) && pattern[i + 1] === '+') fail('possessive quantifier', i);
  }
  if (inClass) fail('unclosed [', pattern.length);
}

/** The table's columns, in order, from the CREATE TABLE statement. */
const columns = (() => {
  const body = /CREATE EXTERNAL TABLE cloudfront_logs \(([^)]*)\)/.exec(statements)![1];
  return body
    .split(',')
    .map((c) => c.trim().split(/\s+/))
    .map(([name, type]) => ({ name, type }));
})();

/** The `'input.regex'` value as written in the script, quotes included. */
const rawRegexLiteral = /'input\.regex'\s*=\s*('(?:[^'\\]|\\.)*')/.exec(statements)![1];
const inputRegex = hiveString(rawRegexLiteral.slice(1, -1));
const [, fromDate, toDate] = /WHERE request_date BETWEEN DATE '(\d{4}-\d\d-\d\d)' AND DATE '(\d{4}-\d\d-\d\d)'/.exec(statements)!;

/** The row RegexSerDe makes of one line's groups, or `undefined` (all columns NULL) if it did not match. */
const toRow = (groups: readonly (string | null)[] | null | undefined) =>
  groups ? Object.fromEntries(columns.map((c, i) => [c.name, groups[i]])) : undefined;

/** The JavaScript pre-check's reading of one line (`s`: RegexSerDe compiles with DOTALL). */
function deserializeJs(line: string): Record<string, string | null> | undefined {
  return toRow(new RegExp(inputRegex, 's').exec(line)?.slice(1));
}

/**
 * Java's reading of every line of `lines`, in one JVM: the expression as Hive unescapes it, its group
 * count, and each line's groups (null for no match).
 */
function runJava(lines: readonly string[]): { regex: string; groups: number; rows: Map<string, (string | null)[] | null> } {
  const javaFile = path.join(__dirname, 'HiveRegexSerDe.java');
  let stdout: string;
  try {
    stdout = execFileSync('java', [javaFile], { input: [rawRegexLiteral, ...lines].join('\n') + '\n', encoding: 'utf8', timeout: 60_000 });
  } catch (err) {
    throw new Error(`could not run ${javaFile} with java (Hive's regex engine; .ci/run installs a JRE): ${(err as Error).message}`);
  }
  const [head, ...results] = stdout.trimEnd().split('\n');
  const { regex, groups } = JSON.parse(head) as { regex: string; groups: number };
  if (results.length !== lines.length) throw new Error(`java answered ${results.length} lines for ${lines.length}`);
  return { regex, groups, rows: new Map(lines.map((l, i) => [l, JSON.parse(results[i]) as (string | null)[] | null])) };
}

let java: ReturnType<typeof runJava>;
beforeAll(() => {
  java = runJava(allLines);
}, 60_000);

/** What RegexSerDe makes of one line, by Java: a row of the table, or `undefined` (all columns NULL). */
function deserialize(line: string): Record<string, string | null> | undefined {
  if (!java.rows.has(line)) throw new Error(`line not sent to java (add it to allLines): ${line}`);
  return toRow(java.rows.get(line));
}

/** The script's query: requests per operating system in its date range. */
function osRequests(lines: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of lines.map(deserialize)) {
    // DATE columns compare as dates; ISO yyyy-mm-dd strings compare the same way.
    if (!row || row.request_date! < fromDate || row.request_date! > toDate) continue;
    counts[row.os!] = (counts[row.os!] ?? 0) + 1;
  }
  return counts;
}

describe('the HiveQL script', () => {
  test('runs the course query: requests per OS from 2014-07-05 to 2014-08-05, into OUTPUT/os_requests/', () => {
    expect([fromDate, toDate]).toEqual(['2014-07-05', '2014-08-05']);
    expect(statements).toContain("LOCATION '${INPUT}'");
    expect(statements).toContain("INSERT OVERWRITE DIRECTORY '${OUTPUT}/os_requests/'");
    expect(statements).toMatch(/SELECT os, COUNT\(\*\) AS requests\s+FROM cloudfront_logs[\s\S]*GROUP BY os/);
    expect(statements).toContain("ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'");
  });

  test('its only semicolons end statements (older Hive clients split on any other, even in quotes or comments)', () => {
    const lines = script.split('\n');
    const withSemicolon = lines.filter((l) => l.includes(';'));
    expect(withSemicolon.length).toBe(3);
    for (const line of withSemicolon) expect(line).toMatch(/^[^;]*;$/);
  });

  test("has the tutorial's columns and one capturing group per column (RegexSerDe refuses a table otherwise)", () => {
    expect(columns.map((c) => c.name)).toEqual([
      'request_date', 'request_time', 'edge_location', 'bytes_sent', 'client_ip', 'http_method',
      'host', 'uri', 'http_status', 'referrer', 'os', 'browser', 'browser_version',
    ]);
    expect(columns[0]).toEqual({ name: 'request_date', type: 'DATE' });
    expect(java.groups).toBe(columns.length);
    expect(new RegExp(`${inputRegex}|`).exec('')!.length - 1).toBe(columns.length);
  });

  test("Java receives the expression the JavaScript pre-check models (HiveQL's unescaping)", () => {
    expect(java.regex).toBe(inputRegex);
  });

  test('uses only regex constructs that Java (Hive) and JavaScript (this test) read the same way', () => {
    expect(() => checkPortable(inputRegex)).not.toThrow();
    // The checker itself refuses what would differ.
    for (const bad of ['a++', '[a-z&&[^b]]', '(?<=x)y', '\\p{L}', '[[a]]', '\\Qa\\E', '(?i)a']) {
      expect(() => checkPortable(bad)).toThrow(/not read the same way/);
    }
  });
});

describe('its regular expression over CloudFront log lines, run by Java as RegexSerDe runs it', () => {
  test('the fixture is in the format CloudFront writes: header lines, then tab-separated fields, user agent URL-encoded', () => {
    expect(logLines.slice(0, 2)).toEqual([
      '#Version: 1.0',
      '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent)',
    ]);
    const data = logLines.filter((l) => !l.startsWith('#'));
    expect(data.length).toBeGreaterThan(10);
    for (const line of data) {
      expect(line).not.toContain(' ');
      const fields = line.split('\t');
      expect(fields).toHaveLength(11);
      expect(fields[0]).toMatch(/^\d{4}-\d\d-\d\d$/);
    }
  });

  test("the documentation's example: 33 tab-separated fields, as the #Fields line lists them", () => {
    const names = docsTabbed[1].replace('#Fields: ', '').split(' ');
    expect(names).toHaveLength(33);
    for (const line of docsTabbed.slice(2)) {
      expect(line).not.toContain(' ');
      expect(line.replace(/\t$/, '').split('\t')).toHaveLength(33);
    }
  });

  test('the JavaScript pre-check agrees with Java on every line', () => {
    for (const line of allLines) expect([line, deserializeJs(line)]).toEqual([line, deserialize(line)]);
  });

  test('parses a tab-separated sample line into the columns', () => {
    const row = deserialize(logLines.find((l) => l.startsWith('2014-07-06'))!);
    expect(row).toEqual({
      request_date: '2014-07-06',
      request_time: '01:23:45',
      edge_location: 'DFW3',
      bytes_sent: '4260',
      client_ip: '10.0.0.12',
      http_method: 'GET',
      host: 'eabcd12345678.cloudfront.net',
      uri: '/test-image-1.jpeg',
      http_status: '200',
      referrer: 'http://www.example.com/index.html',
      os: 'Windows',
      browser: 'Chrome',
      browser_version: '10.0.648.204',
    });
  });

  test('reads the same row whatever whitespace separates the fields: one space, several, tabs and spaces', () => {
    const tabbed = deserialize(withUserAgent(USER_AGENTS.MacOS));
    expect(tabbed).toMatchObject({ request_date: '2014-07-10', os: 'MacOS', browser: 'IE', browser_version: '3.0.9' });
    for (const line of Object.values(SPACED)) expect(deserialize(line)).toEqual(tabbed);
  });

  test("reads the documentation's 33-field lines, tabbed or printed with spaces, the further fields left out", () => {
    for (const lines of [docsTabbed, docsLines]) expect(deserialize(lines[2])).toEqual(deserialize(docsTabbed[2]));
    expect(deserialize(docsTabbed[5])).toEqual(deserialize(docsLines[5]));
    expect(deserialize(docsTabbed[5])?.referrer).toBe('http://www.example.com/');
    // curl's user agent has no parenthesised system: the line is not counted, as in the tutorial.
    expect(docsTabbed[7]).toContain('\tcurl/7.55.1\t');
    expect(deserialize(docsTabbed[7])).toBeUndefined();
    expect(deserialize(docsLines[2])).toEqual({
      request_date: '2019-12-04',
      request_time: '21:02:31',
      edge_location: 'LAX1',
      bytes_sent: '392',
      client_ip: '192.0.2.100',
      http_method: 'GET',
      host: 'd111111abcdef8.cloudfront.net',
      uri: '/index.html',
      http_status: '200',
      referrer: '-',
      os: 'Windows%20NT%2010.0',
      browser: 'Safari',
      browser_version: '537.36',
    });
    expect(deserialize(docsLines[5])?.referrer).toBe('http://www.example.com/');
  });

  test('the OS is the first token inside the parentheses, the browser the last Name/Version of the user agent', () => {
    const read = (ua: string) => {
      const row = deserialize(withUserAgent(ua));
      return row && [row.os, row.browser, row.browser_version];
    };
    expect(read(USER_AGENTS.MacOS)).toEqual(['MacOS', 'IE', '3.0.9']);
    expect(read(USER_AGENTS.Linux)).toEqual(['Linux', 'Safari', '533.1']);
    expect(read(USER_AGENTS.Android)).toEqual(['Android', 'Firefox', '10.0.1']);
    expect(read(USER_AGENTS.iOS)).toEqual(['iOS', 'Mobile', '9A334']);
    // No parentheses, no Name/Version after them, a header line: no row, as in the course's script.
    expect(read(USER_AGENTS.noParentheses)).toBeUndefined();
    expect(read(USER_AGENTS.noBrowserTail)).toBeUndefined();
    expect(deserialize('#Version: 1.0')).toBeUndefined();
  });

  test('counts requests per operating system within the date range, boundaries included', () => {
    expect(osRequests(logLines)).toEqual({ Android: 1, Linux: 2, MacOS: 2, OSX: 1, Windows: 3, iOS: 2 });
  });
});
