import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** Properties of a `MysfitsUsers`. */
export interface MysfitsUsersProps {
  /**
   * The site's address, named in the verification email so the visitor knows where to enter the code.
   * @default - the email gives the code only
   */
  readonly siteUrl?: string;
}

/**
 * The workshop's module 4 user pool: anyone may sign up with an email address (their username), which
 * Cognito verifies by emailing a code; the site signs in through the app client and sends the ID token to
 * like and adopt. No deletion protection: the pool and its accounts go with the stack.
 *
 * The client has no secret (a browser cannot keep one) and allows password sign-in (`USER_PASSWORD_AUTH`,
 * which the site uses through Cognito's JSON API without an SDK) and SRP (what the workshop's SDK used).
 */
export class MysfitsUsers extends Construct {
  public readonly userPool: cognito.UserPool;
  public readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: MysfitsUsersProps = {}) {
    super(scope, id);
    const where = props.siteUrl ? ` on the "Confirm" page of ${props.siteUrl}/confirm.html` : '';
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      userVerification: {
        emailStyle: cognito.VerificationEmailStyle.CODE,
        emailSubject: 'Your Mythical Mysfits verification code',
        emailBody: `Your Mythical Mysfits verification code is {####}. Enter it${where} to finish signing up.`,
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
      featurePlan: cognito.FeaturePlan.LITE,
      email: cognito.UserPoolEmail.withCognito(),
      deletionProtection: false,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.userPool.node.defaultChild!).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason: 'MFA would need SMS (billed per message, sandboxed in new accounts) or an authenticator app; the pool holds throwaway lab accounts and is deleted with the stack.',
      },
      { id: 'AwsSolutions-COG3', reason: 'Threat protection needs the Plus plan, billed per active user; the pool holds throwaway lab accounts for a few hours.' },
      { id: 'AwsSolutions-COG8', reason: 'Plus costs about three times Lite per monthly active user and adds only threat protection, which a pool of throwaway lab accounts does not need.' },
    );

    this.client = this.userPool.addClient('WebClient', {
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      disableOAuth: true, // the site signs in through Cognito's API, not its hosted pages
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });
  }
}
