import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** Properties of a `LabUserPool`. */
export interface LabUserPoolProps {
  /** The app's name as users see it in the verification email, e.g. `Wild Rydes`. */
  readonly appName: string;
  /** What users sign in with: a username of their own choosing, or their email address. */
  readonly signInWith: 'username' | 'email';
  /**
   * Where the site asks for the verification code (`https://<id>.cloudfront.net/verify.html`), named in the
   * email so the user knows where to enter it.
   * @default - the email gives the code only
   */
  readonly verifyPageUrl?: string;
  /**
   * The name of that page as the site titles it, e.g. `Verify`.
   * @default 'Verify'
   */
  readonly verifyPageName?: string;
}

/**
 * The sign-up a lab's site offers: a Cognito user pool where anyone may sign up with an email address,
 * which Cognito verifies by emailing a code, and the app client the site signs in with.
 *
 * The client has no secret (a browser cannot keep one) and allows password sign-in (`USER_PASSWORD_AUTH`,
 * which the sites use through Cognito's JSON API without an SDK; the password travels over TLS to Cognito)
 * and SRP (what the AWS workshops' SDKs use). The pool is on the Lite plan, has no deletion protection and
 * is deleted with the stack, accounts included.
 */
export class LabUserPool extends Construct {
  public readonly userPool: cognito.UserPool;
  public readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: LabUserPoolProps) {
    super(scope, id);
    const where = props.verifyPageUrl ? ` on the "${props.verifyPageName ?? 'Verify'}" page of ${props.verifyPageUrl}` : '';
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: props.signInWith === 'email' ? { email: true } : { username: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      userVerification: {
        emailStyle: cognito.VerificationEmailStyle.CODE,
        emailSubject: `Your ${props.appName} verification code`,
        emailBody: `Your ${props.appName} verification code is {####}. Enter it${where} to finish signing up.`,
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
      // Lite has everything the labs use (sign-up, verification, password and SRP sign-in) at the lowest price.
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
      // The site signs in through Cognito's API, not its hosted pages: no OAuth flows, no callback URLs.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });
  }
}
