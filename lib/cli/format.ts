/** Text formatting shared by the `labs` commands: aligned tables, durations, sizes and times. */

/** A column of a table: its heading and how to align its cells. */
export interface Column {
  readonly header: string;
  /** @default 'left' */
  readonly align?: 'left' | 'right';
}

/**
 * Renders rows as an aligned plain-text table: a heading line, then one line per row, columns separated by
 * two spaces, no trailing spaces. Widths count characters, so it stays aligned in any terminal font.
 */
export function table(columns: readonly (Column | string)[], rows: readonly (readonly (string | number | undefined)[])[]): string {
  const cols = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  const cells = rows.map((row) => cols.map((_, i) => (row[i] === undefined ? '' : String(row[i]))));
  const widths = cols.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (cols[i].align === 'right' ? v.padStart(widths[i]) : i === values.length - 1 ? v : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(cols.map((c) => c.header)), ...cells.map(line)].join('\n');
}

/** A duration as a person reads it: `45s`, `12m`, `3h 05m`, `2d 4h`. Negative durations use their absolute value. */
export function formatDuration(ms: number): string {
  const totalMinutes = Math.floor(Math.abs(ms) / 60_000);
  if (Math.abs(ms) < 60_000) return `${Math.floor(Math.abs(ms) / 1000)}s`;
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  return `${minutes}m`;
}

/** A byte count in binary units: `0 B`, `512 B`, `1.5 KiB`, `20.0 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A UTC time to the minute, as the labs' `ExpiresAt` output reads: `2026-11-26 14:05 UTC`. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** US dollars per hour for tables: `$0.0168`. */
export function formatUsd(usd: number): string {
  return `$${usd.toFixed(USD_DECIMALS)}`;
}

/** `1 stack`, `2 stacks`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** The decimals of US dollars that tables show (`formatUsd`): JSON rounds to the same. */
export const USD_DECIMALS = 4;

/**
 * A report as indented JSON for scripts, with every amount of money (a key starting with `usd`) rounded to
 * the decimals the screen shows, so `--json` and the table agree (`0.0011`, never `0.0010958904109589042`).
 */
export function toJson(report: unknown): string {
  return JSON.stringify(report, (key, value) => (typeof value === 'number' && /^usd/i.test(key) ? Number(value.toFixed(USD_DECIMALS)) : value), 2);
}
