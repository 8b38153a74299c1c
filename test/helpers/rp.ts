// A relying party as a zorgapplicatie would build it: openid-client for discovery, dynamic
// registration, PKCE and private_key_jwt; jose to decrypt userinfo and verify what is inside.
import * as client from 'openid-client';
import {
  compactDecrypt,
  createRemoteJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { REGISTRATION_TOKEN } from './dezi.ts';

/** The verklaring's iss: the register's URI, as the acceptance environment writes it. */
export const VERKLARING_ISS = 'https://abonnee.dezi.nl';

export interface TestRp {
  config: client.Configuration;
  clientId: string;
  redirectUri: string;
  signingKey: CryptoKey;
  signingKid: string;
  decryptionKey: CryptoKey;
  jwks: { keys: JWK[] };
}

export const REDIRECT_URI = 'https://zorgapp.test/callback';

export async function keyMaterial() {
  const sig = await generateKeyPair('RS256', { extractable: true });
  const enc = await generateKeyPair('RSA-OAEP', { extractable: true });
  const jwks = {
    keys: [
      { ...(await exportJWK(sig.publicKey)), kid: 'sig-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(enc.publicKey)), kid: 'enc-1', alg: 'RSA-OAEP', use: 'enc' },
    ],
  };
  return { sig, enc, jwks };
}

export async function registerRp(issuer: string, extra: Record<string, unknown> = {}): Promise<TestRp> {
  const { sig, enc, jwks } = await keyMaterial();
  const redirectUri = (extra.redirect_uris as string[] | undefined)?.[0] ?? REDIRECT_URI;
  const config = await client.dynamicClientRegistration(
    new URL(issuer),
    {
      client_name: 'Testzorgapplicatie',
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks,
      ...extra,
    },
    client.PrivateKeyJwt({ key: sig.privateKey, kid: 'sig-1' }),
    { initialAccessToken: REGISTRATION_TOKEN, execute: [client.allowInsecureRequests] },
  );
  return {
    config,
    clientId: config.clientMetadata().client_id,
    redirectUri,
    signingKey: sig.privateKey,
    signingKid: 'sig-1',
    decryptionKey: enc.privateKey,
    jwks,
  };
}

export interface AuthRequest {
  url: string;
  state: string;
  nonce: string;
  verifier: string;
}

export async function authorizationRequest(
  rp: TestRp,
  params: Record<string, string> = {},
): Promise<AuthRequest> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(rp.config, {
    redirect_uri: rp.redirectUri,
    scope: 'openid',
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...params,
  });
  return { url: url.href, state, nonce, verifier };
}

export async function redeem(rp: TestRp, callbackUrl: string, req: AuthRequest) {
  return client.authorizationCodeGrant(rp.config, new URL(callbackUrl), {
    pkceCodeVerifier: req.verifier,
    expectedState: req.state,
    expectedNonce: req.nonce,
  });
}

export interface Userinfo {
  jweHeader: Record<string, unknown>;
  envelopeHeader: Record<string, unknown>;
  envelope: JWTPayload & Record<string, unknown>;
  verklaringHeader: Record<string, unknown>;
  verklaring: JWTPayload & Record<string, unknown>;
  /** The verklaring as signed (what a zorgapplicatie hands on, to Mitz for instance). */
  verklaringJws: string;
}

/** Fetches userinfo and checks it as the koppelvlak says a zorgapplicatie must. */
export async function fetchUserinfo(rp: TestRp, accessToken: string, expectedSub: string): Promise<Userinfo> {
  const server = rp.config.serverMetadata();
  const res = await fetch(server.userinfo_endpoint!, { headers: { authorization: `Bearer ${accessToken}` } });
  if (res.status !== 200) throw new Error(`userinfo answered ${res.status}: ${await res.text()}`);
  if (res.headers.get('content-type') !== 'application/jwt')
    throw new Error('userinfo is not application/jwt');
  const jwe = await res.text();
  const { plaintext, protectedHeader: jweHeader } = await compactDecrypt(jwe, rp.decryptionKey);
  const jwks = createRemoteJWKSet(new URL(server.jwks_uri!));
  const envelopeJwt = new TextDecoder().decode(plaintext);
  const { payload: envelope, protectedHeader: envelopeHeader } = await jwtVerify(envelopeJwt, jwks, {
    issuer: server.issuer,
    audience: rp.clientId,
    subject: expectedSub,
    algorithms: ['RS256'],
  });
  const verklaringJws = envelope.verklaring as string;
  const verklaringHeader = decodeProtectedHeader(verklaringJws);
  // Never follow a jku that is not the issuer's own eSeal JWKS.
  const esealJwks = `${server.issuer}/dezi/jwks.json`;
  if (verklaringHeader.jku !== esealJwks) throw new Error(`unexpected jku ${verklaringHeader.jku}`);
  const { payload: verklaring } = await jwtVerify(
    verklaringJws,
    createRemoteJWKSet(new URL(verklaringHeader.jku!)),
    {
      issuer: VERKLARING_ISS,
      algorithms: ['RS256'],
    },
  );
  return {
    jweHeader: jweHeader as Record<string, unknown>,
    envelopeHeader: envelopeHeader as Record<string, unknown>,
    envelope: envelope as Userinfo['envelope'],
    verklaringHeader: verklaringHeader as Record<string, unknown>,
    verklaring: verklaring as Userinfo['verklaring'],
    verklaringJws,
  };
}
