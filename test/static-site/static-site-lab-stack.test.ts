import * as fs from 'fs';
import * as path from 'path';
import { Match } from 'aws-cdk-lib/assertions';
import { estimateStack } from '../../lib/cli/cost/estimate';
import { stackSummary } from '../../lib/cli/cost/format';
import { formatUsdPerHour } from '../../lib/cli/pricing';
import { SITE_CONTENT_DIR } from '../../lib/static-site/static-site-lab-stack';
import { normalizedTemplate, SynthesizedLab, synthLab } from '../helpers/synth';

const cloudfront = synthLab('StaticSiteLabStack');
const website = synthLab('StaticSiteLabStack', { staticSiteHosting: 'website' });

const bucketId = (lab: SynthesizedLab) => Object.keys(lab.template.findResources('AWS::S3::Bucket'))[0];
const policyStatements = (lab: SynthesizedLab): any[] =>
  Object.values(lab.template.findResources('AWS::S3::BucketPolicy'))[0].Properties.PolicyDocument.Statement;

describe.each([
  ['cloudfront', cloudfront],
  ['website', website],
])('StaticSiteLabStack (%s)', (_mode, lab) => {
  test('matches the snapshot (asset hashes normalised)', () => {
    expect(normalizedTemplate(lab.json)).toMatchSnapshot();
  });

  test('one bucket: versioned, S3-encrypted, ACLs disabled, deleted with every version', () => {
    lab.template.resourceCountIs('AWS::S3::Bucket', 1);
    lab.template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      }),
    });
    lab.template.hasResourceProperties('Custom::S3AutoDeleteObjects', { BucketName: { Ref: bucketId(lab) } });
  });

  test("the site's files are deployed without pruning what students upload, and the bucket's auto-delete alone empties it", () => {
    lab.template.resourceCountIs('Custom::CDKBucketDeployment', 1);
    // RetainOnDelete true: the deployment's own Delete leaves the objects to Custom::S3AutoDeleteObjects (asserted
    // above for this bucket), which removes every version; a second deleter would race it.
    lab.template.hasResource('Custom::CDKBucketDeployment', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DestinationBucketName: { Ref: bucketId(lab) }, Prune: false, RetainOnDelete: true }),
    });
  });

  test('the outputs give the URL, the bucket and every versioning command for this bucket and region', () => {
    const outputs = lab.json.Outputs!;
    expect(outputs.BucketName.Value).toEqual({ Ref: bucketId(lab) });
    const text = (id: string) => JSON.stringify(outputs[id].Value);
    expect(text('Step1DownloadPage')).toContain('aws s3 cp s3://');
    expect(text('Step2UploadNewVersion')).toContain('/index.html --content-type text/html --region ');
    expect(text('Step3ListVersions')).toContain('aws s3api list-object-versions --bucket ');
    expect(text('Step4RestoreOldVersion')).toContain('/index.html?versionId=VERSION_ID');
    expect(text('Step5ReadBucketPolicy')).toContain('aws s3api get-bucket-policy --bucket ');
    for (const id of ['Step1DownloadPage', 'Step2UploadNewVersion', 'Step3ListVersions', 'Step4RestoreOldVersion', 'Step5ReadBucketPolicy']) {
      expect(text(id)).toContain(bucketId(lab));
      expect(text(id)).toContain('AWS::Region');
    }
  });

  test('the page and the lab guide name only outputs the stack has', () => {
    const outputs = Object.keys(lab.json.Outputs!);
    const page = fs.readFileSync(path.join(SITE_CONTENT_DIR, 'index.html'), 'utf8');
    const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'static-site', 'README.md'), 'utf8');
    for (const text of [page, guide]) {
      const named = [...text.matchAll(/\b(Step\d\w+|DestroyCommand|ExpiresAt|SiteUrl|BucketName)\b/g)].map((m) => m[1]);
      expect(named.length).toBeGreaterThan(3);
      expect(named.filter((n) => !outputs.includes(n))).toEqual([]);
    }
  });
});

