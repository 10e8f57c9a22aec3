import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as emr from 'aws-cdk-lib/aws-emr';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * An EMR security configuration that encrypts data at rest: the nodes' local disks (instance store and
 * EBS volumes, root volume included) with a KMS key of the stack's own, and what EMRFS writes to S3 with
 * S3-managed keys (SSE-S3).
 *
 * Not enabled: in-transit encryption (it needs a TLS certificate provider, a zip of PEM files or a custom
 * Java class, for traffic that stays between the nodes of one cluster in the lab's own VPC) and Kerberos.
 *
 * The key costs $1 a month, prorated by the hour, while the stack exists. When the stack is deleted
 * CloudFormation schedules the key's deletion after `pendingWindow` (KMS allows no less than 7 days);
 * a key pending deletion is not billed and can be used by nothing.
 */
export class EmrSecurityConfiguration extends Construct {
  /** The key that encrypts the nodes' disks. */
  public readonly localDiskKey: kms.Key;
  public readonly securityConfiguration: emr.CfnSecurityConfiguration;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.localDiskKey = new kms.Key(this, 'LocalDiskKey', {
      description: "Encrypts the local and EBS disks of the course Hadoop lab's EMR nodes.",
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.securityConfiguration = new emr.CfnSecurityConfiguration(this, 'Resource', {
      securityConfiguration: {
        EncryptionConfiguration: {
          EnableInTransitEncryption: false,
          EnableAtRestEncryption: true,
          AtRestEncryptionConfiguration: {
            S3EncryptionConfiguration: { EncryptionMode: 'SSE-S3' },
            LocalDiskEncryptionConfiguration: {
              EncryptionKeyProviderType: 'AwsKms',
              AwsKmsKey: this.localDiskKey.keyArn,
              EnableEbsEncryption: true,
            },
          },
        },
      },
    });
  }

  /** The name a cluster's `SecurityConfiguration` property takes. */
  public get name(): string {
    return this.securityConfiguration.ref;
  }
}
