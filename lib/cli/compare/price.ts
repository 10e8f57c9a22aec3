/**
 * What serving requests costs, per million, for each way a lab serves a page: from the price table's
 * per-request fees and data transfer out (`prices.json`, `perRequest`), and the bytes each request
 * actually carried in the measurement.
 */
import { PRICE_TABLE, PriceTable } from '../pricing';

/** Who answers a URL, as far as billing goes. */
export type Delivery = 'cloudfront' | 's3-website' | 'server';

/** What the host name says: CloudFront (`*.cloudfront.net`), an S3 website endpoint, or anything else (a server, such as EC2). */
export function deliveryOf(url: URL): Delivery {
  const host = url.hostname.toLowerCase();
  if (host.endsWith('.cloudfront.net')) return 'cloudfront';
  // Both forms of the endpoint: s3-website-<region> and s3-website.<region>
  // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html).
  if (/\.s3-website[.-][a-z0-9-]+\.amazonaws\.com$/.test(host)) return 's3-website';
  return 'server';
}

export const DELIVERY_NAMES: Readonly<Record<Delivery, string>> = {
  cloudfront: 'CloudFront',
  's3-website': 'S3 website endpoint',
  server: 'a server (EC2 or other)',
};

/** The price of a million requests of `bytesPerRequest` each, and how it was computed. */
export interface RequestPrice {
  readonly usdPerMillion: number;
  readonly requestsUsd: number;
  readonly transferUsd: number;
  readonly basis: string;
}

const GB = 1024 ** 3;

export function pricePerMillionRequests(
  delivery: Delivery,
  url: URL,
  bytesPerRequest: number,
  table: PriceTable = PRICE_TABLE,
): RequestPrice {
  const p = table.perRequest;
  const gb = (bytesPerRequest * 1e6) / GB;
  const [requestsUsd, requestBasis, transfer] =
    delivery === 'cloudfront'
      ? url.protocol === 'https:'
        ? [p.cloudfrontHttpsPer10000.usd * 100, `CloudFront HTTPS $${p.cloudfrontHttpsPer10000.usd}/10k`, p.cloudfrontTransferOutGb]
        : [p.cloudfrontHttpPer10000.usd * 100, `CloudFront HTTP $${p.cloudfrontHttpPer10000.usd}/10k`, p.cloudfrontTransferOutGb]
      : delivery === 's3-website'
        ? [p.s3GetPer1000.usd * 1000, `S3 GET $${p.s3GetPer1000.usd}/1k`, p.internetTransferOutGb]
        : [0, 'no request fee', p.internetTransferOutGb];
  const transferUsd = gb * transfer.usd;
  return {
    usdPerMillion: requestsUsd + transferUsd,
    requestsUsd,
    transferUsd,
    basis: `${requestBasis} + ${gb.toFixed(3)} GB out x $${transfer.usd}/GB`,
  };
}
