/**
 * Progress of stack deletions: one cli-progress bar per stack on a terminal, one line per change otherwise
 * (CI logs, pipes). Notes (explanations, what was cleared) print above the bars.
 */
import { MultiBar, Presets, SingleBar } from 'cli-progress';
import { DestroyProgress, DestroyReporter } from './actions/destroy';
import { io } from './io';

/** A reporter for `destroyStack`, and `stop()` to call when every stack is done. */
export interface ProgressDisplay extends DestroyReporter {
  stop(): void;
}

export function progressDisplay(stackNames: readonly string[]): ProgressDisplay {
  if (!io.interactive()) {
    const last = new Map<string, string>();
    return {
      progress(p: DestroyProgress) {
        const line = `${p.stack}: ${p.status}, ${p.deleted}/${p.total} resources deleted`;
        if (last.get(p.stack) !== line) io.err(line);
        last.set(p.stack, line);
      },
      note: (line) => io.out(line),
      stop: () => undefined,
    };
  }
  const width = Math.max(...stackNames.map((n) => n.length));
  const multibar = new MultiBar(
    {
      // Short enough for an 80-column terminal with a 25-character stack name.
      format: '{stack} {bar} {value}/{total} deleted {status}',
      barsize: 20,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  const bars = new Map<string, SingleBar>();
  for (const name of stackNames) bars.set(name, multibar.create(1, 0, { stack: name.padEnd(width), status: 'DELETE_REQUESTED' }));
  return {
    progress(p: DestroyProgress) {
      const bar = bars.get(p.stack);
      bar?.setTotal(Math.max(p.total, 1));
      bar?.update(p.deleted, { stack: p.stack.padEnd(width), status: p.status });
    },
    note: (line) => multibar.log(`${line}\n`),
    stop: () => multibar.stop(),
  };
}
