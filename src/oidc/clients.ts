// Zorgapplicaties as OpenID clients: what Dezi requires of their metadata, and registration from
// the command line (dynamic registration in the proeftuin goes through oidc-provider itself).
//
// Two kinds of client (koppelvlak spec §4.2.3, and the NL GOV profile):
//  - public (token_endpoint_auth_method "none"), as the spec has it: PKCE binds the code;
//  - confidential (private_key_jwt), what the NL GOV profile recommends; it may also use PAR and JAR.
// Userinfo is encrypted to the system's registered key (spec §4.3.3: the abonnee hands in a
// certificate per system); a system without one gets the signed envelope.
import { randomBytes, X509Certificate } from 'node:crypto';
import { errors, type ClientMetadata, type KoaContextWithOIDC } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { LoA } from '../means/loa.ts';
import {
  ALLOWED_MEANS,
  EXCLUDED_MEANS,
  parseMeansWindows,
  PolicyError,
  type MeansWindow,
} from '../means/policy.ts';
import {
  CertificateError,
  checkCertificate,
  parsePemChain,
  parseX5c,
  rsaPublicJwk,
  thumbprints,
  x5cOf,
} from '../pki/certificates.ts';
import { ID_TOKEN_ALGS, isIdTokenAlg, SIGNING_ALG, type IdTokenAlg } from './keys.ts';

/** Asymmetric algorithms only: a client never authenticates with a shared secret. */
export const CLIENT_ASSERTION_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

/** The two ways a client meets the token endpoint. */
export const CLIENT_AUTH_METHODS = ['none', 'private_key_jwt'] as const;

/** The scope that lets an access token act on the register's REST API (/api/v1) for its person. */
export const REGISTER_API_SCOPE = 'dezi:register-api';
export const SCOPES = ['openid', REGISTER_API_SCOPE] as const;

/** userinfo_encrypted_response_enc values; the first is the spec's and the default. */
export const USERINFO_ENC_VALUES = ['A256CBC-HS512', 'A128CBC-HS256'] as const;
export type UserinfoEnc = (typeof USERINFO_ENC_VALUES)[number];
export const USERINFO_ALG = 'RSA-OAEP';

/** The smallest RSA key userinfo is encrypted to (NCSC: 2048 bits at least). */
const MIN_RSA_BITS = 2048;

/** Where Dezi keeps the userinfo content encryption a client chose (see validateClientMetadata). */
export const USERINFO_ENC_PROPERTY = 'dezi_userinfo_enc';
/** Where Dezi keeps the envelope's signing algorithm a client chose (userinfo_signed_response_alg). */
export const USERINFO_SIGNING_PROPERTY = 'dezi_userinfo_alg';

/** Extra metadata Dezi understands; its validator also checks the client as a whole. */
export const EXTRA_CLIENT_PROPERTIES = [
  'organization_name',
  ALLOWED_MEANS,
  EXCLUDED_MEANS,
  'userinfo_encrypted_response_alg',
  'userinfo_encrypted_response_enc',
  'userinfo_signed_response_alg',
  USERINFO_ENC_PROPERTY,
  USERINFO_SIGNING_PROPERTY,
] as const;

interface Jwk {
  kty?: unknown;
  use?: unknown;
  alg?: unknown;
  kid?: unknown;
  n?: unknown;
  e?: unknown;
  d?: unknown;
  p?: unknown;
  k?: unknown;
  x5c?: unknown;
  'x5t#S256'?: unknown;
}

function isEncryptionKey(k: Jwk): boolean {
  return k?.kty === 'RSA' && k.use === 'enc' && (k.alg === undefined || k.alg === USERINFO_ALG);
}

/** The key the userinfo response is encrypted to: RSA, for encryption, RSA-OAEP or unspecified. */
export function encryptionKeyOf(jwks: unknown): Jwk | undefined {
  const keys = (jwks as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) return undefined;
  return keys.find(isEncryptionKey);
}

/**
 * The algorithm the userinfo envelope is signed with for this client: RS256, the koppelvlak's (the
 * envelope is signed "with the id_token's key", and that is RS256 for a client that chose nothing),
 * unless the client registered userinfo_signed_response_alg. A client that asked for ES256 id_tokens
 * only still gets an RS256 envelope: the two are separate choices, as in OpenID Connect Registration.
 */
export function userinfoSigningAlgOf(metadata: Record<string, unknown>): IdTokenAlg {
  const alg = metadata[USERINFO_SIGNING_PROPERTY];
  return isIdTokenAlg(alg) ? alg : SIGNING_ALG;
}

/** The end of validity of registered certificates, by their base64 DER: parsed once, not per request. */
const certificateNotAfter = new Map<string, number>();

