import * as path from 'path';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { SiteHosting } from '../config';
import { acknowledgeBucketDeployment } from '../shared/cdk-helpers';

/** Properties of a `SiteBucket`. */
export interface SiteBucketProps {
  /**
   * `cloudfront`: a private bucket that only a CloudFront distribution may read (see `SiteDistribution`).
   * `website`: the course's way, an S3 website endpoint that anyone may read over HTTP.
   * @default 'cloudfront'
   */
  readonly hosting?: SiteHosting;
}

/** The site's pages in the repository; edit them and redeploy. */
export const SITE_CONTENT_DIR = path.join(__dirname, 'site');

/**
 * The lab's versioned bucket with the site's pages deployed from `lib/static-site/site`.
 *
 * The bucket is encrypted with S3-managed keys, has ACLs disabled, keeps every version of every object
 * (the versioning exercise), and is emptied of all versions and deleted with the stack.
 */
export class SiteBucket extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly hosting: SiteHosting;

  constructor(scope: Construct, id: string, props: SiteBucketProps = {}) {
    super(scope, id);
    this.hosting = props.hosting ?? 'cloudfront';
    const website = this.hosting === 'website';

    this.bucket = new s3.Bucket(this, 'Bucket', {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true, // deletes every object version, so the bucket itself can be deleted
      ...(website
        ? {
            websiteIndexDocument: 'index.html',
            websiteErrorDocument: 'error.html',
            // Exactly what a public website needs: a public bucket policy is allowed and honoured,
            // while public ACLs stay blocked (ACLs are disabled anyway).
            blockPublicAccess: new s3.BlockPublicAccess({
              blockPublicAcls: true,
              ignorePublicAcls: true,
              blockPublicPolicy: false,
              restrictPublicBuckets: false,
            }),
            publicReadAccess: true,
          }
        : {
            blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
            enforceSSL: true,
          }),
    });

    if (website) {
      // The website endpoint speaks only HTTP, so anonymous reads cannot require TLS. Everything else
      // (writes, deletes, listing, policy changes) still must use TLS.
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'DenyInsecureTransportExceptWebsiteReads',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          notActions: ['s3:GetObject'],
          resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
          conditions: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
      Validations.of(this.bucket).acknowledge(
        {
          id: 'AwsSolutions-S2',
          reason: 'Website mode is the course exercise: a public-read bucket policy must be allowed; public ACLs stay blocked.',
        },
        {
          id: 'AwsSolutions-S5',
          reason: 'Website mode serves the S3 website endpoint to anyone, as the course lab does; hosting=cloudfront uses OAC instead.',
        },
        {
          id: 'AwsSolutions-S10',
          reason: 'S3 website endpoints are HTTP-only, so anonymous GetObject cannot require TLS; every other action is denied without TLS.',
        },
      );
    }
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'A short-lived teaching bucket with no real users; server access logs would need a second bucket and add nothing to the exercise.',
    });

    const content = new s3deploy.BucketDeployment(this, 'Content', {
      destinationBucket: this.bucket,
      sources: [s3deploy.Source.asset(SITE_CONTENT_DIR)],
      // Keep objects a student uploaded on a redeploy (versioning would keep them anyway, as noncurrent versions).
      prune: false,
      // The bucket's auto-delete empties it on stack deletion; a second deleter would race it.
      retainOnDelete: true,
    });
    acknowledgeBucketDeployment(content, this.bucket);
  }
}
