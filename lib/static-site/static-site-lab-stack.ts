import { Aws, CfnOutput } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LabInfo, LabStack, LabStackProps } from '../shared/lab-stack';
import { SiteBucket, SiteHosting } from '../shared/static-site/site-bucket';
import { SiteDistribution } from '../shared/static-site/site-distribution';
import { SITE_CONTENT_DIR } from '../shared/static-site/site-content';

/** The site's pages in the repository (shared with the web-server lab); edit them and redeploy. */
export { SITE_CONTENT_DIR };

/** Course lab 2. */
export const STATIC_SITE_LAB: LabInfo = { id: 'static-site', title: 'S3 static website' };

/** Properties of a `StaticSiteLabStack`. */
export interface StaticSiteLabStackProps extends Omit<LabStackProps, 'lab'> {
  /**
   * `cloudfront`: HTTPS through CloudFront, the bucket private behind origin access control.
   * `website`: the course's way, the S3 website endpoint over HTTP with a public-read bucket policy.
   * @default 'cloudfront'
   */
  readonly hosting?: SiteHosting;
}

/**
 * Lab 2, "S3 static website": a versioned bucket holding a small site, served either through CloudFront
 * or from the S3 website endpoint, with outputs for every step of the course's exercise.
 * The walkthrough is `lib/static-site/README.md`.
 */
export class StaticSiteLabStack extends LabStack {
  public readonly site: SiteBucket;
  /** The address students open in a browser. */
  public readonly siteUrl: string;

  constructor(scope: Construct, id: string, props: StaticSiteLabStackProps = {}) {
    super(scope, id, { ...props, lab: STATIC_SITE_LAB });
    const hosting = props.hosting ?? 'cloudfront';

    this.site = new SiteBucket(this, 'Site', { contentDir: SITE_CONTENT_DIR, hosting });
    const bucket = this.site.bucket;
    this.siteUrl =
      hosting === 'website'
        ? bucket.bucketWebsiteUrl
        : new SiteDistribution(this, 'Cdn', { bucket, comment: 'Course lab: S3 static website' }).url;

    const out = (id: string, description: string, value: string) => new CfnOutput(this, id, { description, value });
    const name = bucket.bucketName;
    const region = `--region ${Aws.REGION}`;
    out('SiteUrl', `Open this in a browser (${hosting === 'website' ? 'S3 website endpoint, HTTP' : 'CloudFront, HTTPS'}).`, this.siteUrl);
    out('BucketName', 'The versioned bucket that holds the site.', name);
    out('Step1DownloadPage', 'Versioning exercise, step 1: download the page.', `aws s3 cp s3://${name}/index.html index.html ${region}`);
    out(
      'Step2UploadNewVersion',
      'Step 2: edit index.html (change "Version 1"), then upload it as a new version.',
      `aws s3 cp index.html s3://${name}/index.html --content-type text/html ${region}`,
    );
    out(
      'Step3ListVersions',
      'Step 3: list the versions of the page; note the VersionId of the old one.',
      `aws s3api list-object-versions --bucket ${name} --prefix index.html ${region} ` +
        "--query 'Versions[].[VersionId,IsLatest,LastModified]' --output table",
    );
    out(
      'Step4RestoreOldVersion',
      'Step 4: restore the old version by copying it over the current one (replace VERSION_ID).',
      `aws s3api copy-object --bucket ${name} --key index.html --copy-source '${name}/index.html?versionId=VERSION_ID' ${region}`,
    );
    out(
      'Step5ReadBucketPolicy',
      'Step 5: read the bucket policy that decides who may read the site.',
      `aws s3api get-bucket-policy --bucket ${name} --query Policy --output text ${region}`,
    );
  }
}