function notAfterOf(x5c0: string): number {
  let notAfter = certificateNotAfter.get(x5c0);
  if (notAfter === undefined) {
    notAfter = Date.parse(new X509Certificate(Buffer.from(x5c0, 'base64')).validTo);
    if (certificateNotAfter.size >= 1000) certificateNotAfter.clear();
    certificateNotAfter.set(x5c0, notAfter);
  }
  return notAfter;
}

/**
 * How userinfo is delivered to this client: JWE (to which key, which enc, until when its certificate
 * is valid), or, null, the signed envelope.
 */
export function userinfoEncryptionOf(
  metadata: Record<string, unknown>,
): { jwk: Jwk; enc: UserinfoEnc; certificateNotAfter: number | null } | null {
  const jwk = encryptionKeyOf(metadata.jwks);
  if (!jwk) return null;
  const enc = (metadata[USERINFO_ENC_PROPERTY] as UserinfoEnc | undefined) ?? USERINFO_ENC_VALUES[0];
  return { jwk, enc, certificateNotAfter: Array.isArray(jwk.x5c) ? notAfterOf(String(jwk.x5c[0])) : null };
}

function httpsOrLoopback(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

function modulusBits(n: unknown): number {
  if (typeof n !== 'string' || !/^[A-Za-z0-9_-]+$/.test(n)) return 0;
  const bytes = Buffer.from(n, 'base64url');
  const first = bytes.findIndex((b) => b !== 0);
  if (first < 0) return 0;
  return (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first]!));
}

/**
 * Checks the encryption key and, when it comes as a certificate (x5c), the certificate: RSA ≥ 2048,
 * key usage for encryption, valid at `validAt` (at registration; a stored client is not re-judged on
 * every read). Completes a JWK given only as a certificate with its n, e, kid and x5t#S256.
 */
export function checkEncryptionKey(key: Jwk, validAt: Date | undefined): void {
  const what = `the encryption key${typeof key.kid === 'string' ? ` "${key.kid}"` : ''}`;
  if (key.x5c !== undefined) {
    let cert: X509Certificate;
    try {
      [cert] = parseX5c(key.x5c, `${what}'s x5c`) as [X509Certificate];
      checkCertificate(
        cert,
        { minRsaBits: MIN_RSA_BITS, keyUsage: ['keyEncipherment', 'dataEncipherment'], validAt },
        `the certificate in ${what}`,
      );
    } catch (err) {
      if (err instanceof CertificateError) throw new errors.InvalidClientMetadata(err.message);
      throw err;
    }
    const { n, e } = rsaPublicJwk(cert);
    if ((key.n !== undefined && key.n !== n) || (key.e !== undefined && key.e !== e))
      throw new errors.InvalidClientMetadata(
        `${what}: n and e do not match the public key of its x5c certificate`,
      );
    key.n = n;
    key.e = e;
    const print = thumbprints(cert)['x5t#S256'];
    key['x5t#S256'] ??= print;
    key.kid ??= print;
    return;
  }
  if (modulusBits(key.n) < MIN_RSA_BITS)
    throw new errors.InvalidClientMetadata(`${what} must be an RSA key of at least ${MIN_RSA_BITS} bits`);
}

