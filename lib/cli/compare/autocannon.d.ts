/**
 * The part of autocannon's API (https://github.com/mcollina/autocannon#api) that `labs compare` uses.
 * autocannon ships no types; this declares only what is read here.
 */
declare module 'autocannon' {
  namespace autocannon {
    interface Options {
      url: string;
      /** Concurrent connections. */
      connections?: number;
      /** Seconds to run (ignored when `amount` is set). */
      duration?: number;
      /** Requests to make in all, then stop. */
      amount?: number;
      /** Milliseconds between two samples; the run also ends on a sample, so a short one ends `amount` runs on time. */
      sampleInt?: number;
      /** Seconds before a request counts as a timeout. */
      timeout?: number;
      headers?: Record<string, string>;
    }
    interface Histogram {
      average: number;
      mean: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p99: number;
    }
    interface Result {
      url: string;
      /** Seconds. */
      duration: number;
      start: Date;
      finish: Date;
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
      /** Milliseconds. */
      latency: Histogram;
      /** Requests per second samples; `total` is the completed requests. */
      requests: Histogram & { sent: number };
      /** Bytes per second samples; `total` is every byte read. */
      throughput: Histogram;
    }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export = autocannon;
}
