// Verifying a presented SD-JWT VC with key binding (RFC 9901 §7.3, SD-JWT VC, HAIP): the check the
// wallet means makes of what a wallet sends. Decoding is @sd-jwt's; the decisions are here, strictly,
// because @sd-jwt 0.19's own verify is lenient where a verifier must not be: it ignores a disclosure
// whose digest is nowhere in the payload. Each refusal is a named code, so the means can audit why.
//
// In order: the issuer's signature through its x5c chain to a trusted issuer anchor, the issuer
// identifier's host in the leaf's SAN, type and validity, every disclosure's digest in `_sd` (once,
// a claim name not already in the clear), the key binding (typ, the holder key of cnf.jwk, aud, nonce,
// iat within its window, sd_hash over exactly what was presented), then the status list bit.
import { createHash, type X509Certificate } from 'node:crypto';
import { compactVerify, importJWK, type JWK } from 'jose';
import { SDJwt } from '@sd-jwt/core';
import { digest } from '@sd-jwt/crypto-nodejs';
import { chainsTo, namesHost, parseX5c } from '../pki/certificates.ts';
import { DeziError } from '../errors.ts';

export type PresentationRefusal =
  | 'malformed'
  | 'unknown_issuer'
  | 'invalid_signature'
  | 'issuer_not_in_certificate'
  | 'wrong_type'
  | 'expired'
  | 'not_yet_valid'
  | 'disclosure_not_in_sd'
  | 'disclosure_repeated'
  | 'no_key_binding'
  | 'key_binding_signature'
  | 'key_binding_audience'
  | 'key_binding_nonce'
  | 'key_binding_age'
  | 'sd_hash'
  | 'revoked'
  | 'status_unavailable';

export class PresentationError extends DeziError {
  override name = 'PresentationError';
  readonly refusal: PresentationRefusal;
  constructor(refusal: PresentationRefusal, message: string) {
    super(message, { status: 400, expose: true });
    this.refusal = refusal;
  }
}

export interface PresentationChecks {
  /** The certificates of issuers whose credentials are accepted (trust anchors). */
  issuers: X509Certificate[];
  /** The one issuer identifier (`iss`) accepted, where the anchors could certify others as well. */
  issuer?: string;
  vct: string;
  /** What the KB-JWT's `aud` must be: the verifier's client id. */
  audience: string;
  nonce: string;
  /** How old a KB-JWT may be (seconds); HAIP leaves it to the verifier. */
  maxKeyBindingAgeSeconds?: number;
  /** The status at a list's index (0 valid); throws when the list cannot be read. */
  statusOf: (uri: string, idx: number) => Promise<number>;
  now?: Date;
}

export interface VerifiedPresentation {
  /** The claims in the clear and those disclosed, flat. */
  claims: Record<string, unknown>;
  issuer: string;
  /** The holder key's JWK. */
  holderJwk: JWK;
}

const SKEW_SECONDS = 60;
const RESERVED = new Set([
  '_sd',
  '_sd_alg',
  '...',
  'iss',
  'iat',
  'nbf',
  'exp',
  'cnf',
  'vct',
  'status',
  'sub',
]);
const hasher = digest;

const refuse = (r: PresentationRefusal, message: string): never => {
  throw new PresentationError(r, message);
};

