/**
 * What an API Gateway Cognito user-pool authorizer checks of an ID token, for local stand-ins of an API in
 * browser tests: the RS256 signature against the pool's JWKS (moto's, here), then issuer, audience, token
 * use and expiry. Returns the token's claims, or undefined when API Gateway would answer 401.
 */
import * as crypto from 'crypto';

export interface AuthorizerProps {
  /** Where the pool's signing keys are (`<issuer or emulator>/<pool>/.well-known/jwks.json`). */
  readonly jwksUrl: string;
  /** The issuer the tokens must name: `https://cognito-idp.<region>.amazonaws.com/<pool>`. */
  readonly issuer: string;
  readonly userPoolClientId: string;
}

export function cognitoAuthorizer(props: AuthorizerProps) {
  let keys: Promise<Array<crypto.JsonWebKey & { kid: string }>> | undefined;
  return async (token: string | undefined): Promise<Record<string, unknown> | undefined> => {
    const parts = token?.split('.') ?? [];
    if (parts.length !== 3) return undefined;
    try {
      const [header, payload] = parts.slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')));
      keys ??= fetch(props.jwksUrl).then(async (r) => ((await r.json()) as { keys: Array<crypto.JsonWebKey & { kid: string }> }).keys);
      const jwk = (await keys).find((k) => k.kid === header.kid);
      if (!jwk || header.alg !== 'RS256') return undefined;
      const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
      const signed = crypto.verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'));
      const valid =
        signed && payload.iss === props.issuer && payload.token_use === 'id' && payload.aud === props.userPoolClientId && typeof payload.exp === 'number' && payload.exp * 1000 > Date.now();
      return valid ? payload : undefined;
    } catch {
      return undefined;
    }
  };
}
