import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** Properties of a `RiderPool`. */
export interface RiderPoolProps {
  /**
   * The site's address (`https://<id>.cloudfront.net`), named in the verification email so the rider
   * knows where to enter the code.
   * @default - the email gives the code only
   */
  readonly siteUrl?: string;
}

/**
 * Wild Rydes' riders: a Cognito user pool where anyone may sign up with an email address, which Cognito
 * verifies by emailing a code, and the app client the site signs in with.
 *
 * As in the workshop, a rider's username is their email with `@` written `-at-` (the site does that), and
 * that username is the `cognito:username` claim the ride function records.
 *
 * The client has no secret (a browser cannot keep one) and allows password sign-in (`USER_PASSWORD_AUTH`,
 * which the site uses through Cognito's JSON API without an SDK; the password travels over TLS to Cognito)
 * and SRP (what the Amplify SDK of the original workshop uses). The pool is on the Lite plan, has no
 * deletion protection and is deleted with the stack, accounts included.
 */
export class RiderPool extends Construct {
  public readonly userPool: cognito.UserPool;
  public readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: RiderPoolProps = {}) {
    super(scope, id);
    const where = props.siteUrl ? ` on the "Verify" page of ${props.siteUrl}/verify.html` : '';
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: { username: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      userVerification: {
        emailStyle: cognito.VerificationEmailStyle.CODE,
        emailSubject: 'Your Wild Rydes verification code',
        emailBody: `Your Wild Rydes verification code is {####}. Enter it${where} to finish signing up.`,
      },
      passwordPolicy: {
        minLength: 8,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      mfa: cognito.Mfa.OFF,
      // Lite has everything the lab uses (sign-up, verification, password and SRP sign-in) at the lowest price.
      featurePlan: cognito.FeaturePlan.LITE,
      email: cognito.UserPoolEmail.withCognito(),
      deletionProtection: false,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.userPool.node.defaultChild!).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA would need SMS (billed per message, and sandboxed in new accounts) or an authenticator app and more pages; the pool holds throwaway lab accounts and is deleted with the stack.',
      },
      {
        id: 'AwsSolutions-COG3',
        reason:
          'Threat protection (advanced security) needs the Plus plan, billed per active user; the pool holds throwaway lab accounts for a few hours.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason: 'Plus costs about three times Lite per monthly active user and adds only threat protection, which a lab pool of throwaway accounts does not need.',
      },
    );

    this.client = this.userPool.addClient('WebClient', {
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      // The site signs in through the API, not Cognito's hosted pages: no OAuth flows, no callback URLs.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });
  }
}
