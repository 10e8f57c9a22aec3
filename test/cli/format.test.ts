import { formatBytes, formatDuration, formatUtc, plural, table } from '../../lib/cli/format';

test('table aligns columns by their widest cell, right-aligns numbers, and leaves no trailing spaces', () => {
  expect(
    table(
      ['STACK', { header: '$/HOUR', align: 'right' }, 'NOTE'],
      [
        ['HadoopLabStack', '$0.7350', 'OVERDUE by 1h 10m'],
        ['Site', '-', ''],
      ],
    ),
  ).toBe(['STACK            $/HOUR  NOTE', 'HadoopLabStack  $0.7350  OVERDUE by 1h 10m', 'Site                  -'].join('\n'));
});

test.each([
  [0, '0s'],
  [59_999, '59s'],
  [60_000, '1m'],
  [3_599_999, '59m'],
  [3_600_000, '1h 00m'],
  [2 * 3_600_000 + 5 * 60_000, '2h 05m'],
  [26 * 3_600_000, '1d 2h'],
  [-(70 * 60_000), '1h 10m'],
])('formatDuration(%d) is %s', (ms, text) => {
  expect(formatDuration(ms)).toBe(text);
});

test('formatBytes uses binary units with one decimal', () => {
  expect([0, 512, 1536, 20 * 1024 * 1024, 3 * 1024 ** 3].map(formatBytes)).toEqual(['0 B', '512 B', '1.5 KiB', '20.0 MiB', '3.0 GiB']);
});

test('formatUtc is to the minute, as ExpiresAt reads', () => {
  expect(formatUtc(new Date('2026-11-26T14:05:59Z'))).toBe('2026-11-26 14:05 UTC');
});

test('plural', () => {
  expect([plural(1, 'stack'), plural(2, 'stack'), plural(0, 'stack is', 'stacks are')]).toEqual(['1 stack', '2 stacks', '0 stacks are']);
});
