// The zorgapplicatie as a client of Dezi: its own keys, and its registration (RFC 7591), kept in
// .dezi/example-client.json (or example-client-public.json) so that a restart keeps the same
// client_id and keys. Two ways to connect:
//  - confidential (default): private_key_jwt, as the NL GOV profile recommends; userinfo encrypted to
//    an "enc" key in our JWKS;
//  - public (--public): as the koppelvlak spec has it (§4.2.3): client_id and the PKCE verifier, no
//    client authentication; userinfo encrypted to the certificate we hand in (§4.3.3).
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as x509 from '@peculiar/x509';
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
import { remoteKeys, type VerklaringTrust } from './verklaring.ts';

export interface ExampleSettings {
  issuer: string;
  baseUrl: string;
  clientFile: string;
  tokenFile: string;
  registrationToken: string | undefined;
  /** A public client with an encryption certificate, as the koppelvlak has it. */
  public: boolean;
  /** The verklaring's iss: the register's URI (DEZI_VERKLARING_ISSUER). */
  verklaringIssuer: string;
  /** PEM trust anchors for Dezi's eSeal certificate (DEZI_ESEAL_CA_FILE); none: the chain is not pinned. */
  esealAnchors: string[];
}

interface StoredClient {
  issuer?: string;
  base_url?: string;
  client_id?: string;
  /** Confidential mode only. */
  signing_key?: JWK;
  encryption_key: JWK;
  /** Public mode: the certificate (base64 DER) of encryption_key that we hand in. */
  encryption_certificate?: string;
}

/** Everything a login needs: openid-client's configuration plus what we verify with jose ourselves. */
export interface DeziClient {
  config: oidc.Configuration;
  issuer: string;
  clientId: string;
  jwksUri: string;
  /** Dezi's id_token and envelope keys (the discovery jwks_uri). */
  jwks: ReturnType<typeof createRemoteJWKSet>;
  /** What the verklaring is checked against: Dezi's eSeal key set, the register's iss. */
  verklaringTrust: VerklaringTrust;
  decryptionKey: CryptoKey | null;
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

/** A self-signed certificate for our encryption key: what an abonnee hands in per system. */
async function encryptionCertificate(jwk: JWK): Promise<string> {
  x509.cryptoProvider.set(webcrypto as unknown as typeof globalThis.crypto);
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  // The self-signed certificate is signed with the same RSA key (for this once, not to sign anything else).
  const asSigning = { ...jwk, alg: 'RS256', use: undefined, key_ops: undefined };
  const privateKey = await webcrypto.subtle.importKey('jwk', asSigning, alg, false, ['sign']);
  const publicKey = await webcrypto.subtle.importKey(
    'jwk',
    { ...publicPart(asSigning), use: undefined },
    alg,
    true,
    ['verify'],
  );
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Date.now().toString(16),
    name: 'CN=Voorbeeld-zorgapplicatie (userinfo), O=Dezi proeftuin, C=NL',
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 2 * 365 * 86_400_000),
    signingAlgorithm: alg,
    keys: { privateKey, publicKey },
    extensions: [
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.dataEncipherment,
        true,
      ),
    ],
  });
  return Buffer.from(cert.rawData).toString('base64');
}

async function loadOrCreate(file: string, isPublic: boolean): Promise<StoredClient> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredClient;
  const encryption_key = await newKey('RSA-OAEP', 'enc');
  const stored: StoredClient = isPublic
    ? { encryption_key, encryption_certificate: await encryptionCertificate(encryption_key) }
    : { signing_key: await newKey('RS256', 'sig'), encryption_key };
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
  const stored = await loadOrCreate(s.clientFile, s.public);
  const decryptionKey = (await importJWK(stored.encryption_key, 'RSA-OAEP')) as CryptoKey;
  // A public client authenticates with nothing but its client_id: PKCE binds the code to this login.
  const auth = stored.signing_key
    ? oidc.PrivateKeyJwt({
        key: (await importJWK(stored.signing_key, 'RS256')) as CryptoKey,
        kid: stored.signing_key.kid,
      })
    : oidc.None();
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
          client_name: s.public ? 'Voorbeeld-zorgapplicatie (publieke client)' : 'Voorbeeld-zorgapplicatie',
          redirect_uris: [`${s.baseUrl}/callback`],
          post_logout_redirect_uris: [`${s.baseUrl}/`],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          // No userinfo_encrypted_response_alg: Dezi encrypts userinfo to the "enc" key, with the
          // spec's A256CBC-HS512.
          ...(stored.signing_key
            ? {
                token_endpoint_auth_method: 'private_key_jwt',
                jwks: { keys: [publicPart(stored.signing_key), publicPart(stored.encryption_key)] },
              }
            : {
                token_endpoint_auth_method: 'none',
                // The certificate, as the spec has the abonnee hand it in; Dezi takes the key from it.
                jwks: {
                  keys: [{ kty: 'RSA', use: 'enc', alg: 'RSA-OAEP', x5c: [stored.encryption_certificate!] }],
                },
              }),
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
  const issuer = config.serverMetadata().issuer;
  // The verklaring names its key set in jku; the only one we follow is Dezi's own (spec §3.4).
  const jku = `${issuer}/dezi/jwks.json`;
  return {
    config,
    issuer,
    clientId: config.clientMetadata().client_id,
    jwksUri,
    jwks: createRemoteJWKSet(new URL(jwksUri)),
    verklaringTrust: { jku, keys: remoteKeys(jku), iss: s.verklaringIssuer, anchors: s.esealAnchors },
    decryptionKey,
  };
}
