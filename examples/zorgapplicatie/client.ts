// The zorgapplicatie as a client of Dezi: its own keys, and its registration (RFC 7591), kept in
// .dezi/example-client.json so that a restart keeps the same client_id and keys.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  calculateJwkThumbprint,
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose';
import * as oidc from 'openid-client';

export interface ExampleSettings {
  issuer: string;
  baseUrl: string;
  clientFile: string;
  tokenFile: string;
  registrationToken: string | undefined;
}

interface StoredClient {
  issuer?: string;
  base_url?: string;
  client_id?: string;
  signing_key: JWK;
  encryption_key: JWK;
}

/** Everything a login needs: openid-client's configuration plus what we verify with jose ourselves. */
export interface DeziClient {
  config: oidc.Configuration;
  issuer: string;
  clientId: string;
  jwksUri: string;
  jwks: ReturnType<typeof createRemoteJWKSet>;
  decryptionKey: CryptoKey;
}

/** Dezi answered, but said no: retrying will not help. */
export class RegistrationError extends Error {
  override name = 'RegistrationError';
}

async function newKey(alg: 'RS256' | 'RSA-OAEP', use: 'sig' | 'enc'): Promise<JWK> {
  // 3072 bits, as Dezi itself uses (NCSC guidance for RSA).
  const { privateKey } = await generateKeyPair(alg, { modulusLength: 3072, extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg, use };
}

function publicPart(jwk: JWK): JWK {
  return { kty: jwk.kty, n: jwk.n, e: jwk.e, kid: jwk.kid, alg: jwk.alg, use: jwk.use };
}

async function loadOrCreate(file: string): Promise<StoredClient> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredClient;
  const stored = {
    signing_key: await newKey('RS256', 'sig'),
    encryption_key: await newKey('RSA-OAEP', 'enc'),
  };
  save(file, stored);
  return stored;
}

function save(file: string, stored: StoredClient): void {
  // Private keys: readable by the owner only.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

function registrationToken(s: ExampleSettings): string {
  if (s.registrationToken) return s.registrationToken;
  if (existsSync(s.tokenFile)) return readFileSync(s.tokenFile, 'utf8').trim();
  throw new RegistrationError(
    `Geen initial access token om te registreren. Zet DEZI_PROEFTUIN_REGISTRATION_TOKEN (Dezi toont het bij het ` +
      `starten) of start Dezi in deze map, zodat ${s.tokenFile} bestaat.`,
  );
}

function isInvalidClient(err: unknown): boolean {
  return err instanceof oidc.ResponseBodyError && err.error === 'invalid_client';
}

/** No answer from Dezi at all, as opposed to an answer that says no. */
function isUnreachable(err: unknown): boolean {
  return (
    (err instanceof TypeError && err.message === 'fetch failed') ||
    (err instanceof DOMException && (err.name === 'TimeoutError' || err.name === 'AbortError'))
  );
}

function describe(err: unknown): string {
  if (err instanceof oidc.ResponseBodyError) {
    return `${err.error}${err.error_description ? ` (${err.error_description})` : ''}`;
  }
  if (err instanceof oidc.WWWAuthenticateChallengeError) {
    const p = err.cause[0]?.parameters;
    return `${p?.error ?? `HTTP ${err.status}`}${p?.error_description ? ` (${p.error_description})` : ''}`;
  }
  return (err as Error).message;
}

/**
 * Registers at Dezi, or picks up the earlier registration. Throws RegistrationError when Dezi
 * answers but refuses, which retrying will not change; any other error means Dezi was not reached.
 */
export async function connect(s: ExampleSettings): Promise<DeziClient> {
  try {
    return await connectOrRegister(s);
  } catch (err) {
    if (err instanceof RegistrationError || isUnreachable(err)) throw err;
    throw new RegistrationError(`Aanmelden bij Dezi op ${s.issuer} is mislukt: ${describe(err)}`);
  }
}

async function connectOrRegister(s: ExampleSettings): Promise<DeziClient> {
  const stored = await loadOrCreate(s.clientFile);
  const signingKey = (await importJWK(stored.signing_key, 'RS256')) as CryptoKey;
  const decryptionKey = (await importJWK(stored.encryption_key, 'RSA-OAEP')) as CryptoKey;
  const auth = oidc.PrivateKeyJwt({ key: signingKey, kid: stored.signing_key.kid });
  const options = { execute: s.issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [] };
  const server = new URL(s.issuer);

  let config: oidc.Configuration | undefined;
  if (stored.client_id && stored.issuer === s.issuer && stored.base_url === s.baseUrl) {
    config = await oidc.discovery(server, stored.client_id, undefined, auth, options);
    try {
      // Dezi's database may have been reset since. Revocation needs client authentication and
      // is harmless for a token that does not exist, so it tells whether Dezi still knows us.
      await oidc.tokenRevocation(config, 'probe');
    } catch (err) {
      if (!isInvalidClient(err)) throw err;
      config = undefined;
    }
  }

  if (!config) {
    try {
      config = await oidc.dynamicClientRegistration(
        server,
        {
          client_name: 'Voorbeeld-zorgapplicatie',
          redirect_uris: [`${s.baseUrl}/callback`],
          post_logout_redirect_uris: [`${s.baseUrl}/`],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'private_key_jwt',
          // No userinfo_encrypted_response_alg: Dezi always encrypts userinfo to the "enc" key.
          jwks: { keys: [publicPart(stored.signing_key), publicPart(stored.encryption_key)] },
        },
        auth,
        { ...options, initialAccessToken: registrationToken(s) },
      );
    } catch (err) {
      if (isUnreachable(err)) throw err;
      const hint =
        err instanceof oidc.WWWAuthenticateChallengeError ? ' Klopt het initial access token?' : '';
      throw new RegistrationError(`Dezi weigerde de registratie: ${describe(err)}.${hint}`);
    }
    save(s.clientFile, {
      ...stored,
      issuer: s.issuer,
      base_url: s.baseUrl,
      client_id: config.clientMetadata().client_id,
    });
  }

  // ID tokens are checked against Dezi's published keys too, not only trusted because of TLS.
  oidc.enableNonRepudiationChecks(config);
  const jwksUri = config.serverMetadata().jwks_uri;
  if (!jwksUri) throw new RegistrationError('Dezi publiceert geen jwks_uri in zijn discovery-document.');
  return {
    config,
    issuer: config.serverMetadata().issuer,
    clientId: config.clientMetadata().client_id,
    jwksUri,
    jwks: createRemoteJWKSet(new URL(jwksUri)),
    decryptionKey,
  };
}
