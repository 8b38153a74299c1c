// Userinfo as Dezi delivers it (koppelvlak v0.7 §4.3, §5): a JWE to our encryption certificate (or,
// for a system that registered none, the signed envelope itself), around the envelope signed with
// Dezi's id_token key, around the Dezi-verklaring signed with Dezi's eSeal key. Every layer is checked
// here step by step with jose, so that a vendor can see exactly what to verify.
import { createHash, X509Certificate } from 'node:crypto';
import {
  compactDecrypt,
  compactVerify,
  decodeProtectedHeader,
  importJWK,
  jwtVerify,
  type JWK,
  type JWTPayload,
} from 'jose';
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
  /** "actief", "ingetrokken", "verlopen", or null when the status could not be fetched. */
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

/** What a verklaring is checked against. */
export interface VerklaringTrust {
  /** The one jku we follow: Dezi's own eSeal key set (https://<Dezi>/dezi/jwks.json). */
  jku: string;
  /** The keys at that jku; fetched (and cached) by the caller; refresh: an unknown kid was asked for. */
  keys: (refresh?: boolean) => Promise<{ keys: JWK[] }>;
  /** The register's URI that the verklaring names as iss (https://abonnee.dezi.nl). */
  iss: string;
  /** PEM trust anchors for the eSeal certificate chain (PKIoverheid; the proeftuin's TEST CA); none: not checked. */
  anchors?: string[];
  /** The clock, for tests with a verklaring of the past. */
  currentDate?: Date;
}

/** The eSeal certificate of a key: it must hold that key, be valid, and (with anchors) chain to one. */
function checkCertificate(jwk: JWK, trust: VerklaringTrust, at: Date): void {
  if (!Array.isArray(jwk.x5c) || jwk.x5c.length === 0)
    throw new VerificationError('verklaring: de sleutel heeft geen certificaat (x5c)');
  let chain: X509Certificate[];
  try {
    chain = jwk.x5c.map((c) => new X509Certificate(Buffer.from(c, 'base64')));
  } catch {
    throw new VerificationError('verklaring: het certificaat van de sleutel (x5c) is onleesbaar');
  }
  const leaf = chain[0]!;
  const key = leaf.publicKey.export({ format: 'jwk' }) as JWK;
  if (key.n !== jwk.n || key.e !== jwk.e)
    throw new VerificationError('verklaring: het certificaat hoort niet bij de sleutel');
  if (
    jwk['x5t#S256'] !== undefined &&
    jwk['x5t#S256'] !== createHash('sha256').update(leaf.raw).digest('base64url')
  )
    throw new VerificationError('verklaring: x5t#S256 hoort niet bij het certificaat');
  for (const c of chain) {
    if (at.getTime() < Date.parse(c.validFrom) || at.getTime() >= Date.parse(c.validTo))
      throw new VerificationError(`verklaring: certificaat ${c.subject.replace(/\n/g, ', ')} is niet geldig`);
  }
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!chain[i]!.checkIssued(chain[i + 1]!) || !chain[i]!.verify(chain[i + 1]!.publicKey))
      throw new VerificationError('verklaring: de certificaatketen klopt niet');
  }
  if (!trust.anchors?.length) return;
  const anchors = trust.anchors.map((pem) => new X509Certificate(pem));
  const top = chain[chain.length - 1]!;
  if (!anchors.some((a) => a.raw.equals(top.raw) || (top.checkIssued(a) && top.verify(a.publicKey))))
    throw new VerificationError('verklaring: het certificaat leidt niet naar een vertrouwde CA');
}

/**
 * Verifies a Dezi-verklaring (spec §5) on its own: the jku must be Dezi's own, the kid a key there
 * whose certificate holds it, the RS256 signature valid, iss the register, and now between nbf and
 * exp. Returns its claims; throws VerificationError naming what failed.
 */
export async function verifyVerklaring(jws: string, trust: VerklaringTrust): Promise<Verklaring> {
  const at = trust.currentDate ?? new Date();
  // The verklaring names its key set in "jku". Fetching whatever URL a token names would let anyone
  // sign a verklaring with their own key, so the jku must be Dezi's own, known beforehand.
  const header = await step('verklaring', async () => decodeProtectedHeader(jws));
  if (header.jku !== trust.jku)
    throw new VerificationError(`verklaring: jku "${String(header.jku)}" is niet de sleutelset van Dezi`);
  if (header.alg !== 'RS256')
    throw new VerificationError(`verklaring: alg "${String(header.alg)}" is niet RS256`);
  const find = async (refresh: boolean) =>
    (await step('sleutelset van Dezi', () => trust.keys(refresh))).keys.find((k) => k.kid === header.kid);
  // A kid not (yet) in the cached set: Dezi may have rotated its eSeal; ask once more.
  const jwk = (await find(false)) ?? (await find(true));
  if (!jwk)
    throw new VerificationError(`verklaring: sleutel "${String(header.kid)}" staat niet in de sleutelset`);
  checkCertificate(jwk, trust, at);
  const { payload: bytes } = await step('verklaring', async () =>
    compactVerify(jws, await importJWK(jwk, 'RS256'), { algorithms: ['RS256'] }),
  );
  const payload = await step(
    'verklaring',
    async () => JSON.parse(new TextDecoder().decode(bytes)) as JWTPayload,
  );
  if (payload.iss !== trust.iss)
    throw new VerificationError(`verklaring: iss "${String(payload.iss)}" is niet ${trust.iss}`);
  const now = Math.floor(at.getTime() / 1000);
  if (typeof payload.nbf !== 'number' || typeof payload.exp !== 'number')
    throw new VerificationError('verklaring: nbf of exp ontbreekt');
  if (now < payload.nbf) throw new VerificationError('verklaring: nog niet geldig (nbf)');
  if (now >= payload.exp) throw new VerificationError('verklaring: verlopen (exp)');
  str(payload, 'jti');
  return {
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
    nbf: payload.nbf,
    exp: payload.exp,
  };
}

