import { badRows, hadoopChecks } from '../../../lib/cli/check/hadoop';
import { context, fakeFetch, fakeSession, labStack, objectBody, statuses } from './fakes';

const STEP_NAME = 'os-requests';
const OUTPUTS = {
  ClusterId: 'j-2AXXXXXXGAPLF',
  ResultsUri: 's3://hadooplabstack-results-1/output/os_requests/',
  DescribeStepCommand: `aws emr describe-step --cluster-id j-2AXXXXXXGAPLF --step-id $(aws emr list-steps --query 'Steps[?Name==\`${STEP_NAME}\`].Id | [0]' --output text)`,
};
// Hive's text output: Ctrl-A between fields, one row per operating system (the course's result).
const ROWS = 'Android\x01855\nLinux\x01813\nMacOS\x01852\nOSX\x01799\nWindows\x01883\niOS\x01794\n';

type Step = { state: string; failure?: string };

function aws(opts: { step?: Step | null; files?: Record<string, string>; cluster?: { state: string; autoTerminate?: boolean; reason?: string }; idle?: number }) {
  const files = opts.files ?? { 'output/os_requests/000000_0': ROWS };
  const step = opts.step === undefined ? { state: 'COMPLETED' } : opts.step;
  return fakeSession({
    ListStackResourcesCommand: () => ({ StackResourceSummaries: [{ ResourceType: 'AWS::EMR::Cluster', PhysicalResourceId: OUTPUTS.ClusterId }] }),
    ListStepsCommand: () => ({
      Steps: [
        { Id: 's-LATER', Name: 'Something the student added', Status: { State: 'RUNNING' } },
        ...(step ? [{ Id: 's-COURSE', Name: STEP_NAME, Status: { State: step.state, FailureDetails: step.failure ? { Message: step.failure } : undefined } }] : []),
      ],
    }),
    ListObjectsV2Command: (input) => ({
      Contents: [
        { Key: 'output/os_requests/_SUCCESS', Size: 0 },
        ...Object.entries(files)
          .filter(([k]) => k.startsWith(input.Prefix))
          .map(([Key, body]) => ({ Key, Size: Buffer.byteLength(body) })),
      ],
    }),
    GetObjectCommand: (input) => objectBody(files[input.Key]),
    DescribeClusterCommand: () => ({
      Cluster: {
        Id: OUTPUTS.ClusterId,
        AutoTerminate: opts.cluster?.autoTerminate ?? false,
        Status: { State: opts.cluster?.state ?? 'WAITING', StateChangeReason: opts.cluster?.reason ? { Code: opts.cluster.reason } : {} },
      },
    }),
    GetAutoTerminationPolicyCommand: () => ({ AutoTerminationPolicy: opts.idle === undefined ? { IdleTimeout: 3600 } : opts.idle ? { IdleTimeout: opts.idle } : undefined }),
  });
}

const run = (fake: ReturnType<typeof aws>) => hadoopChecks.run(context(labStack('hadoop', 'HadoopLabStack', OUTPUTS), fake.session, fakeFetch({}).fetch));

test('a long-running lab passes when the course step completed with one positive count per OS and the cluster has an idle timeout', async () => {
  const results = await run(aws({}));
  expect(statuses(results)).toEqual([
    'PASS course step completed',
    'PASS os_requests/ holds rows',
    'PASS one positive count per operating system',
    'PASS cluster stops billing on its own',
  ]);
  expect(results[1].detail).toMatch(/^6 rows in 1 file/);
  expect(results[3].detail).toMatch(/3600 s idle/);
});

test('an empty result after a completed step is a FAIL, not a "not yet"', async () => {
  const results = await run(aws({ files: { 'output/os_requests/000000_0': '' } }));
  expect(statuses(results).slice(0, 3)).toEqual(['PASS course step completed', 'FAIL os_requests/ holds rows', 'SKIP one positive count per operating system']);
  expect(results[1].detail).toMatch(/step completed but .* holds no rows/);
});

test('a step still running fails as not finished, and says the rows are not there yet', async () => {
  const results = await run(aws({ step: { state: 'RUNNING' }, files: {} }));
  expect(results[0]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/RUNNING: not finished yet/) });
  expect(results[1].detail).toMatch(/^No rows under .* yet: its latest step "os-requests" \(s-COURSE\) on cluster j-2AXXXXXXGAPLF is RUNNING\.$/);
});

test('a failed step fails with its reason; a missing step fails too', async () => {
  const failed = await run(aws({ step: { state: 'FAILED', failure: 'FAILED: ParseException line 3:4' } }));
  expect(failed[0].detail).toMatch(/FAILED: FAILED: ParseException/);
  const missing = await run(aws({ step: null }));
  // Without the course's step, the newest step decides (a student's own, here still RUNNING).
  expect(missing[0].detail).toMatch(/Step "Something the student added" is RUNNING/);
});

test('counts that are not positive integers, or an OS listed twice, fail', async () => {
  const zero = await run(aws({ files: { 'output/os_requests/000000_0': 'Android\x01855\nLinux\x010\n' } }));
  expect(zero[2]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/1 of 2 rows .* "Linux\^A0"/) });
  const twice = await run(aws({ files: { 'output/os_requests/000000_0': 'Android\x01855\n', 'output/os_requests/000001_0': 'Android\x0112\n' } }));
  expect(twice[2]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/more than once: Android/) });
});

test('a long-running cluster without an idle timeout fails; a terminated one passes', async () => {
  expect((await run(aws({ idle: 0 })))[3]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/no idle timeout/) });
  expect((await run(aws({ cluster: { state: 'TERMINATED', reason: 'ALL_STEPS_COMPLETED' } })))[3].status).toBe('PASS');
});

test('transient mode: terminated after the step passes, still waiting after it fails', async () => {
  const done = await run(aws({ cluster: { state: 'TERMINATED', autoTerminate: true, reason: 'ALL_STEPS_COMPLETED' } }));
  expect(done[3]).toMatchObject({ status: 'PASS', detail: expect.stringMatching(/Transient cluster .* TERMINATED \(ALL_STEPS_COMPLETED\)/) });
  const stuck = await run(aws({ cluster: { state: 'WAITING', autoTerminate: true } }));
  expect(stuck[3]).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/still WAITING after its step ended/) });
  const early = await run(aws({ step: { state: 'RUNNING' }, cluster: { state: 'RUNNING', autoTerminate: true } }));
  expect(early[3].status).toBe('SKIP');
});

test('rows are parsed as Hive writes them, with Ctrl-A or a tab', () => {
  expect(badRows(['Android\x01855', 'iOS\t94'])).toEqual({ malformed: [], repeated: [] });
  expect(badRows(['Android\x01-1', 'x', '\x015', 'Linux\x0112.5']).malformed).toHaveLength(4);
});
