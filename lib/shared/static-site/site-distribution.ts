import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Properties of a `SiteDistribution`. */
export interface SiteDistributionProps {
  /** The private bucket that holds the site. */
  readonly bucket: s3.IBucket;
  /**
   * What the distribution is for, shown in the CloudFront console.
   * @default 'Course lab site'
   */
  readonly comment?: string;
  /**
   * A single-page app: a missing key is answered with `/index.html` and status 200, so the page's own
   * router shows it.
   * @default false
   */
  readonly singlePageApp?: boolean;
  /**
   * The page shown, with status 404, for a missing key (when not a single-page app).
   * @default '/error.html'
   */
  readonly errorPagePath?: string;
}

/**
 * Serves a private bucket over HTTPS through CloudFront. CloudFront reads the bucket with origin access
 * control (OAC): the bucket policy allows `s3:GetObject` only to the CloudFront service acting for this
 * distribution.
 */
export class SiteDistribution extends Construct {
  public readonly distribution: cloudfront.Distribution;
  /** `https://<id>.cloudfront.net`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: SiteDistributionProps) {
    super(scope, id);
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: props.comment ?? 'Course lab site',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(props.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        // The exercise is "upload a new version, reload, see it": caching would hide the new version.
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      },
      // Without s3:ListBucket, S3 answers 403 for a missing key: show the site's own error page as a 404,
      // or, for a single-page app, the app itself, whose router handles the path.
      errorResponses: [403, 404].map((httpStatus) =>
        props.singlePageApp
          ? { httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(10) }
          : { httpStatus, responseHttpStatus: 404, responsePagePath: props.errorPagePath ?? '/error.html', ttl: Duration.seconds(10) },
      ),
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100, // the cheapest edge locations are plenty for a lab
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'A course lab has no audience to restrict by country; students may be anywhere.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason: 'A WAF web ACL costs more per month than the lab itself and protects nothing of value here.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason: 'Access logs would need a logging bucket with ACLs enabled; the lab has no real traffic to audit.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason: 'The default *.cloudfront.net certificate fixes the viewer TLS policy; choosing one needs a custom domain and ACM certificate.',
      },
    );
  }
}
