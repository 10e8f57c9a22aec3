import { isResultFile, parseS3Uri, renderHiveRows } from '../../lib/cli/results';

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
