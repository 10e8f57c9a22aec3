// Sign-up, confirmation and sign-in against Cognito's own JSON API, with fetch: no SDK in the browser.
// The pool's usernames are email addresses (its sign-in alias), as in the workshop.

/** An error Cognito answered with: `type` is its exception name (UsernameExistsException, ...). */
export class CognitoError extends Error {
  constructor(type, message) {
    super(message);
    this.name = 'CognitoError';
    this.type = type;
  }
}

async function call(config, action, body) {
  const res = await fetch(`https://cognito-idp.${config.region}.amazonaws.com/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}` },
    body: JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const type = String(data.__type ?? `HTTP ${res.status}`).split('#').pop();
    throw new CognitoError(type, data.message ?? data.Message ?? `Cognito answered HTTP ${res.status}.`);
  }
  return data;
}

export function signUp(config, email, password) {
  return call(config, 'SignUp', {
    ClientId: config.userPoolClientId,
    Username: email.trim(),
    Password: password,
    UserAttributes: [{ Name: 'email', Value: email.trim() }],
  });
}

export function confirmSignUp(config, email, code) {
  return call(config, 'ConfirmSignUp', { ClientId: config.userPoolClientId, Username: email.trim(), ConfirmationCode: code.trim() });
}

/** Signs in with the password (USER_PASSWORD_AUTH); returns Cognito's AuthenticationResult (IdToken, ...). */
export async function signIn(config, email, password) {
  const data = await call(config, 'InitiateAuth', {
    ClientId: config.userPoolClientId,
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: email.trim(), PASSWORD: password },
  });
  if (!data.AuthenticationResult) {
    throw new CognitoError(data.ChallengeName ?? 'NoTokens', `Cognito asks for a further step (${data.ChallengeName}), which this site does not offer.`);
  }
  return data.AuthenticationResult;
}
