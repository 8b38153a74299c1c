// Dezi as an OpenID4VP 1.0 verifier (HAIP 1.0): the signed request object a wallet fetches by
// request_uri (typ oauth-authz-req+jwt, client id prefix x509_hash over the leaf of Dezi's wallet
// certificate, x5c in the header), asking by DCQL for Dezi's credential, the answer to come back as
// direct_post.jwt encrypted to a key of this login alone (ECDH-ES, P-256); and the reading of that
// answer: decrypted and matched to the request by @openid4vc, each presentation checked strictly by
// verifyPresentation, the whole by dcql. Request and response parsing are the library's, not ours.
import { X509Certificate } from 'node:crypto';
import { compactDecrypt, decodeProtectedHeader, importJWK, SignJWT, type JWK } from 'jose';
import type { CallbackContext, Jwk } from '@openid4vc/oauth2';
import {
  calculateX509HashClientIdPrefixValue,
  Openid4vpVerifier,
  parseOpenid4vpAuthorizationResponse,
  type Openid4vpAuthorizationRequest,
} from '@openid4vc/openid4vp';
import { walletCrypto } from '../../wallet/jwt-callbacks.ts';
import type { IssuerKey } from '../../wallet/credential.ts';
import {
  PresentationError,
  verifyPresentation,
  type VerifiedPresentation,
} from '../../wallet/presentation.ts';
import { isLoa, LOA, type LoA } from '../loa.ts';
import { MeansError, type MeansResult } from '../means.ts';
import { Bsn, InvalidBsnError } from '../bsn.ts';
import { DEZI_CREDENTIAL, NL_PID_VCT, PID_CREDENTIAL, satisfies, walletQuery } from './query.ts';
import type { WalletLoginSession } from './sessions.ts';

/** The encryption a wallet may use for its response (HAIP: A128GCM and A256GCM). */
const RESPONSE_ENC = ['A128GCM', 'A256GCM'];
/** How long a request object is valid once fetched. */
const REQUEST_SECONDS = 300;
/** What OpenID4VP 1.0 §5.8 asks as the request object's audience with static wallet discovery. */
const SELF_ISSUED = 'https://self-issued.me/v2';

export interface VerifierSettings {
  meansId: string;
  /** Dezi's wallet key and certificate chain: it signs the request objects. */
  key: IssuerKey;
  /** The credential issuer Dezi trusts for its own credential: itself. */
  issuer: string;
  vct: string;
  /** Trust anchors for the credential's x5c chain. */
  issuers: X509Certificate[];
  /** A credential's status at a list's index (0 valid); throws when it cannot be read. */
  statusOf: (uri: string, idx: number) => Promise<number>;
  /** Trust anchors of the PID's issuers; empty: no PID login. */
  pidIssuers: X509Certificate[];
  /** A PID's status at another issuer's list (0 valid); throws when it cannot be read. */
  pidStatusOf: (uri: string, idx: number) => Promise<number>;
}

export interface WalletVerifier {
  readonly clientId: string;
  /** The signed request object of this login, for the wallet that fetches its request_uri. */
  requestObject(session: WalletLoginSession, requestUri: string, responseUri: string): Promise<string>;
  /** The wallet's response (the form it posted), checked; a MeansError says why it is refused. */
  readResponse(
    session: WalletLoginSession,
    body: Record<string, unknown>,
    responseUri: string,
  ): Promise<{ result: MeansResult; verklaringId: string | null; credential: 'dezi' | 'pid' }>;
}

const refused = (refusal: string, message: string) =>
  new MeansError('credential_refused', message, { refusal });