export async function fetchVerifiedUserinfo(
  dezi: DeziClient,
  accessToken: string,
  idTokenSub: string,
): Promise<VerifiedUserinfo> {
  const endpoint = dezi.config.serverMetadata().userinfo_endpoint;
  if (!endpoint) throw new VerificationError('Dezi publiceert geen userinfo_endpoint');
  // Accept: application/json as the spec's example sends it (§4.3.1); the answer is application/jwt.
  const response = await oidc.fetchProtectedResource(
    dezi.config,
    accessToken,
    new URL(endpoint),
    'GET',
    null,
    new Headers({ accept: 'application/json' }),
  );
  if (response.status !== 200) {
    throw new VerificationError(`userinfo antwoordde met HTTP ${response.status}`);
  }
  if (response.headers.get('content-type')?.split(';')[0]?.trim() !== 'application/jwt') {
    throw new VerificationError('userinfo antwoordde niet met application/jwt');
  }
  const body = await response.text();

  // Encrypted to our certificate (five parts), or, when we registered none, the signed envelope.
  // With a certificate registered, a plain answer is refused: nobody may strip the encryption.
  let envelopeJwt: string;
  if (body.split('.').length === 5) {
    if (!dezi.decryptionKey)
      throw new VerificationError('userinfo is versleuteld, maar wij hebben geen sleutel');
    const key = dezi.decryptionKey;
    // Only the algorithms the koppelvlak names: a response in anything else is refused.
    const { plaintext } = await step('ontsleutelen van userinfo', () =>
      compactDecrypt(body, key, {
        keyManagementAlgorithms: ['RSA-OAEP'],
        contentEncryptionAlgorithms: ['A256CBC-HS512', 'A128CBC-HS256'],
      }),
    );
    envelopeJwt = new TextDecoder().decode(plaintext);
  } else if (dezi.decryptionKey) {
    throw new VerificationError(
      'userinfo is niet versleuteld, terwijl wij een certificaat hebben aangeleverd',
    );
  } else {
    envelopeJwt = body;
  }

  const { payload: envelope } = await step('envelop', () =>
    jwtVerify(envelopeJwt, dezi.jwks, {
      issuer: dezi.issuer,
      audience: dezi.clientId,
      subject: idTokenSub,
      algorithms: ['RS256', 'PS256'],
      typ: 'JWT',
      requiredClaims: ['iat', 'exp', 'jti'],
    }),
  );
  const verklaring = await verifyVerklaring(str(envelope, 'verklaring'), dezi.verklaringTrust);
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

/** The verklaring's current status (spec §6.2): it may have been revoked since it was issued, months ago. */
async function fetchStatus(issuer: string, v: Verklaring): Promise<string | null> {
  // Only Dezi's own status endpoint: a status_uri elsewhere could be anything.
  if (!v.status_uri.startsWith(`${issuer}/status/`)) return null;
  try {
    const response = await fetch(v.status_uri, { redirect: 'error', signal: AbortSignal.timeout(5000) });
    if (!response.ok) return null;
    const body = (await response.json()) as { verklaringId?: unknown; status?: unknown };
    return body.verklaringId === v.verklaring_id && typeof body.status === 'string' ? body.status : null;
  } catch {
    return null;
  }
}

/** The key set at Dezi's eSeal jku, kept for five minutes, fetched again for an unknown kid (at most every 30 s). */
export function remoteKeys(jku: string): (refresh?: boolean) => Promise<{ keys: JWK[] }> {
  let cached: { at: number; set: { keys: JWK[] } } | undefined;
  return async (refresh = false) => {
    const age = cached ? Date.now() - cached.at : Infinity;
    if (cached && age < (refresh ? 30_000 : 300_000)) return cached.set;
    const res = await fetch(jku, { redirect: 'error', signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new VerificationError(`${jku} antwoordde met HTTP ${res.status}`);
    cached = { at: Date.now(), set: (await res.json()) as { keys: JWK[] } };
    return cached.set;
  };
}
