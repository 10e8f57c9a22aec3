/**
 * The Hadoop lab's results: the files its Hive step wrote under `os_requests/` (requests per operating
 * system). Hive writes text rows with fields separated by Ctrl-A (\x01) unless told otherwise; this turns
 * them into aligned columns.
 */

/** Parses `s3://bucket/prefix/` into bucket and key prefix; undefined if it is not an S3 URI. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } | undefined {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri.trim());
  if (!m) return undefined;
  const prefix = m[2] ?? '';
  return { bucket: m[1], prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix };
}

/** Keys that hold no rows: folder markers (`dir/`, `dir_$folder$`) and Hadoop's `_SUCCESS`. */
export function isResultFile(key: string, size: number): boolean {
  const name = key.split('/').pop() ?? '';
  return size > 0 && !key.endsWith('/') && !name.endsWith('_$folder$') && name !== '_SUCCESS';
}

/** Hive's text output as aligned columns: fields split on Ctrl-A (or tabs), numbers right-aligned. */
export function renderHiveRows(text: string): string {
  const rows = text
    .split(/\r?\n/)
    .filter((line) => line.length > 0)
    .map((line) => line.split(line.includes('\x01') ? '\x01' : '\t'));
  if (!rows.length) return '';
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const numeric = widths.map((_, i) => rows.every((r) => r[i] === undefined || /^-?\d+(\.\d+)?$/.test(r[i])));
  return rows
    .map((r) =>
      widths
        .map((w, i) => (numeric[i] ? (r[i] ?? '').padStart(w) : (r[i] ?? '').padEnd(w)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
