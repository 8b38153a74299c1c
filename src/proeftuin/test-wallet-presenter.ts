// The proeftuin's test wallet presenting a credential (OpenID4VP 1.0), written with code nobody on the
// project wrote: @openid4vc's Openid4vpClient reads the link, fetches and checks the signed request
// (x509_hash over the verifier's certificate, which must lead to a trusted anchor), and builds and
// posts the encrypted response; @sd-jwt makes the presentation with its key binding. The pieces are
// exported one by one so that tests can build the messages a wallet must never send.
import { X509Certificate } from 'node:crypto';
import { CompactEncrypt, compactVerify, importJWK, type JWK } from 'jose';
import type { CallbackContext, Jwk } from '@openid4vc/oauth2';
import { Openid4vpClient, type Openid4vpAuthorizationRequest } from '@openid4vc/openid4vp';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest, ES256 } from '@sd-jwt/crypto-nodejs';
import { chainsTo, parseX5c } from '../pki/certificates.ts';
import { walletCrypto } from '../wallet/jwt-callbacks.ts';

export interface ResolvedRequest {
  payload: Openid4vpAuthorizationRequest;
  clientId: string;
  nonce: string;
  responseUri: string;
  /** The first credential query's id and the claim names it asks for. */
  queryId: string;
  claims: string[];
  /** Every credential query: its id, the types it accepts and the claim names it asks for. */
  queries: { id: string; vct: string[]; claims: string[] }[];
}

function clientFor(trusted: X509Certificate[], fetchFn: typeof fetch): Openid4vpClient {
  const callbacks: Omit<CallbackContext, 'generateRandom' | 'clientAuthentication'> = {
    ...walletCrypto,
    fetch: fetchFn,
    verifyJwt: async (signer, { compact }) => {
      try {
        if (signer.method !== 'x5c' || signer.alg !== 'ES256') return { verified: false };
        const chain = parseX5c(signer.x5c, 'x5c');
        if (!chainsTo(chain, trusted, new Date())) return { verified: false };
        const jwk = chain[0]!.publicKey.export({ format: 'jwk' }) as JWK;
        await compactVerify(compact, await importJWK(jwk, 'ES256'), { algorithms: ['ES256'] });
        return { verified: true, signerJwk: jwk as Jwk };
      } catch {
        return { verified: false };
      }
    },
    getX509CertificateMetadata: (der: string) => {
      const cert = new X509Certificate(Buffer.from(der, 'base64'));
      const names = (cert.subjectAltName ?? '').split(', ');
      return {
        sanDnsNames: names.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4)),
        sanUriNames: names.filter((n) => n.startsWith('URI:')).map((n) => n.slice(4)),
      };
    },
    encryptJwe: async (encryptor, data) => {
      const jwk = encryptor.publicJwk as JWK;
      const jwe = await new CompactEncrypt(new TextEncoder().encode(data))
        .setProtectedHeader({ alg: 'ECDH-ES', enc: encryptor.enc, ...(jwk.kid ? { kid: jwk.kid } : {}) })
        .encrypt(await importJWK({ ...jwk, alg: 'ECDH-ES' }, 'ECDH-ES'));
      return { jwe, encryptionJwk: encryptor.publicJwk };
    },
    decryptJwe: () => {
      throw new Error('the test wallet decrypts nothing');
    },
    signJwt: () => {
      throw new Error('the test wallet signs its presentation with @sd-jwt');
    },
  };
  return new Openid4vpClient({ callbacks });
}

/** Reads an openid4vp:// link and fetches and checks its signed request. */
export async function resolveRequest(
  link: string,
  o: { trusted: X509Certificate[]; fetch?: typeof fetch },
): Promise<ResolvedRequest & { client: Openid4vpClient }> {
  const client = clientFor(o.trusted, o.fetch ?? fetch);
  const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: link });
  const resolved = await client.resolveOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: parsed.params as never,
  });
  if (!resolved.jar) throw new Error('an unsigned request is not followed');
  const payload = resolved.authorizationRequestPayload as Openid4vpAuthorizationRequest;
  const query = resolved.dcql?.query as
    | {
        credentials: {
          id: string;
          meta?: { vct_values?: string[] };
          claims?: { path: (string | number | null)[] }[];
        }[];
      }
    | undefined;
  const queries = (query?.credentials ?? []).map((c) => ({
    id: c.id,
    vct: c.meta?.vct_values ?? [],
    claims: (c.claims ?? []).map((claim) => String(claim.path[0])),
  }));
  const first = queries[0];
  if (!first || !payload.response_uri) throw new Error('the request asks for no credential by DCQL');
  return {
    client,
    payload,
    clientId: payload.client_id,
    nonce: payload.nonce,
    responseUri: payload.response_uri,
    queryId: first.id,
    claims: first.claims,
    queries,
  };
}

/** The holder's presentation: the disclosures asked for and a key binding for this verifier and request. */
export async function presentation(
  credential: string,
  holderPrivateJwk: JWK,
  kb: { aud: string; nonce: string; iat?: number; disclose: string[] },
): Promise<string> {
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    kbSigner: await ES256.getSigner(holderPrivateJwk as Parameters<typeof ES256.getSigner>[0]),
    kbSignAlg: 'ES256',
  });
  return sdjwt.present(credential, Object.fromEntries(kb.disclose.map((name) => [name, true])), {
    kb: { payload: { iat: kb.iat ?? Math.floor(Date.now() / 1000), aud: kb.aud, nonce: kb.nonce } },
  });
}

/** Encrypts a response (vp_token) to the verifier's key as direct_post.jwt asks, and posts it. */
export async function respond(
  request: ResolvedRequest & { client: Openid4vpClient },
  vpToken: Record<string, string[]>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const created = await request.client.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request.payload,
    authorizationResponsePayload: { vp_token: vpToken as never },
    jarm: {
      encryption: { nonce: request.nonce },
      serverMetadata: {
        authorization_signing_alg_values_supported: ['ES256'],
        authorization_encryption_alg_values_supported: ['ECDH-ES'],
        authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'],
      },
    },
  });
  const { response } = await request.client.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request.payload,
    authorizationResponsePayload: created.authorizationResponsePayload,
    jarm: created.jarm ? { responseJwt: created.jarm.responseJwt } : undefined,
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: nothing more to read
  }
  return { status: response.status, body };
}

/** The whole presentation as a wallet makes it: what the request asks, for this verifier, posted. */
export async function presentCredential(o: {
  request: string;
  credential: string;
  holderPrivateJwk: JWK;
  trusted: X509Certificate[];
  /** The credential query it answers; absent: the first. */
  queryId?: string;
  fetch?: typeof fetch;
}): Promise<{ status: number; body: Record<string, unknown>; disclosed: string[] }> {
  const request = await resolveRequest(o.request, o);
  const queryId = o.queryId ?? request.queryId;
  return { ...(await answerWith(request, queryId, o)), disclosed: queryOf(request, queryId).claims };
}

function queryOf(request: ResolvedRequest, id: string) {
  const q = request.queries.find((c) => c.id === id);
  if (!q) throw new Error(`the request has no credential query ${id}`);
  return q;
}

/** Answers one credential query of a resolved request with this credential, disclosing what it asks. */
export async function answerWith(
  request: ResolvedRequest & { client: Openid4vpClient },
  queryId: string,
  held: { credential: string; holderPrivateJwk: JWK },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const presented = await presentation(held.credential, held.holderPrivateJwk, {
    aud: request.clientId,
    nonce: request.nonce,
    disclose: queryOf(request, queryId).claims,
  });
  return respond(request, { [queryId]: [presented] });
}
