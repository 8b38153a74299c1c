// OpenID4VCI 1.0 (HAIP profile), the pre-authorized code flow: Mijn Dezi makes an offer for one
// employment with a transaction code shown on the page; the wallet redeems it at the token endpoint
// (DPoP with a server nonce, its wallet attestation as client authentication) and asks the credential
// endpoint for the verklaring, bound to the key of each `jwt` proof over a fresh c_nonce.
//
// Parsing and checking the protocol messages is @openid4vc's; deciding (trust, nonces, replay, the
// register's say) and answering is here. The employment is checked again when the credential is made:
// an offer outlives nothing the register has ended since.
import { randomBytes, randomInt } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  authorizationCodeGrantIdentifier,
  decodeJwt,
  Oauth2AuthorizationServer,
  PkceCodeChallengeMethod,
  preAuthorizedCodeGrantIdentifier,
  type AuthorizationServerMetadata,
} from '@openid4vc/oauth2';
import {
  Openid4vciIssuer,
  Openid4vciVersion,
  type CredentialConfigurationSupportedWithFormats,
  type IssuerMetadataResult,
} from '@openid4vc/openid4vci';
import { setGlobalConfig } from '@openid4vc/utils';
import { decodeJwt as decodeJose } from 'jose';
import { recordAudit, type Actor } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import { keyHash, SingleUseStore } from '../db/single-use.ts';
import type { Employment, Register } from '../register/register.ts';
import type { Secrets } from '../secrets.ts';
import type { VerklaringService } from '../verklaring/verklaring.ts';
import { AUTHORIZE_PATHS, WalletAuthorization, type RedeemedCode } from './authorization.ts';
import { holderKey, HolderKeyError, type VerklaringClaims } from './credential.ts';
import { walletCallbacks } from './jwt-callbacks.ts';
import type { Wallet } from './module.ts';
import { NONCE_SECONDS } from './nonces.ts';
import { answerError, DpopGuard, formBody, requestLike, send, WalletProtocolError } from './protocol.ts';
import { typeMetadata } from './type-metadata.ts';

export const CREDENTIAL_CONFIGURATION_ID = 'dezi-verklaring';
export const WALLET_PATHS = {
  authorizationServer: '/wallet',
  token: '/wallet/token',
  credential: '/wallet/credential',
  nonce: '/wallet/nonce',
  ...AUTHORIZE_PATHS,
  issuerMetadata: '/.well-known/openid-credential-issuer',
  authorizationServerMetadata: '/.well-known/oauth-authorization-server/wallet',
} as const;

/** How long an offer can be redeemed: long enough to find the wallet app, short enough not to linger. */
export const OFFER_SECONDS = 600;
const ACCESS_TOKEN_SECONDS = 300;
/** Credentials per request (one per proof): a wallet may want a few keys, not a stock of them. */
const MAX_PROOFS = 3;

interface Offer {
  personId: string;
  employmentId: string;
  deziNummer: string;
  txCodeHash: string;
}
/** What an access token grants; from an authorization code, which code (to revoke it on a replay). */
type AccessGrant = Omit<RedeemedCode, 'wallet' | 'codeHash'> & { codeHash?: string };

export interface IssuanceOptions {
  issuer: string;
  db: Database;
  secrets: Secrets;
  register: Register;
  verklaringen: VerklaringService;
  wallet: Wallet;
}

export class WalletIssuance {
  readonly #o: IssuanceOptions;
  readonly #offers: SingleUseStore<Offer>;
  readonly #access: SingleUseStore<AccessGrant>;
  readonly #dpop: DpopGuard;
  readonly #as: Oauth2AuthorizationServer;
  readonly #issuer: Openid4vciIssuer;
  readonly #asMetadata: AuthorizationServerMetadata;
  readonly #metadata: IssuerMetadataResult;
  /** The authorization code flow (PAR, the person's choice, the code); its pages are the portal's. */
  readonly authorization: WalletAuthorization;