export function validateClientMetadata(
  ctx: KoaContextWithOIDC | undefined,
  key: string,
  value: unknown,
  metadata: ClientMetadata,
): void {
  if (key === 'organization_name') {
    if (value !== undefined && (typeof value !== 'string' || value.length === 0 || value.length > 200)) {
      throw new errors.InvalidClientMetadata('organization_name must be a string of 1 to 200 characters');
    }
  }
  if ((key === ALLOWED_MEANS || key === EXCLUDED_MEANS) && value !== undefined) {
    try {
      parseMeansWindows(key, value);
    } catch (err) {
      if (err instanceof PolicyError) throw new errors.InvalidClientMetadata(err.message);
      throw err;
    }
  }
  if (key === 'userinfo_encrypted_response_alg' && value !== undefined && value !== USERINFO_ALG) {
    throw new errors.InvalidClientMetadata(`userinfo_encrypted_response_alg must be ${USERINFO_ALG}`);
  }
  if (
    key === 'userinfo_encrypted_response_enc' &&
    value !== undefined &&
    !(USERINFO_ENC_VALUES as readonly unknown[]).includes(value)
  ) {
    throw new errors.InvalidClientMetadata(
      `userinfo_encrypted_response_enc must be one of ${USERINFO_ENC_VALUES.join(', ')}`,
    );
  }
  if (
    (key === 'userinfo_signed_response_alg' || key === USERINFO_SIGNING_PROPERTY) &&
    value !== undefined &&
    !isIdTokenAlg(value)
  ) {
    throw new errors.InvalidClientMetadata(`${key} must be one of ${ID_TOKEN_ALGS.join(', ')}`);
  }
  if (
    key === USERINFO_ENC_PROPERTY &&
    value !== undefined &&
    !(USERINFO_ENC_VALUES as readonly unknown[]).includes(value)
  ) {
    throw new errors.InvalidClientMetadata(
      `${USERINFO_ENC_PROPERTY} must be one of ${USERINFO_ENC_VALUES.join(', ')}`,
    );
  }
  // Whole-client rules, checked once (oidc-provider calls this for every extra property).
  if (key !== EXTRA_CLIENT_PROPERTIES[0]) return;
  // The registration's userinfo_encrypted_response_* (OpenID Connect Registration §2) are checked
  // above and kept as dezi_userinfo_enc: oidc-provider, whose own userinfo is off, would refuse them.
  // An alg without an enc means A128CBC-HS256, the registration's default; no alg and no enc means
  // Dezi's default, the spec's A256CBC-HS512.
  const m = metadata as Record<string, unknown>;
  if (m.userinfo_encrypted_response_alg !== undefined || m.userinfo_encrypted_response_enc !== undefined) {
    m[USERINFO_ENC_PROPERTY] = m.userinfo_encrypted_response_enc ?? 'A128CBC-HS256';
  }
  // Likewise userinfo_signed_response_alg, kept as dezi_userinfo_alg (RS256 when absent).
  if (m.userinfo_signed_response_alg !== undefined)
    m[USERINFO_SIGNING_PROPERTY] = m.userinfo_signed_response_alg;
  delete m.userinfo_encrypted_response_alg;
  delete m.userinfo_encrypted_response_enc;
  delete m.userinfo_signed_response_alg;
  for (const uri of [
    ...(metadata.redirect_uris ?? []),
    ...((metadata.post_logout_redirect_uris as string[]) ?? []),
  ]) {
    if (!httpsOrLoopback(uri)) {
      throw new errors.InvalidClientMetadata(`${uri}: redirect URIs must use https (http only on localhost)`);
    }
  }
  const method = metadata.token_endpoint_auth_method;
  // oidc-provider mints a secret before defaults apply when token_endpoint_auth_method is omitted
  // (RFC 7591's default is client_secret_basic); Dezi issues no secrets, so it says so.
  if (metadata.client_secret !== undefined || !(CLIENT_AUTH_METHODS as readonly unknown[]).includes(method)) {
    throw new errors.InvalidClientMetadata(
      'token_endpoint_auth_method must be "none" (a public client with PKCE, as the koppelvlak has it) or ' +
        '"private_key_jwt": Dezi issues no client secrets',
    );
  }
  const isPublic = method === 'none';
  if (metadata.jwks_uri !== undefined) {
    throw new errors.InvalidClientMetadata('register keys by value in jwks; jwks_uri is not supported');
  }
  const keys = (metadata.jwks as { keys?: Jwk[] } | undefined)?.keys;
  if (
    metadata.jwks !== undefined &&
    (!Array.isArray(keys) || keys.some((k) => typeof k !== 'object' || k === null))
  ) {
    throw new errors.InvalidClientMetadata('jwks must be an object with an array "keys" of JWKs');
  }
  if (keys?.some((k) => k.d !== undefined || k.p !== undefined || k.k !== undefined)) {
    throw new errors.InvalidClientMetadata('jwks must hold public keys only');
  }
  const signingKeys = (keys ?? []).filter((k) => k.use === undefined || k.use === 'sig');
  if (isPublic) {
    if (signingKeys.length > 0) {
      throw new errors.InvalidClientMetadata(
        'a public client (token_endpoint_auth_method "none") does not authenticate: register only an encryption key (use "enc"), or use private_key_jwt',
      );
    }
    if (metadata.require_pushed_authorization_requests || metadata.require_signed_request_object) {
      throw new errors.InvalidClientMetadata(
        'PAR and signed request objects need client authentication: use private_key_jwt for them',
      );
    }
  } else if (signingKeys.length === 0) {
    throw new errors.InvalidClientMetadata('jwks needs a signing key (use "sig") for private_key_jwt');
  }
  const encKey = encryptionKeyOf(metadata.jwks);
  if (encKey) {
    // Dates only at registration (ctx set): a stored client is not re-judged on every read.
    checkEncryptionKey(encKey, ctx ? new Date() : undefined);
  }
  if (!encKey && m[USERINFO_ENC_PROPERTY] !== undefined) {
    throw new errors.InvalidClientMetadata(
      'userinfo encryption needs an RSA encryption key in jwks (use "enc", alg RSA-OAEP, or a certificate in x5c)',
    );
  }
}

