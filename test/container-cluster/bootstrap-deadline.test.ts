/**
 * Each node's one deadline, from its boot: the watchdog and the waits and installs cut to it, run in bash
 * against stubs (bootstrap-harness.ts). These tests wait on the clock (a second each), so they run side by
 * side in a file of their own, where nothing blocks the event loop that times them.
 */
import { INSTANCE_ID, CONTROL_PLANE, runAsync } from './bootstrap-harness';

describe("one deadline per node, from its boot (the uptime file's first field)", () => {
  // DEADLINE_SECONDS=101 with an uptime of 100.25 s: 1 s left (the fraction is dropped).
  const soon = 'DEADLINE_SECONDS=101';

  test.concurrent('a hung step is stopped at the deadline, with a FAILURE naming it', async () => {
    const started = Date.now();
    const r = await runAsync(`${soon}\nstart_bootstrap worker\nstep 'kubeadm join'\nsleep 15\necho not-reached`);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.status).not.toBe(0);
    expect(r.output).not.toContain('not-reached');
    expect(r.signals.map((s) => [s.Status, s.Reason])).toEqual([
      [
        'FAILURE',
        `worker ${INSTANCE_ID}: its deadline (101 s from boot) passed during step 'kubeadm join'; the node's /var/log/cloud-init-output.log has the details`,
      ],
    ]);
  });

  test.concurrent('every wait and install is cut to the time left, whatever its own limit', async () => {
    // The watchdog is stopped to see each step's own failure (its own test is above); the four steps run
    // side by side, each in a subshell that its failure ends.
    const started = Date.now();
    const r = await runAsync(
      `${soon}
start_bootstrap worker
stop_deadline_watchdog
( wait_for_join_data ${CONTROL_PLANE} 900 ) &
( wait_for_egress 240 ) &
( step 'install Docker'; with_timeout sleep 4 ) &
( count() { echo 1; }; wait_for_ready_nodes 900 3 count count ) &
wait
echo all-ended`,
      { 'secret-values': 'Zq8%kPp;r2', 'egress-failures': 'never' },
    );
    expect(Date.now() - started).toBeLessThan(3_500); // INSTALL_TIMEOUT_SECONDS is 5, the waits 240 and 900 s: all cut to the 1 s left
    expect(r.output).toContain('all-ended');
    expect(r.signals.map((s) => s.Reason).sort()).toEqual(
      [
        `worker ${INSTANCE_ID}: control plane ${CONTROL_PLANE} published no join data within 1 s (if it failed, its own reason is the event before this one). Last error reading the secret: `,
        `worker ${INSTANCE_ID}: no outbound access through the control plane within 1 s`,
        `worker ${INSTANCE_ID}: step 'install Docker' failed (exit 124); the node's /var/log/cloud-init-output.log has the details`,
        `worker ${INSTANCE_ID}: only 1 of 3 nodes Ready after 1 s: 1. A worker that failed has its own event before this one.`,
      ].sort(),
    );
  });

  test.concurrent('a node that boots past its deadline fails at once', async () => {
    const r = await runAsync('start_bootstrap worker\necho not-reached', { uptime: '1600.00 3000.00\n' });
    expect(r.output).not.toContain('not-reached');
    expect(r.signals.map((s) => s.Reason)).toEqual([`worker ${INSTANCE_ID}: its deadline (1500 s from boot) passed before step 'starting'`]);
  });

  test.concurrent('a bootstrap that ends in time stops the watchdog: one SUCCESS, no later FAILURE', async () => {
    const [controlPlane, worker] = await Promise.all([
      runAsync(`${soon}\nstart_bootstrap control-plane\nsignal_ready 'all 3 nodes Ready'\nsleep 1.3\necho done`),
      runAsync(`${soon}\nstart_bootstrap worker\nfinish_bootstrap joined\nsleep 1.3\necho done`),
    ]);
    expect(controlPlane.status).toBe(0);
    expect(controlPlane.signals.map((s) => s.Status)).toEqual(['SUCCESS']);
    expect(worker.status).toBe(0);
    expect(worker.output).toContain('done');
    expect(worker.signals).toEqual([]);
  });

  test.concurrent('a failure stops the watchdog before it signals: one FAILURE, with its own reason', async () => {
    // The signal takes 1.3 s, past the deadline: a watchdog still running would add its own FAILURE.
    const r = await runAsync(`${soon}\nstart_bootstrap worker\nfail 'kubeadm join failed'`, { 'signal-delay': '1.3' });
    expect(r.signals.map((s) => s.Reason)).toEqual([`worker ${INSTANCE_ID}: kubeadm join failed`]);
  });
});
