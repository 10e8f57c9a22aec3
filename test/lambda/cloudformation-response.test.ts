/** The custom resource functions' one answer to CloudFormation, PUT to a local server standing in for S3. */
import * as http from 'http';
import { AddressInfo } from 'net';
import { putResponse } from '../../lambda/shared/cloudformation-response';

async function server(status: number) {
  const requests: { method?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const s = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method, headers: req.headers, body });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/response?X-Amz-Signature=abc`;
  return { url, requests, close: () => new Promise<void>((resolve) => s.close(() => resolve())) };
}

test('PUTs the body as it is, with no Content-Type header (the pre-signed URL was signed without one)', async () => {
  const s = await server(200);
  try {
    await putResponse(s.url, '{"Status":"SUCCESS"}');
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]).toMatchObject({ method: 'PUT', body: '{"Status":"SUCCESS"}' });
    expect(s.requests[0].headers['content-type']).toBeUndefined();
    expect(s.requests[0].headers['content-length']).toBe('20');
  } finally {
    await s.close();
  }
});

test('an upload S3 refuses is an error naming the status, so the function fails loudly instead of leaving CloudFormation waiting', async () => {
  const s = await server(403);
  try {
    await expect(putResponse(s.url, '{}')).rejects.toThrow('CloudFormation response upload failed: HTTP 403');
  } finally {
    await s.close();
  }
});
