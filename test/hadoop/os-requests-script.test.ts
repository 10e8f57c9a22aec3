/**
 * The course's Hive script, run where we can: its parsing regular expression, read from the shipped
 * `os-requests.q` (not a copy), over CloudFront log lines in the sample data's format, with the script's
 * own column list, date range and grouping applied in JavaScript.
 *
 * Hive's RegexSerDe runs the expression with Java's `java.util.regex`, after HiveQL has unescaped the
 * string literal; here JavaScript's `RegExp` runs it. The two dialects differ (possessive quantifiers,
 * `&&` class intersections, nested classes, `\p{...}`, `\Q...\E`, lookbehind rules, `$` before a final
 * line break...), so this test first checks that the expression uses only constructs both read the same
 * way, and refuses to vouch for anything else. RegexSerDe also requires the whole line to match
 * (`Matcher.matches()`): the expression is anchored with `^...$`, which gives JavaScript the same meaning.
 */
import * as fs from 'fs';
import * as path from 'path';
import { OS_REQUESTS_SCRIPT } from '../../lib/hadoop/os-requests-step';

const script = fs.readFileSync(OS_REQUESTS_SCRIPT, 'utf8');
const logLines = fs.readFileSync(path.join(__dirname, 'fixtures', 'cloudfront-sample.log'), 'utf8').split('\n').filter(Boolean);

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

const regexLiteral = /'input\.regex'\s*=\s*'((?:[^'\\]|\\.)*)'/.exec(statements)![1];
const inputRegex = hiveString(regexLiteral);
const [, fromDate, toDate] = /WHERE request_date BETWEEN DATE '(\d{4}-\d\d-\d\d)' AND DATE '(\d{4}-\d\d-\d\d)'/.exec(statements)!;

/** What RegexSerDe makes of one line: a row of the table, or `undefined` (all columns NULL) if no match. */
function deserialize(line: string): Record<string, string> | undefined {
  const match = new RegExp(inputRegex).exec(line);
  if (!match) return undefined;
  return Object.fromEntries(columns.map((c, i) => [c.name, match[i + 1]]));
}

/** The script's query: requests per operating system in its date range. */
function osRequests(lines: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of lines.map(deserialize)) {
    // DATE columns compare as dates; ISO yyyy-mm-dd strings compare the same way.
    if (!row || row.request_date < fromDate || row.request_date > toDate) continue;
    counts[row.os] = (counts[row.os] ?? 0) + 1;
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

  test('has one capturing group per column, so RegexSerDe can fill the table', () => {
    expect(columns.map((c) => c.name)).toContain('os');
    expect(columns[0]).toEqual({ name: 'request_date', type: 'DATE' });
    const groups = new RegExp(`${inputRegex}|`).exec('')!.length - 1;
    expect(groups).toBe(columns.length);
  });

  test('uses only regex constructs that Java (Hive) and JavaScript (this test) read the same way', () => {
    expect(() => checkPortable(inputRegex)).not.toThrow();
    // The checker itself refuses what would differ.
    for (const bad of ['a++', '[a-z&&[^b]]', '(?<=x)y', '\\p{L}', '[[a]]', '\\Qa\\E', '(?i)a']) {
      expect(() => checkPortable(bad)).toThrow(/not read the same way/);
    }
  });
});

describe('its regular expression over sample CloudFront log lines', () => {
  test('the fixture is in the sample data format: tab-free, space-separated, user agent URL-encoded', () => {
    const data = logLines.filter((l) => !l.startsWith('#'));
    expect(data.length).toBeGreaterThan(10);
    for (const line of logLines) expect(line).not.toContain('\t');
    for (const line of data) {
      const fields = line.split(' ');
      expect(fields).toHaveLength(11);
      expect(fields[0]).toMatch(/^\d{4}-\d\d-\d\d$/);
    }
  });

  test('parses a sample line into the columns', () => {
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
    });
  });

  test('the OS is the first token inside the parentheses, even when a later token names another system', () => {
    const os = (ua: string) => deserialize(`2014-07-10 10:00:00 LHR3 4260 10.0.0.15 GET h.cloudfront.net /x 200 - ${ua}`)?.os;
    expect(os('Mozilla/5.0%20(MacOS;%20U;%20Windows%20NT%205.1;%20en-US)%20Gecko/2009040821')).toBe('MacOS');
    expect(os('Mozilla/5.0%20(Linux;%20U;%20Android%202.2;%20en-us)%20AppleWebKit/533.1')).toBe('Linux');
    expect(os('Mozilla/5.0%20(Android;%20Linux%20armv7l;%20rv:10.0.1)%20Firefox/10.0.1')).toBe('Android');
    expect(os('Mozilla/5.0%20(iOS;%20CPU%20iPhone%20OS%205_0%20like%20Mac%20OS%20X)')).toBe('iOS');
    // No parentheses, a header line: no row, as in the course's script.
    expect(os('curl/7.35.0')).toBeUndefined();
    expect(deserialize('#Version: 1.0')).toBeUndefined();
  });

  test('counts requests per operating system within the date range, boundaries included', () => {
    expect(osRequests(logLines)).toEqual({ Android: 1, Linux: 2, MacOS: 2, OSX: 1, Windows: 3, iOS: 2 });
  });
});
