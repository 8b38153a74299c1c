// Zorgapplicaties as OpenID clients: what Dezi requires of their metadata, and registration from
// the command line (dynamic registration in the proeftuin goes through oidc-provider itself).
import { randomBytes } from 'node:crypto';
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

/** Asymmetric algorithms only: a client never authenticates with a shared secret. */
export const CLIENT_ASSERTION_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

/** Extra metadata Dezi understands; its validator also checks the client as a whole. */
export const EXTRA_CLIENT_PROPERTIES = ['organization_name', ALLOWED_MEANS, EXCLUDED_MEANS] as const;

interface Jwk {
  kty?: unknown;
  use?: unknown;
  alg?: unknown;
  d?: unknown;
  p?: unknown;
  k?: unknown;
}

/** The key the userinfo response is encrypted to: RSA, for encryption, RSA-OAEP or unspecified. */
export function encryptionKeyOf(jwks: unknown): Jwk | undefined {
  const keys = (jwks as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) return undefined;
  return keys.find(
    (k: Jwk) => k?.kty === 'RSA' && k.use === 'enc' && (k.alg === undefined || k.alg === 'RSA-OAEP'),
  );
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

export function validateClientMetadata(
  _ctx: KoaContextWithOIDC | undefined,
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
  // Whole-client rules, checked once (oidc-provider calls this for every extra property).
  if (key !== EXTRA_CLIENT_PROPERTIES[0]) return;
  for (const uri of [
    ...(metadata.redirect_uris ?? []),
    ...((metadata.post_logout_redirect_uris as string[]) ?? []),
  ]) {
    if (!httpsOrLoopback(uri)) {
      throw new errors.InvalidClientMetadata(`${uri}: redirect URIs must use https (http only on localhost)`);
    }
  }
  // oidc-provider mints a secret before defaults apply when token_endpoint_auth_method is omitted
  // (RFC 7591's default is client_secret_basic); Dezi issues no secrets, so it says so.
  if (metadata.client_secret !== undefined) {
    throw new errors.InvalidClientMetadata(
      'token_endpoint_auth_method must be private_key_jwt: Dezi issues no client secrets',
    );
  }
  if (metadata.jwks_uri !== undefined) {
    throw new errors.InvalidClientMetadata('register keys by value in jwks; jwks_uri is not supported');
  }
  const keys = (metadata.jwks as { keys?: Jwk[] } | undefined)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new errors.InvalidClientMetadata('jwks with a signing key and an encryption key is required');
  }
  if (keys.some((k) => k.d !== undefined || k.p !== undefined || k.k !== undefined)) {
    throw new errors.InvalidClientMetadata('jwks must hold public keys only');
  }
  if (!keys.some((k) => k.use === undefined || k.use === 'sig')) {
    throw new errors.InvalidClientMetadata('jwks needs a signing key (use "sig") for private_key_jwt');
  }
  if (!encryptionKeyOf(metadata.jwks)) {
    throw new errors.InvalidClientMetadata(
      'jwks needs an RSA encryption key (use "enc", alg RSA-OAEP): userinfo is always encrypted',
    );
  }
}

export interface NewClient {
  clientName: string;
  organizationName?: string;
  redirectUris: string[];
  jwks: { keys: unknown[] };
  publicSubject?: boolean;
  requirePar?: boolean;
  requireSignedRequestObject?: boolean;
  /** The minimum level when a request has no acr_values. */
  defaultAcrValues?: LoA[];
  allowedMeans?: MeansWindow[];
  excludedMeans?: MeansWindow[];
}

/** Validates and stores a client, as `dezi client add` does; returns its metadata with client_id. */
export async function addClient(provider: Provider, c: NewClient): Promise<ClientMetadata> {
  const metadata: ClientMetadata = {
    client_id: `dezi-${randomBytes(12).toString('base64url')}`,
    client_name: c.clientName,
    redirect_uris: c.redirectUris,
    jwks: c.jwks as ClientMetadata['jwks'],
    token_endpoint_auth_method: 'private_key_jwt',
    subject_type: c.publicSubject ? 'public' : 'pairwise',
    require_pushed_authorization_requests: c.requirePar ?? false,
    require_signed_request_object: c.requireSignedRequestObject ?? false,
    ...(c.organizationName ? { organization_name: c.organizationName } : {}),
    ...(c.defaultAcrValues?.length ? { default_acr_values: c.defaultAcrValues } : {}),
    ...(c.allowedMeans?.length ? { [ALLOWED_MEANS]: c.allowedMeans } : {}),
    ...(c.excludedMeans?.length ? { [EXCLUDED_MEANS]: c.excludedMeans } : {}),
  };
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
