// Userinfo as Dezi delivers it (see the koppelvlak): a JWE to our encryption key, around an envelope
// signed by Dezi, around the Dezi-verklaring, itself a JWS signed by Dezi. Every layer is checked
// here step by step with jose, so that a vendor can see exactly what to verify.
import { compactDecrypt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import type { DeziClient } from './client.ts';

export interface Verklaring {
  verklaring_id: string;
  dezi_nummer: string;
  voorletters: string | null;
  voorvoegsel: string | null;
  achternaam: string;
  abonnee_nummer: string;
  abonnee_naam: string;
  rol_code: string | null;
  rol_naam: string | null;
  rol_code_bron: string | null;
  loa_dezi: string;
  status_uri: string;
  nbf: number;
  exp: number;
}

export interface VerifiedUserinfo {
  sub: string;
  loaAuthn: string;
  verklaring: Verklaring;
  /** "active", "revoked", "expired", or null when the status could not be fetched. */
  status: string | null;
}

/** The userinfo response or one of its layers did not pass a check; the message says which. */
export class VerificationError extends Error {
  override name = 'VerificationError';
}

function str(payload: JWTPayload, name: string): string {
  const value = payload[name];
  if (typeof value !== 'string') throw new VerificationError(`claim "${name}" ontbreekt of is geen tekst`);
  return value;
}

/** The koppelvlak allows null here (a person without a role code, a name without voorvoegsel). */
function strOrNull(payload: JWTPayload, name: string): string | null {
  return payload[name] === null || payload[name] === undefined ? null : str(payload, name);
}

async function step<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof VerificationError) throw err;
    throw new VerificationError(`${what}: ${(err as Error).message}`);
  }
}

export async function fetchVerifiedUserinfo(
  dezi: DeziClient,
  accessToken: string,
  idTokenSub: string,
): Promise<VerifiedUserinfo> {
  const endpoint = dezi.config.serverMetadata().userinfo_endpoint;
  if (!endpoint) throw new VerificationError('Dezi publiceert geen userinfo_endpoint');
  const response = await oidc.fetchProtectedResource(dezi.config, accessToken, new URL(endpoint), 'GET');
  if (response.status !== 200) {
    throw new VerificationError(`userinfo antwoordde met HTTP ${response.status}`);
  }
  if (response.headers.get('content-type')?.split(';')[0]?.trim() !== 'application/jwt') {
    throw new VerificationError('userinfo antwoordde niet met application/jwt');
  }
  const jwe = await response.text();

  // Only the algorithms the koppelvlak names: a response in anything else is refused.
  const { plaintext } = await step('ontsleutelen van userinfo', () =>
    compactDecrypt(jwe, dezi.decryptionKey, {
      keyManagementAlgorithms: ['RSA-OAEP'],
      contentEncryptionAlgorithms: ['A256CBC-HS512'],
    }),
  );

  const { payload: envelope } = await step('envelop', () =>
    jwtVerify(new TextDecoder().decode(plaintext), dezi.jwks, {
      issuer: dezi.issuer,
      audience: dezi.clientId,
      subject: idTokenSub,
      algorithms: ['RS256', 'PS256'],
      typ: 'JWT',
      requiredClaims: ['iat', 'exp', 'jti'],
    }),
  );
  const jws = str(envelope, 'verklaring');

  // The verklaring names its key set in "jku". Fetching whatever URL a token names would let anyone
  // sign a verklaring with their own key, so the jku must be Dezi's own jwks_uri from discovery.
  const header = await step('verklaring', async () => decodeProtectedHeader(jws));
  if (header.jku !== dezi.jwksUri) {
    throw new VerificationError(`verklaring: jku "${String(header.jku)}" is niet de jwks_uri van Dezi`);
  }
  const { payload } = await step('verklaring', () =>
    jwtVerify(jws, dezi.jwks, {
      issuer: dezi.issuer,
      algorithms: ['RS256'],
      typ: 'JWT',
      requiredClaims: ['nbf', 'exp', 'jti'], // jwtVerify then checks that now lies between nbf and exp
    }),
  );

  const verklaring: Verklaring = {
    verklaring_id: str(payload, 'verklaring_id'),
    dezi_nummer: str(payload, 'dezi_nummer'),
    voorletters: strOrNull(payload, 'voorletters'),
    voorvoegsel: strOrNull(payload, 'voorvoegsel'),
    achternaam: str(payload, 'achternaam'),
    abonnee_nummer: str(payload, 'abonnee_nummer'),
    abonnee_naam: str(payload, 'abonnee_naam'),
    rol_code: strOrNull(payload, 'rol_code'),
    rol_naam: strOrNull(payload, 'rol_naam'),
    rol_code_bron: strOrNull(payload, 'rol_code_bron'),
    loa_dezi: str(payload, 'loa_dezi'),
    status_uri: str(payload, 'status_uri'),
    nbf: payload.nbf as number,
    exp: payload.exp as number,
  };
  if (str(envelope, 'verklaring_id') !== verklaring.verklaring_id) {
    throw new VerificationError('verklaring_id in de envelop en in de verklaring verschillen');
  }

  return {
    sub: idTokenSub,
    loaAuthn: str(envelope, 'loa_authn'),
    verklaring,
    status: await fetchStatus(dezi.issuer, verklaring),
  };
}

/** The verklaring's current status: it may have been revoked since it was issued, months ago. */
async function fetchStatus(issuer: string, v: Verklaring): Promise<string | null> {
  // Only Dezi's own status endpoint: a status_uri elsewhere could be anything.
  if (!v.status_uri.startsWith(`${issuer}/`)) return null;
  try {
    const response = await fetch(v.status_uri, { redirect: 'error', signal: AbortSignal.timeout(5000) });
    if (!response.ok) return null;
    const body = (await response.json()) as { verklaring_id?: unknown; status?: unknown };
    return body.verklaring_id === v.verklaring_id && typeof body.status === 'string' ? body.status : null;
  } catch {
    return null;
  }
}
