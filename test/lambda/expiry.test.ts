import * as http from 'http';
import { AddressInfo } from 'net';
import { computeExpiry, EXPIRY_RETRY_HOURS, ExpiryEvent, handler, makeHandler } from '../../lambda/expiry';

const event = (over: Partial<ExpiryEvent> = {}): ExpiryEvent => ({
  RequestType: 'Create',
  ResponseURL: 'https://example.invalid/response',
  StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/StaticSiteLabStack/guid',
  RequestId: 'req-1',
  LogicalResourceId: 'ExpiryTime',
  ResourceProperties: { TtlHours: '4' },
  ...over,
});

describe('computeExpiry', () => {
  test('adds the hours and gives an ISO time, a Scheduler at() expression in UTC, and the retry an hour later', () => {
    expect(EXPIRY_RETRY_HOURS).toBe(1);
    expect(computeExpiry(new Date('2026-11-22T08:00:00.000Z'), 4)).toEqual({
      ExpiresAt: '2026-11-22T12:00:00Z',
      ScheduleExpression: 'at(2026-11-22T12:00:00)',
      RetryScheduleExpression: 'at(2026-11-22T13:00:00)',
    });
  });

  test('the retry crosses midnight and the year like the expiry does', () => {
    expect(computeExpiry(new Date('2026-12-31T22:30:00.000Z'), 1).RetryScheduleExpression).toBe('at(2027-01-01T00:30:00)');
  });

  test('rounds up to the next whole minute, so a lab never expires early', () => {
    expect(computeExpiry(new Date('2026-11-22T08:00:00.001Z'), 1).ExpiresAt).toBe('2026-11-22T09:01:00Z');
    expect(computeExpiry(new Date('2026-12-31T23:59:30.000Z'), 1).ScheduleExpression).toBe('at(2027-01-01T01:00:00)');
  });

  test.each([0, -1, 1.5, NaN])('refuses %p hours: the schedule must be at least an hour away', (hours) => {
    expect(() => computeExpiry(new Date(), hours)).toThrow(/at least 1/);
  });
});

describe('expiry custom resource handler', () => {
  const now = () => new Date('2026-11-22T08:00:00Z');
  beforeEach(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  async function run(e: ExpiryEvent) {
    const puts: Array<{ url: string; body: any }> = [];
    await makeHandler({ now, put: async (url, body) => void puts.push({ url, body: JSON.parse(body) }) })(e);
    expect(puts).toHaveLength(1);
    return puts[0];
  }

  test('Create answers SUCCESS with the expiry, to the response URL', async () => {
    const { url, body } = await run(event());
    expect(url).toBe('https://example.invalid/response');
    expect(body).toEqual({
      Status: 'SUCCESS',
      StackId: event().StackId,
      RequestId: 'req-1',
      LogicalResourceId: 'ExpiryTime',
      PhysicalResourceId: 'expiry-req-1',
      Data: { ExpiresAt: '2026-11-22T12:00:00Z', ScheduleExpression: 'at(2026-11-22T12:00:00)', RetryScheduleExpression: 'at(2026-11-22T13:00:00)' },
    });
  });

  test('Update keeps the physical id and counts from the update', async () => {
    const { body } = await run(
      event({ RequestType: 'Update', PhysicalResourceId: 'expiry-old', ResourceProperties: { TtlHours: 8 } }),
    );
    expect(body.PhysicalResourceId).toBe('expiry-old');
    expect(body.Data.ExpiresAt).toBe('2026-11-22T16:00:00Z');
  });

  test('Delete answers SUCCESS without data', async () => {
    const { body } = await run(event({ RequestType: 'Delete', PhysicalResourceId: 'expiry-old' }));
    expect(body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'expiry-old' });
    expect(body.Data).toBeUndefined();
  });

  test('a bad TtlHours answers FAILED with a reason, so CloudFormation rolls back at once', async () => {
    const { body } = await run(event({ ResourceProperties: { TtlHours: 'soon' } }));
    expect(body.Status).toBe('FAILED');
    expect(body.Reason).toBe('TtlHours must be a whole number of hours of at least 1, got "soon"');
  });

  test('the deployed handler PUTs the response over HTTP with no Content-Type', async () => {
    const received: Array<{ method?: string; contentType?: string; body: string }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ method: req.method, contentType: req.headers['content-type'], body });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await handler(event({ ResponseURL: `http://127.0.0.1:${port}/signed?X-Amz-Signature=abc` }));
    } finally {
      server.close();
    }
    expect(received).toHaveLength(1);
    expect(received[0].method).toBe('PUT');
    expect(received[0].contentType).toBeUndefined();
    expect(JSON.parse(received[0].body)).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'expiry-req-1' });
  });
});
