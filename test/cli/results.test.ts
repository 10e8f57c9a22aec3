import * as fs from 'fs';
import { resultsReport } from '../../lib/cli/commands/results';
import { CliError } from '../../lib/cli/errors';
import { EXIT } from '../../lib/cli/exit-codes';
import { isResultFile, parseS3Uri, readHiveResults, renderHiveRows, RESULT_COLUMNS, RESULTS_STEP_NAME } from '../../lib/cli/results';
import { OS_REQUESTS_SCRIPT, OS_REQUESTS_STEP_NAME } from '../../lib/hadoop/os-requests-step';
import { scriptedSession } from './fixtures';

test('parseS3Uri splits bucket and prefix, adding the trailing slash', () => {
  expect(parseS3Uri('s3://lab-results/output/os_requests/')).toEqual({ bucket: 'lab-results', prefix: 'output/os_requests/' });
  expect(parseS3Uri('s3://lab-results/output/os_requests')).toEqual({ bucket: 'lab-results', prefix: 'output/os_requests/' });
  expect(parseS3Uri('s3://lab-results')).toEqual({ bucket: 'lab-results', prefix: '' });
  expect(parseS3Uri('https://lab-results.s3.amazonaws.com/x')).toBeUndefined();
  expect(parseS3Uri('s3://UPPER/x')).toBeUndefined();
});

test('only files with rows count as results', () => {
  expect(isResultFile('out/os_requests/000000_0', 10)).toBe(true);
  expect(isResultFile('out/os_requests/_SUCCESS', 0)).toBe(false);
  expect(isResultFile('out/os_requests_$folder$', 0)).toBe(false);
  expect(isResultFile('out/os_requests/', 0)).toBe(false);
  expect(isResultFile('out/os_requests/000001_0', 0)).toBe(false);
});

test("Hive's Ctrl-A rows become aligned columns, numbers right-aligned", () => {
  expect(renderHiveRows('Android\x01855\nWindows\x011883\niOS\x0194\n')).toBe('Android   855\nWindows  1883\niOS        94');
  expect(renderHiveRows('a\tb\n')).toBe('a  b');
  expect(renderHiveRows('')).toBe('');
});

test('renderHiveRows puts a header over the rows, aligned like them', () => {
  expect(renderHiveRows('Android\x01855\nWindows\x011883\n', ['os', 'requests'])).toBe('os       requests\nAndroid       855\nWindows      1883');
  expect(renderHiveRows('', ['os', 'requests'])).toBe('');
});

test("RESULTS_STEP_NAME is the stack's step name", () => {
  expect(RESULTS_STEP_NAME).toBe(OS_REQUESTS_STEP_NAME);
});

test("RESULT_COLUMNS are the Hive script's SELECT list", () => {
  const script = fs.readFileSync(OS_REQUESTS_SCRIPT, 'utf8');
  expect(script).toMatch(new RegExp(`SELECT ${RESULT_COLUMNS[0]}, COUNT\\(\\*\\) AS ${RESULT_COLUMNS[1]}\\s+FROM`));
});

describe('readHiveResults tells rows, "completed with no rows" and "not yet" apart', () => {
  const STACK = 'arn:aws:cloudformation:us-east-1:123456789012:stack/HadoopLabStack/1';
  const URI = 's3://lab-results/os_requests/';
  const body = (text: string) => ({ Body: { transformToString: async () => text } });
  const session = (objects: { Key: string; Size: number }[], stepState?: string, texts: Record<string, string> = {}) =>
    scriptedSession({
      ListObjectsV2Command: () => ({ Contents: objects }),
      GetObjectCommand: (input) => body(texts[input.Key]),
      ListStackResourcesCommand: () => ({ StackResourceSummaries: [{ ResourceType: 'AWS::EMR::Cluster', PhysicalResourceId: 'j-CLUSTER' }] }),
      ListStepsCommand: () => ({ Steps: stepState ? [{ Id: 's-NEWEST', Name: 'os-requests', Status: { State: stepState } }] : [] }),
    }).session;

  test('rows: the files with rows, read, with the step', async () => {
    const s = session(
      [
        { Key: 'os_requests/000000_0', Size: 12 },
        { Key: 'os_requests/_SUCCESS', Size: 0 },
      ],
      'COMPLETED',
      { 'os_requests/000000_0': 'Android\x01855\n' },
    );
    const results = await readHiveResults(s, STACK, URI);
    expect(results).toEqual({
      kind: 'rows',
      uri: URI,
      files: [{ key: 'os_requests/000000_0', size: 12, truncated: false, text: 'Android\x01855\n' }],
      step: { clusterId: 'j-CLUSTER', stepId: 's-NEWEST', name: 'os-requests', state: 'COMPLETED', failure: undefined },
    });
    expect(resultsReport('HadoopLabStack', results)).toBe(
      `Requests per operating system, from ${URI} (1 file, 12 B), written by step "os-requests" (s-NEWEST, now COMPLETED):\nos       requests\nAndroid       855`,
    );
  });

  test('completed-empty: the step COMPLETED and wrote only an empty file; exit 5 with a message saying so', async () => {
    const results = await readHiveResults(session([{ Key: 'os_requests/000000_0', Size: 0 }], 'COMPLETED'), STACK, URI);
    expect(results).toMatchObject({ kind: 'completed-empty', emptyFiles: 1, step: { state: 'COMPLETED' } });
    let error: unknown;
    try {
      resultsReport('HadoopLabStack', results);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT.incomplete);
    expect((error as CliError).message).toMatch(/^HadoopLabStack's Hive step completed but its query returned no rows: /);
  });

  test("a student's own step under another name, newer, does not decide: the newest os-requests step does", async () => {
    const s = scriptedSession({
      ListObjectsV2Command: () => ({ Contents: [] }),
      ListStackResourcesCommand: () => ({ StackResourceSummaries: [{ ResourceType: 'AWS::EMR::Cluster', PhysicalResourceId: 'j-CLUSTER' }] }),
      ListStepsCommand: () => ({
        Steps: [
          { Id: 's-MINE', Name: 'my-os-requests', Status: { State: 'COMPLETED' } },
          { Id: 's-STACK', Name: 'os-requests', Status: { State: 'RUNNING' } },
        ],
      }),
    }).session;
    expect(await readHiveResults(s, STACK, URI)).toMatchObject({ kind: 'not-yet', step: { stepId: 's-STACK', state: 'RUNNING' } });
  });

  test.each(['PENDING', 'RUNNING', 'FAILED', undefined])('not-yet while the step is %s: exit 4, "No results yet"', async (state) => {
    const results = await readHiveResults(session([], state), STACK, URI);
    expect(results.kind).toBe('not-yet');
    expect(() => resultsReport('HadoopLabStack', results)).toThrow(/^No results yet under s3:\/\/lab-results\/os_requests\/: /);
    try {
      resultsReport('HadoopLabStack', results);
    } catch (err) {
      expect((err as CliError).exitCode).toBe(EXIT.notFound);
    }
  });
});