describe('CloudFront hosting (default)', () => {
  test('the bucket blocks all public access', () => {
    cloudfront.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      WebsiteConfiguration: Match.absent(),
    });
  });

  test('only CloudFront, acting for this distribution through OAC, may read; every request needs TLS', () => {
    const distributionId = Object.keys(cloudfront.template.findResources('AWS::CloudFront::Distribution'))[0];
    const statements = policyStatements(cloudfront);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    const allows = statements.filter((s) => s.Effect === 'Allow' && s.Action === 's3:GetObject');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Condition: {
        StringEquals: {
          'AWS:SourceArn': {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: distributionId }],
            ],
          },
        },
      },
    });
    expect(statements.filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal).includes('"*"'))).toEqual([]);
  });

  test('the distribution uses origin access control, redirects to HTTPS and does not cache', () => {
    const oacId = Object.keys(cloudfront.template.findResources('AWS::CloudFront::OriginAccessControl'))[0];
    cloudfront.template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    cloudfront.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        PriceClass: 'PriceClass_100',
        Origins: [Match.objectLike({ OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] }, S3OriginConfig: { OriginAccessIdentity: '' } })],
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // managed CachingDisabled
        }),
        CustomErrorResponses: [
          Match.objectLike({ ErrorCode: 403, ResponseCode: 404, ResponsePagePath: '/error.html' }),
          Match.objectLike({ ErrorCode: 404, ResponseCode: 404, ResponsePagePath: '/error.html' }),
        ],
      }),
    });
    expect(JSON.stringify(cloudfront.json.Outputs!.SiteUrl.Value)).toContain('https://');
  });
});

describe('S3 website hosting (the course way)', () => {
  test('Block Public Access allows a public bucket policy and nothing else', () => {
    website.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: false,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: false,
      },
      WebsiteConfiguration: { IndexDocument: 'index.html', ErrorDocument: 'error.html' },
    });
  });

  test('anyone may read objects, and nothing else; all but reads must use TLS', () => {
    const id = bucketId(website);
    const statements = policyStatements(website);
    const publicAllows = statements.filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal).includes('"*"'));
    expect(publicAllows).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] },
      }),
    ]);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'DenyInsecureTransportExceptWebsiteReads',
        Effect: 'Deny',
        NotAction: 's3:GetObject',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    // A blanket TLS-only deny would break the HTTP-only website endpoint.
    expect(statements.filter((s) => s.Effect === 'Deny' && s.Action === 's3:*')).toEqual([]);
  });

  test('no CloudFront, and the URL is the website endpoint', () => {
    website.template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    website.template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 0);
    expect(JSON.stringify(website.json.Outputs!.SiteUrl.Value)).toContain('WebsiteURL');
  });
});

describe('hourly cost (labs cost), on the synths above', () => {
  test.each([
    ['cloudfront', cloudfront, 1],
    ['website', website, 0],
  ])('%s hosting costs $0/h while idle: everything in it is billed by use', (_mode, lab, distributions) => {
    // Hand calculation: the lab has no instance, load balancer, NAT gateway, public IPv4 address, EBS volume,
    // VPC endpoint, KMS key, secret or alarm. What it has bills only when used: S3 storage and requests,
    // CloudFront requests and transfer (cloudfront mode), the invocations of its 3 Lambda functions (expiry,
    // bucket auto-delete, site deployment), their 3 log groups and the one expiry schedule. So $0.0000/h,
    // nothing unpriced.
    const e = estimateStack('StaticSiteLabStack', lab.json as never);
    expect([e.usdPerHour, e.unpriced]).toEqual([0, 0]);
    expect(e.resources.filter((r) => r.lines.length)).toEqual([]);
    const count = (type: string) => e.usage.filter((u) => u.type === type).length;
    const types = ['AWS::S3::Bucket', 'AWS::CloudFront::Distribution', 'AWS::Lambda::Function', 'AWS::Logs::LogGroup', 'AWS::Scheduler::Schedule'];
    // Two schedules: the expiry and its retry an hour later (lib/shared/expiry.ts).
    expect(types.map(count)).toEqual([1, distributions, 3, 3, 2]);
    expect(stackSummary(e)).toBe(`StaticSiteLabStack  $0.0000/h  (nothing bills by the hour; ${9 + distributions} usage-priced resources)`);
  });

  test("the README's lab table shows the figure labs cost prints at defaults", () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const row = readme.split('\n').find((l) => l.startsWith('| `StaticSiteLabStack` |'))!;
    const figure = formatUsdPerHour(estimateStack('StaticSiteLabStack', cloudfront.json as never).usdPerHour);
    expect(row.split(' | ')[3].slice(0, figure.length)).toBe(figure);
  });
});