export async function verifyPresentation(
  presentation: string,
  c: PresentationChecks,
): Promise<VerifiedPresentation> {
  const now = Math.floor((c.now ?? new Date()).getTime() / 1000);
  if (typeof presentation !== 'string' || presentation.length > 64_000 || !presentation.includes('~'))
    refuse('malformed', 'not an SD-JWT presentation');
  let decoded: Awaited<ReturnType<typeof SDJwt.decodeSDJwt>>;
  try {
    decoded = await SDJwt.decodeSDJwt(presentation, hasher);
  } catch {
    return refuse('malformed', 'the presentation cannot be decoded');
  }
  const header = decoded.jwt.header ?? {};
  const payload = (decoded.jwt.payload ?? {}) as Record<string, unknown>;

  // The issuer: its chain to a trusted anchor, its signature, its identifier in the certificate.
  if (header.alg !== 'ES256' || header.typ !== 'dc+sd-jwt')
    refuse('malformed', 'typ dc+sd-jwt with ES256 expected');
  let chain: X509Certificate[] = [];
  try {
    chain = parseX5c(header.x5c, 'x5c');
  } catch {
    refuse('unknown_issuer', 'the credential names no usable x5c chain');
  }
  if (!chainsTo(chain, c.issuers, c.now ?? new Date()))
    refuse('unknown_issuer', 'the issuer certificate does not lead to a trusted issuer');
  const leaf = chain[0]!;
  try {
    await compactVerify(decoded.jwt.encodeJwt(), leaf.publicKey, { algorithms: ['ES256'] });
  } catch {
    refuse('invalid_signature', "the issuer's signature does not verify");
  }
  const iss = payload.iss;
  let issHost = '';
  try {
    issHost = new URL(String(iss)).hostname.toLowerCase();
  } catch {
    refuse('issuer_not_in_certificate', 'iss is not a URL');
  }
  if (!namesHost(leaf, issHost))
    refuse('issuer_not_in_certificate', "iss's host is not in the issuer certificate");
  if (c.issuer !== undefined && iss !== c.issuer)
    refuse('unknown_issuer', 'the credential is of another issuer');

  if (payload.vct !== c.vct) refuse('wrong_type', `a credential of type ${c.vct} is asked for`);
  if (typeof payload.exp !== 'number' || payload.exp <= now - SKEW_SECONDS)
    refuse('expired', 'the credential has expired');
  if (typeof payload.nbf === 'number' && payload.nbf > now + SKEW_SECONDS)
    refuse('not_yet_valid', 'the credential is not valid yet');
  if (payload._sd_alg !== undefined && payload._sd_alg !== 'sha-256')
    refuse('malformed', '_sd_alg must be sha-256');

  // Every disclosure must be one the issuer signed: its digest in _sd, once, for a name not in the clear.
  const digests = new Set(
    Array.isArray(payload._sd) ? (payload._sd as unknown[]).filter((d) => typeof d === 'string') : [],
  );
  const claims: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload)) if (!k.startsWith('_')) claims[k] = v;
  const used = new Set<string>();
  for (const d of decoded.disclosures) {
    const dg = await d.digest({ hasher, alg: 'sha-256' });
    if (!digests.has(dg)) refuse('disclosure_not_in_sd', 'a disclosure is not one the issuer signed');
    if (used.has(dg)) refuse('disclosure_repeated', 'a disclosure is presented twice');
    used.add(dg);
    if (typeof d.key !== 'string' || RESERVED.has(d.key) || d.key in claims)
      refuse('malformed', 'a disclosure names a claim it may not');
    claims[d.key!] = d.value;
  }

  // Key binding: the holder's key, this verifier, this request, now, exactly this presentation.
  const kb = decoded.kbJwt;
  if (!kb) return refuse('no_key_binding', 'a key binding JWT is required');
  const holderJwk = (payload.cnf as { jwk?: JWK } | undefined)?.jwk;
  if (!holderJwk || holderJwk.kty !== 'EC')
    return refuse('no_key_binding', 'the credential names no holder key');
  const kbHeader = kb.header as Record<string, unknown> | undefined;
  const kbPayload = kb.payload as Record<string, unknown> | undefined;
  if (kbHeader?.typ !== 'kb+jwt' || kbHeader.alg !== 'ES256')
    refuse('key_binding_signature', 'typ kb+jwt with ES256 expected');
  try {
    await compactVerify(kb.encodeJwt(), await importJWK(holderJwk, 'ES256'), { algorithms: ['ES256'] });
  } catch {
    refuse('key_binding_signature', "the key binding is not signed with the holder's key");
  }
  if (kbPayload?.aud !== c.audience)
    refuse('key_binding_audience', 'the key binding is for another verifier');
  if (kbPayload?.nonce !== c.nonce) refuse('key_binding_nonce', 'the key binding is for another request');
  const iat = kbPayload?.iat;
  const maxAge = c.maxKeyBindingAgeSeconds ?? 300;
  if (typeof iat !== 'number' || iat > now + SKEW_SECONDS || iat < now - maxAge)
    refuse('key_binding_age', 'the key binding is too old or from the future');
  const presented = presentation.slice(0, presentation.lastIndexOf('~') + 1);
  const sdHash = createHash('sha256').update(presented).digest('base64url');
  if (kbPayload?.sd_hash !== sdHash) refuse('sd_hash', 'the key binding is over another presentation');

  // The status list, last: the one check that asks the network.
  const status = (payload.status as { status_list?: { idx?: unknown; uri?: unknown } } | undefined)
    ?.status_list;
  if (status) {
    if (typeof status.idx !== 'number' || typeof status.uri !== 'string')
      refuse('malformed', 'status_list needs idx and uri');
    let bit: number;
    try {
      bit = await c.statusOf(status.uri as string, status.idx as number);
    } catch {
      return refuse('status_unavailable', 'the status list cannot be read');
    }
    if (bit !== 0) refuse('revoked', 'the credential has been revoked');
  }
  return { claims, issuer: String(iss), holderJwk };
}