  constructor(o: IssuanceOptions) {
    this.#o = o;
    // The proeftuin runs on http://localhost (config.ts allows http on loopback only).
    if (o.issuer.startsWith('http:')) setGlobalConfig({ allowInsecureUrls: true });
    this.#offers = new SingleUseStore(o.db, 'wallet-offer', OFFER_SECONDS);
    this.#access = new SingleUseStore(o.db, 'wallet-access', ACCESS_TOKEN_SECONDS);
    this.#dpop = new DpopGuard(o.db, o.secrets);
    const callbacks = walletCallbacks({ walletProviders: () => o.wallet.providers });
    this.#as = new Oauth2AuthorizationServer({ callbacks });
    this.#issuer = new Openid4vciIssuer({ callbacks });
    const asIssuer = `${o.issuer}${WALLET_PATHS.authorizationServer}`;
    this.#asMetadata = this.#as.createAuthorizationServerMetadata({
      issuer: asIssuer,
      token_endpoint: `${o.issuer}${WALLET_PATHS.token}`,
      authorization_endpoint: `${o.issuer}${WALLET_PATHS.authorize}`,
      pushed_authorization_request_endpoint: `${o.issuer}${WALLET_PATHS.par}`,
      require_pushed_authorization_requests: true,
      response_types_supported: ['code'],
      code_challenge_methods_supported: [PkceCodeChallengeMethod.S256],
      authorization_response_iss_parameter_supported: true,
      scopes_supported: [CREDENTIAL_CONFIGURATION_ID],
      grant_types_supported: [preAuthorizedCodeGrantIdentifier, authorizationCodeGrantIdentifier],
      token_endpoint_auth_methods_supported: ['attest_jwt_client_auth'],
      dpop_signing_alg_values_supported: ['ES256'],
      'pre-authorized_grant_anonymous_access_supported': false,
    });
    this.authorization = new WalletAuthorization({
      issuer: o.issuer,
      db: o.db,
      register: o.register,
      as: this.#as,
      asMetadata: this.#asMetadata,
      dpop: this.#dpop,
      scope: CREDENTIAL_CONFIGURATION_ID,
      revokeTokensOf: (codeHash) => this.#access.revokeWhere({ codeHash }),
      accessTokenSeconds: ACCESS_TOKEN_SECONDS,
    });
    const meta = typeMetadata(o.wallet.vct) as {
      display: { locale: string; name: string; description: string }[];
    };
    const configurations = {
      [CREDENTIAL_CONFIGURATION_ID]: {
        format: 'dc+sd-jwt',
        vct: o.wallet.vct,
        scope: CREDENTIAL_CONFIGURATION_ID,
        cryptographic_binding_methods_supported: ['jwk'],
        credential_signing_alg_values_supported: ['ES256'],
        proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['ES256'] } },
        credential_metadata: {
          display: meta.display.map((d) => ({ locale: d.locale, name: d.name, description: d.description })),
        },
      },
    } satisfies Record<string, CredentialConfigurationSupportedWithFormats>;
    const credentialIssuer = this.#issuer.createCredentialIssuerMetadata({
      credential_issuer: o.issuer,
      credential_endpoint: `${o.issuer}${WALLET_PATHS.credential}`,
      nonce_endpoint: `${o.issuer}${WALLET_PATHS.nonce}`,
      authorization_servers: [asIssuer],
      display: [
        { locale: 'nl-NL', name: 'Dezi-register' },
        { locale: 'en-US', name: 'Dezi register' },
      ],
      credential_configurations_supported: configurations,
    });
    this.#metadata = {
      credentialIssuer,
      authorizationServers: [this.#asMetadata],
      originalDraftVersion: Openid4vciVersion.V1,
      knownCredentialConfigurations: configurations,
    };
  }

  /**
   * An offer of the verklaring of this employment, for the person logged in to Mijn Dezi: the
   * `openid-credential-offer://` link (for a QR code and a same-device link) and the transaction code
   * the wallet asks for. Audited as wallet.offer.
   */
  async createOffer(
    person: { id: string; deziNummer: string },
    employmentId: string,
  ): Promise<{ offer: string; txCode: string; expiresInSeconds: number; employment: Employment } | null> {
    const employment = await this.#o.register.activeEmployment(person.id, employmentId);
    if (!employment) return null;
    const code = randomBytes(32).toString('base64url');
    const txCode = String(randomInt(1_000_000)).padStart(6, '0');
    await this.#offers.put(code, {
      personId: person.id,
      employmentId,
      deziNummer: person.deziNummer,
      txCodeHash: keyHash(`${code}:${txCode}`),
    });
    const { credentialOffer } = await this.#issuer.createCredentialOffer({
      credentialConfigurationIds: [CREDENTIAL_CONFIGURATION_ID],
      grants: {
        [preAuthorizedCodeGrantIdentifier]: {
          'pre-authorized_code': code,
          tx_code: { input_mode: 'numeric', length: 6, description: 'De code op het scherm van Mijn Dezi' },
        },
      },
      issuerMetadata: this.#metadata,
    });
    await recordAudit(this.#o.db, {
      actor: { kind: 'person', deziNummer: person.deziNummer },
      action: 'wallet.offer',
      outcome: 'success',
      abonneeNummer: employment.abonnee.abonneeNummer,
      target: `employment:${employmentId}`,
    });
    return { offer: credentialOffer, txCode, expiresInSeconds: OFFER_SECONDS, employment };
  }

  async #audit(action: string, outcome: 'success' | 'failure', actor: Actor, detail: Record<string, string>) {
    await recordAudit(this.#o.db, { actor, action, outcome, detail });
  }

  /**
   * POST /wallet/token: a pre-authorized code with its transaction code, or an authorization code
   * with its PKCE verifier; DPoP (a server nonce, once) and the wallet attestation either way.
   */
  async token(
    req: FastifyRequest,
  ): Promise<{ body: Record<string, unknown>; headers: Record<string, string> }> {
    const request = requestLike(this.#o.issuer, req, WALLET_PATHS.token);
    const parsed = this.#as.parseAccessTokenRequest({
      accessTokenRequest: formBody(req, 'token request'),
      request,
    });
    const grantType = parsed.grant.grantType;
    if (grantType !== preAuthorizedCodeGrantIdentifier && grantType !== authorizationCodeGrantIdentifier)
      throw new WalletProtocolError(
        400,
        'unsupported_grant_type',
        'send a pre-authorized or authorization code',
      );
    await this.#dpop.check(parsed.dpop?.jwt, 400);
    const granted =
      grantType === preAuthorizedCodeGrantIdentifier
        ? await this.#preAuthorized(parsed, request)
        : await this.authorization.redeem(parsed, req, WALLET_PATHS.token);
    const { wallet, ...grant } = granted;
    const accessToken = randomBytes(32).toString('base64url');
    await this.#access.put(accessToken, grant);
    await this.#audit(
      'wallet.token',
      'success',
      { kind: 'person', deziNummer: grant.deziNummer },
      {
        wallet,
        grant: grantType,
      },
    );
    return {
      body: { access_token: accessToken, token_type: 'DPoP', expires_in: ACCESS_TOKEN_SECONDS },
      headers: this.#dpop.nonceHeader(),
    };
  }

  async #preAuthorized(
    parsed: ReturnType<Oauth2AuthorizationServer['parseAccessTokenRequest']>,
    request: ReturnType<typeof requestLike>,
  ): Promise<AccessGrant & { wallet: string }> {
    if (parsed.grant.grantType !== preAuthorizedCodeGrantIdentifier) throw new Error('not pre-authorized');
    const grant = parsed.grant;
    // DPoP and the wallet attestation first, so that a wallet that fails them leaves the offer whole.
    const verified = await this.#as.verifyPreAuthorizedCodeAccessTokenRequest({
      authorizationServerMetadata: this.#asMetadata,
      grant,
      accessTokenRequest: parsed.accessTokenRequest,
      request,
      expectedPreAuthorizedCode: grant.preAuthorizedCode,
      expectedTxCode: grant.txCode,
      dpop: { required: true, allowedSigningAlgs: ['ES256'], ...parsed.dpop },
      clientAttestation: { required: true, ...parsed.clientAttestation },
    });
    // Taken once: a second try with the same code, right or wrong, finds nothing (a six-digit code
    // gets one guess per offer).
    const offer = await this.#offers.take(grant.preAuthorizedCode);
    if (!offer) throw new WalletProtocolError(400, 'invalid_grant', 'this offer is unknown, used or expired');
    const actor: Actor = { kind: 'person', deziNummer: offer.deziNummer };
    const txOk =
      typeof grant.txCode === 'string' &&
      keyHash(`${grant.preAuthorizedCode}:${grant.txCode}`) === offer.txCodeHash;
    if (!txOk) {
      await this.#audit('wallet.token', 'failure', actor, { reason: 'tx_code' });
      throw new WalletProtocolError(
        400,
        'invalid_grant',
        'the transaction code is wrong; make a new offer in Mijn Dezi',
      );
    }
    return {
      personId: offer.personId,
      employmentId: offer.employmentId,
      deziNummer: offer.deziNummer,
      jkt: verified.dpop!.jwkThumbprint,
      wallet: verified.clientAttestation?.clientAttestation.payload.sub ?? '',
    };
  }

  /** POST /wallet/nonce: a c_nonce for the key proofs. */
  nonce(): Record<string, unknown> {
    return this.#issuer.createNonceResponse({
      cNonce: this.#dpop.nonces.issue('c_nonce'),
      cNonceExpiresIn: NONCE_SECONDS,
    });
  }

  /** POST /wallet/credential: the verklaring, once per `jwt` proof, if the register still stands behind it. */
  async credential(req: FastifyRequest): Promise<Record<string, unknown>> {
    const authorization = req.headers.authorization;
    const token =
      typeof authorization === 'string' && authorization.startsWith('DPoP ') ? authorization.slice(5) : null;
    const grant = token ? await this.#access.peek(token) : null;
    if (!token || !grant)
      throw new WalletProtocolError(401, 'invalid_token', 'send a live access token as Authorization: DPoP', {
        'WWW-Authenticate': 'DPoP error="invalid_token", algs="ES256"',
      });
    const dpopJwt = typeof req.headers.dpop === 'string' ? req.headers.dpop : undefined;
    const dpopNonce = await this.#dpop.check(dpopJwt, 401);
    try {
      await this.#as.verifyDpopJwt({
        dpopJwt: dpopJwt!,
        request: requestLike(this.#o.issuer, req, WALLET_PATHS.credential),
        accessToken: token,
        expectedJwkThumbprint: grant.jkt,
        expectedNonce: dpopNonce,
        allowedSigningAlgs: ['ES256'],
      });
    } catch (err) {
      throw new WalletProtocolError(401, 'invalid_dpop_proof', (err as Error).message, {
        'WWW-Authenticate': 'DPoP error="invalid_dpop_proof", algs="ES256"',
      });
    }
    const actor: Actor = { kind: 'person', deziNummer: grant.deziNummer };
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new WalletProtocolError(400, 'invalid_credential_request', 'send the credential request as JSON');
    // OpenID4VCI 1.0 has `proofs` only; `proof` is an earlier draft's, and HAIP wallets send `proofs`.
    if ('proof' in body)
      throw new WalletProtocolError(
        400,
        'invalid_credential_request',
        'send proofs (OpenID4VCI 1.0), not proof',
      );
    let parsed;
    try {
      parsed = this.#issuer.parseCredentialRequest({
        issuerMetadata: this.#metadata,
        credentialRequest: body as Record<string, unknown>,
      });
    } catch (err) {
      throw new WalletProtocolError(400, 'invalid_credential_request', (err as Error).message);
    }
    if (parsed.credentialConfigurationId !== CREDENTIAL_CONFIGURATION_ID)
      throw new WalletProtocolError(
        400,
        'unknown_credential_configuration',
        `ask for ${CREDENTIAL_CONFIGURATION_ID}`,
      );
    const proofs = parsed.proofs?.jwt;
    if (!Array.isArray(proofs) || proofs.length === 0 || proofs.length > MAX_PROOFS)
      throw new WalletProtocolError(400, 'invalid_proof', `send 1 to ${MAX_PROOFS} jwt proofs`);

    const holders = [];
    for (const jwt of proofs) {
      let nonce: unknown;
      try {
        nonce = decodeJwt({ jwt }).payload.nonce;
      } catch {
        throw new WalletProtocolError(400, 'invalid_proof', 'a proof is not a JWT');
      }
      if (!this.#dpop.nonces.valid('c_nonce', nonce))
        throw new WalletProtocolError(
          400,
          'invalid_nonce',
          'a proof has no live c_nonce; ask the nonce endpoint',
        );
      try {
        const proof = await this.#issuer.verifyCredentialRequestJwtProof({
          issuerMetadata: this.#metadata,
          jwt,
          expectedNonce: nonce as string,
        });
        if (proof.signer.method !== 'jwk') throw new HolderKeyError('the proof must carry its key as jwk');
        holders.push(await holderKey(proof.signer.publicJwk));
      } catch (err) {
        throw new WalletProtocolError(400, 'invalid_proof', (err as Error).message);
      }
    }

    const person = await this.#o.register.getPerson(grant.personId);
    const employment =
      person?.status === 'active'
        ? await this.#o.register.activeEmployment(grant.personId, grant.employmentId)
        : null;
    if (!person || !employment) {
      await this.#audit('wallet.credential.issue', 'failure', actor, { reason: 'employment_not_active' });
      throw new WalletProtocolError(
        403,
        'credential_request_denied',
        'the register no longer holds this employment',
      );
    }
    const verklaring = await this.#o.verklaringen.forEmployment(person, employment);
    const claims = decodeJose(verklaring.jws) as unknown as VerklaringClaims & { exp: number };
    const credentials = [];
    for (const holder of holders) {
      const issued = await this.#o.wallet.credentials.issue(
        {
          claims,
          exp: claims.exp,
          personId: person.id,
          employmentId: employment.id,
          abonneeId: employment.abonnee.id,
        },
        holder,
        { ...actor, abonneeNummer: employment.abonnee.abonneeNummer },
      );
      credentials.push({ credential: issued.credential });
    }
    return this.#issuer.createCredentialResponse({ credentialRequest: parsed, credentials });
  }

  metadata(): { issuer: Record<string, unknown>; authorizationServer: Record<string, unknown> } {
    return { issuer: this.#metadata.credentialIssuer, authorizationServer: this.#asMetadata };
  }
}

export async function issuanceRoutes(app: FastifyInstance, o: { issuance: WalletIssuance }): Promise<void> {
  const { issuance } = o;
  const metadata = issuance.metadata();
  app.get(WALLET_PATHS.issuerMetadata, async (_req, reply) => reply.send(metadata.issuer));
  app.get(WALLET_PATHS.authorizationServerMetadata, async (_req, reply) =>
    reply.send(metadata.authorizationServer),
  );
  app.post(WALLET_PATHS.token, async (req, reply) => {
    try {
      const { body, headers } = await issuance.token(req);
      return send(reply, 200, body, headers);
    } catch (err) {
      return answerError(reply, err);
    }
  });
  app.post(WALLET_PATHS.par, async (req, reply) => {
    try {
      const { body, headers } = await issuance.authorization.par(req);
      return send(reply, 201, body, headers);
    } catch (err) {
      return answerError(reply, err);
    }
  });
  app.post(WALLET_PATHS.nonce, async (_req, reply) => send(reply, 200, issuance.nonce()));
  app.post(WALLET_PATHS.credential, async (req, reply) => {
    try {
      return send(reply, 200, await issuance.credential(req));
    } catch (err) {
      return answerError(reply, err);
    }
  });
}