/** An encryption key (use "enc", RSA-OAEP) from a PEM certificate, as the abonnee hands it in. */
export function encryptionJwkFromPem(pem: string, validAt = new Date()): Record<string, unknown> {
  let chain: X509Certificate[];
  try {
    chain = parsePemChain(pem, 'the encryption certificate file');
    checkCertificate(
      chain[0]!,
      { minRsaBits: MIN_RSA_BITS, keyUsage: ['keyEncipherment', 'dataEncipherment'], validAt },
      'the encryption certificate',
    );
  } catch (err) {
    if (err instanceof CertificateError) throw new errors.InvalidClientMetadata(err.message);
    throw err;
  }
  const cert = chain[0]!;
  const print = thumbprints(cert)['x5t#S256'];
  return {
    ...rsaPublicJwk(cert),
    kid: print,
    use: 'enc',
    alg: USERINFO_ALG,
    x5c: x5cOf([cert]),
    'x5t#S256': print,
  };
}

export interface NewClient {
  clientName: string;
  organizationName?: string;
  redirectUris: string[];
  /** A public client (token_endpoint_auth_method none, PKCE) as the koppelvlak has it. */
  public?: boolean;
  jwks?: { keys: unknown[] };
  /** A PEM certificate that userinfo is encrypted to (spec §4.3.3). */
  encryptionCertPem?: string;
  userinfoEnc?: UserinfoEnc;
  /** id_token_signed_response_alg: RS256 (the default, the koppelvlak's), PS256 or ES256. */
  idTokenAlg?: IdTokenAlg;
  /** The userinfo envelope's signature: RS256 unless set. */
  userinfoAlg?: IdTokenAlg;
  publicSubject?: boolean;
  requirePar?: boolean;
  requireSignedRequestObject?: boolean;
  /** May ask for REGISTER_API_SCOPE: its access tokens then work on /api/v1 for an administrator. */
  registerApi?: boolean;
  /** The minimum level when a request has no acr_values. */
  defaultAcrValues?: LoA[];
  allowedMeans?: MeansWindow[];
  excludedMeans?: MeansWindow[];
}

/** Validates and stores a client, as `dezi client add` does; returns its metadata with client_id. */
export async function addClient(provider: Provider, c: NewClient): Promise<ClientMetadata> {
  const keys = [...(c.jwks?.keys ?? [])];
  if (c.encryptionCertPem) {
    if (keys.some((k) => isEncryptionKey(k as Jwk)))
      throw new errors.InvalidClientMetadata(
        'give the encryption key either in the JWKS or as a certificate, not both',
      );
    keys.push(encryptionJwkFromPem(c.encryptionCertPem));
  }
  for (const k of keys) if (isEncryptionKey(k as Jwk)) checkEncryptionKey(k as Jwk, new Date());
  const metadata: ClientMetadata = {
    client_id: `dezi-${randomBytes(12).toString('base64url')}`,
    client_name: c.clientName,
    redirect_uris: c.redirectUris,
    ...(keys.length ? { jwks: { keys } as ClientMetadata['jwks'] } : {}),
    token_endpoint_auth_method: c.public ? 'none' : 'private_key_jwt',
    subject_type: c.publicSubject ? 'public' : 'pairwise',
    scope: c.registerApi ? SCOPES.join(' ') : 'openid',
    require_pushed_authorization_requests: c.requirePar ?? false,
    require_signed_request_object: c.requireSignedRequestObject ?? false,
    ...(c.userinfoEnc ? { [USERINFO_ENC_PROPERTY]: c.userinfoEnc } : {}),
    ...(c.idTokenAlg ? { id_token_signed_response_alg: c.idTokenAlg } : {}),
    ...(c.userinfoAlg ? { [USERINFO_SIGNING_PROPERTY]: c.userinfoAlg } : {}),
    ...(c.organizationName ? { organization_name: c.organizationName } : {}),
    ...(c.defaultAcrValues?.length ? { default_acr_values: c.defaultAcrValues } : {}),
    ...(c.allowedMeans?.length ? { [ALLOWED_MEANS]: c.allowedMeans } : {}),
    ...(c.excludedMeans?.length ? { [EXCLUDED_MEANS]: c.excludedMeans } : {}),
  };
  return storeClient(provider, metadata);
}

/**
 * Validates a client's metadata with Dezi's rules (validateClientMetadata, through oidc-provider) and
 * stores it: the one path of `dezi client add`, beheer's registration and beheer's changes.
 */
export async function storeClient(provider: Provider, metadata: ClientMetadata): Promise<ClientMetadata> {
  const client = new (
    provider.Client as unknown as new (m: ClientMetadata) => { metadata(): ClientMetadata }
  )(metadata);
  await provider.Client.validate(metadata);
  const stored = client.metadata();
  await (
    provider.Client as unknown as { adapter: { upsert(id: string, p: unknown): Promise<void> } }
  ).adapter.upsert(metadata.client_id, stored);
  return stored;
}
