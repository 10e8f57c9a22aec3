import { Construct } from 'constructs';
import { LabUserPool } from '../shared/lab-user-pool';

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
 * Wild Rydes' riders: the shared lab user pool (`LabUserPool`), signing in with a username.
 *
 * As in the workshop, a rider's username is their email with `@` written `-at-` (the site does that), and
 * that username is the `cognito:username` claim the ride function records.
 */
export class RiderPool extends LabUserPool {
  constructor(scope: Construct, id: string, props: RiderPoolProps = {}) {
    super(scope, id, {
      appName: 'Wild Rydes',
      signInWith: 'username',
      verifyPageUrl: props.siteUrl && `${props.siteUrl}/verify.html`,
      verifyPageName: 'Verify',
    });
  }
}
