import { Construct } from 'constructs';
import { LabUserPool } from '../shared/lab-user-pool';

/** Properties of a `MysfitsUsers`. */
export interface MysfitsUsersProps {
  /**
   * The site's address, named in the verification email so the visitor knows where to enter the code.
   * @default - the email gives the code only
   */
  readonly siteUrl?: string;
}

/**
 * The workshop's module 4 user pool: the shared lab user pool (`LabUserPool`), signing in with the email
 * address. The site signs in through the app client and sends the ID token to like and adopt.
 */
export class MysfitsUsers extends LabUserPool {
  constructor(scope: Construct, id: string, props: MysfitsUsersProps = {}) {
    super(scope, id, {
      appName: 'Mythical Mysfits',
      signInWith: 'email',
      verifyPageUrl: props.siteUrl && `${props.siteUrl}/confirm.html`,
      verifyPageName: 'Confirm',
    });
  }
}
