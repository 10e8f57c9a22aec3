import * as fs from 'fs';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { acknowledgeBucketDeployment } from '../cdk-helpers';

/**
 * How a site is served. `cloudfront`: a private bucket read only by a CloudFront distribution through
 * origin access control (see `SiteDistribution`). `website`: the S3 website endpoint, public, HTTP only.
 */
export type SiteHosting = 'cloudfront' | 'website';

/** Every hosting mode, for settings that choose one. */
export const SITE_HOSTINGS: readonly SiteHosting[] = ['cloudfront', 'website'];

/** Properties of a `SiteBucket`. */
export interface SiteBucketProps {
  /** The folder in the repository whose files are the site; it must hold `indexDocument`. */
  readonly contentDir: string;
  /**
   * `cloudfront`: a private bucket that only a CloudFront distribution may read (see `SiteDistribution`).
   * `website`: an S3 website endpoint that anyone may read over HTTP.
   * @default 'cloudfront'
   */
  readonly hosting?: SiteHosting;
  /**
   * Keep every version of every object (the static-site lab's versioning exercise).
   * @default true
   */
  readonly versioned?: boolean;
  /**
   * Files generated at deploy time, by name, each written as JSON: the place for values only known once
   * the stack exists (a user pool id, an API URL), so the repository never holds them. Tokens resolve.
   * @default - none
   */
  readonly deployTimeFiles?: Record<string, Record<string, unknown>>;
  /**
   * A single-page app: every unknown path is answered with the index document, which routes on the client.
   * In website mode the index document is also the error document.
   * @default false
   */
  readonly singlePageApp?: boolean;
  /**
   * The page shown for a missing key, in website mode (in CloudFront mode see `SiteDistribution`).
   * @default 'error.html' (the index document for a single-page app)
   */
  readonly errorDocument?: string;
}

/** The page a site opens with. */
export const SITE_INDEX_DOCUMENT = 'index.html';

/**
 * A lab's site: a bucket with the pages from `contentDir` (plus any deploy-time files) deployed into it.
 *
 * The bucket is encrypted with S3-managed keys, has ACLs disabled, keeps every version of every object
 * unless told not to, and is emptied of all versions and deleted with the stack.
 */
export class SiteBucket extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly hosting: SiteHosting;
  public readonly singlePageApp: boolean;

  constructor(scope: Construct, id: string, props: SiteBucketProps) {
    super(scope, id);
    if (!fs.existsSync(`${props.contentDir}/${SITE_INDEX_DOCUMENT}`)) {
      throw new Error(`${this.node.path}: contentDir ${props.contentDir} has no ${SITE_INDEX_DOCUMENT}`);
    }
    this.hosting = props.hosting ?? 'cloudfront';
    this.singlePageApp = props.singlePageApp ?? false;
    const website = this.hosting === 'website';

    this.bucket = new s3.Bucket(this, 'Bucket', {
      versioned: props.versioned ?? true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true, // deletes every object version, so the bucket itself can be deleted
      ...(website
        ? {
            websiteIndexDocument: SITE_INDEX_DOCUMENT,
            websiteErrorDocument: props.errorDocument ?? (this.singlePageApp ? SITE_INDEX_DOCUMENT : 'error.html'),
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
      sources: [
        s3deploy.Source.asset(props.contentDir),
        ...Object.entries(props.deployTimeFiles ?? {}).map(([name, data]) => s3deploy.Source.jsonData(name, data)),
      ],
      // Keep objects a student uploaded on a redeploy (versioning would keep them anyway, as noncurrent versions).
      prune: false,
      // The bucket's auto-delete empties it on stack deletion; a second deleter would race it.
      retainOnDelete: true,
    });
    acknowledgeBucketDeployment(content, this.bucket);
  }
}