export async function createWalletVerifier(s: VerifierSettings): Promise<WalletVerifier> {
  const clientId = `x509_hash:${await calculateX509HashClientIdPrefixValue({
    x509Certificate: s.key.x5c[0]!,
    hash: walletCrypto.hash,
  })}`;
  const signingKey = await importJWK(s.key.privateJwk, 'ES256');
  // The certificate's key, which the library wants back from a signature: read once, not per login.
  const signerJwk = new X509Certificate(Buffer.from(s.key.x5c[0]!, 'base64')).publicKey.export({
    format: 'jwk',
  }) as Jwk;
  const query = walletQuery(s.vct, { pid: s.pidIssuers.length > 0 });

  const callbacks: Omit<CallbackContext, 'generateRandom' | 'clientAuthentication'> = {
    ...walletCrypto,
    signJwt: async (signer, { header, payload }) => {
      if (signer.method !== 'x5c') throw new Error('the verifier signs with its certificate only');
      const jwt = await new SignJWT(payload).setProtectedHeader({ ...header, alg: 'ES256' }).sign(signingKey);
      return { jwt, signerJwk };
    },
    // The response is encrypted, not signed: nothing for the library to verify with a key of ours.
    verifyJwt: async () => ({ verified: false }),
    encryptJwe: () => {
      throw new Error('the verifier encrypts nothing');
    },
    decryptJwe: () => {
      throw new Error('set per login');
    },
  };

  const verifier = new Openid4vpVerifier({ callbacks });

  function payloadOf(session: WalletLoginSession, responseUri: string): Openid4vpAuthorizationRequest {
    return {
      response_type: 'vp_token',
      client_id: clientId,
      response_uri: responseUri,
      response_mode: 'direct_post.jwt',
      nonce: session.nonce,
      dcql_query: query,
      client_metadata: {
        jwks: {
          keys: [{ ...session.encryptionKey.publicJwk, use: 'enc', alg: 'ECDH-ES', kid: 'response' } as Jwk],
        },
        encrypted_response_enc_values_supported: RESPONSE_ENC,
        vp_formats_supported: {
          'dc+sd-jwt': { 'sd-jwt_alg_values': ['ES256'], 'kb-jwt_alg_values': ['ES256'] },
        },
      },
    };
  }

  /** Decrypts with this login's key only, and only the algorithms offered in the request. */
  function decryptWith(privateJwk: JWK): CallbackContext['decryptJwe'] {
    return async (jwe) => {
      try {
        const header = decodeProtectedHeader(jwe);
        if (header.alg !== 'ECDH-ES' || !RESPONSE_ENC.includes(String(header.enc)))
          return { decrypted: false };
        const { plaintext } = await compactDecrypt(jwe, await importJWK(privateJwk, 'ECDH-ES'));
        return {
          decrypted: true,
          decryptionJwk: privateJwk as Jwk,
          payload: new TextDecoder().decode(plaintext),
        };
      } catch {
        return { decrypted: false };
      }
    };
  }

  return {
    clientId,

    async requestObject(session, requestUri, responseUri) {
      const created = await verifier.createOpenId4vpAuthorizationRequest({
        authorizationRequestPayload: payloadOf(session, responseUri),
        jar: {
          requestUri,
          jwtSigner: { method: 'x5c', alg: 'ES256', x5c: s.key.x5c },
          expiresInSeconds: REQUEST_SECONDS,
          additionalJwtPayload: { aud: SELF_ISSUED },
        },
      });
      return created.jar!.authorizationRequestJwt;
    },

    async readResponse(session, body, responseUri) {
      if (typeof body.error === 'string') {
        // The wallet's own error response (OpenID4VP §8.5): the person declined, or the wallet could not.
        if (body.error === 'access_denied')
          throw new MeansError('cancelled', 'the person declined in the wallet');
        throw new MeansError('invalid_response', `the wallet answered ${body.error.slice(0, 60)}`);
      }
      if (typeof body.response !== 'string' || body.response.length > 100_000)
        throw new MeansError('invalid_response', 'direct_post.jwt expects one encrypted response');
      let parsed;
      try {
        parsed = await parseOpenid4vpAuthorizationResponse({
          authorizationResponse: { response: body.response },
          authorizationRequestPayload: payloadOf(session, responseUri),
          callbacks: {
            decryptJwe: decryptWith(session.encryptionKey.privateJwk),
            verifyJwt: callbacks.verifyJwt,
          },
        });
      } catch (err) {
        throw new MeansError(
          'invalid_response',
          `the response cannot be read: ${(err as Error).message.slice(0, 200)}`,
        );
      }
      if (!parsed.jarm?.decryptionJwk)
        throw new MeansError('invalid_response', 'the response was not encrypted');
      if (parsed.type !== 'dcql') throw new MeansError('invalid_response', 'a DCQL answer is expected');
      const entries = Object.entries(parsed.dcql.presentations);
      const [id, presented] = entries.length === 1 ? entries[0]! : [];
      const isPid = id === PID_CREDENTIAL && s.pidIssuers.length > 0;
      if ((id !== DEZI_CREDENTIAL && !isPid) || presented?.length !== 1)
        throw new MeansError('invalid_response', 'exactly one credential of those asked for is expected');
      const presentation = presented[0];
      if (typeof presentation !== 'string')
        throw new MeansError('invalid_response', 'an SD-JWT presentation is expected');

      const vct = isPid ? NL_PID_VCT : s.vct;
      let verified: VerifiedPresentation;
      try {
        verified = await verifyPresentation(presentation, {
          issuers: isPid ? s.pidIssuers : s.issuers,
          ...(isPid ? {} : { issuer: s.issuer }),
          vct,
          audience: clientId,
          nonce: session.nonce,
          statusOf: isPid ? s.pidStatusOf : s.statusOf,
        });
      } catch (err) {
        if (err instanceof PresentationError) throw refused(err.refusal, err.message);
        throw err;
      }
      if (!satisfies(query, { [id]: { vct, claims: verified.claims } }))
        throw refused('not_what_was_asked', 'the presentation does not disclose what the query asks');
      const c = verified.claims;
      if (isPid) {
        // The PID proves the BSN at level high (the NL wallet is notified at high); the register
        // turns it into the person, as with DigiD. The BSN goes no further than this result.
        try {
          return {
            result: {
              meansId: s.meansId,
              subject: { kind: 'bsn', bsn: Bsn.parse(String(c.bsn)) },
              loaAuthn: LOA.high,
            },
            verklaringId: null,
            credential: 'pid',
          };
        } catch (err) {
          if (err instanceof InvalidBsnError) throw refused('malformed', 'the PID carries no valid BSN');
          throw err;
        }
      }
      if (typeof c.dezi_nummer !== 'string' || typeof c.abonnee_nummer !== 'string')
        throw refused('malformed', 'Dezi-nummer and abonnee are required');
      const rolCode = c.rol_code ?? null;
      if (rolCode !== null && typeof rolCode !== 'string')
        throw refused('malformed', 'rol_code is malformed');
      // The level the credential was issued at, never more than the wallet means reaches.
      const loaAuthn: LoA = isLoa(c.loa_dezi) ? c.loa_dezi : LOA.substantial;
      return {
        result: {
          meansId: s.meansId,
          subject: {
            kind: 'dezi-nummer',
            deziNummer: c.dezi_nummer,
            employment: { abonneeNummer: c.abonnee_nummer, rolCode },
          },
          loaAuthn,
        },
        verklaringId: typeof c.verklaring_id === 'string' ? c.verklaring_id : null,
        credential: 'dezi',
      };
    },
  };
}
