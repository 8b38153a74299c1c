// OpenID4VCI's authorization code flow, started by the wallet (HAIP: PAR, PKCE S256, DPoP, the wallet
// attestation as client authentication). The wallet pushes its request (RFC 9126) and gets a
// request_uri; the person opens it at /wallet/authorize, logs in to Mijn Dezi at high and chooses an
// employment (src/portal/wallet-authorize.ts); the wallet gets a code with `iss` (RFC 9207) at the
// redirect_uri it pushed, and redeems it at the token endpoint with the PKCE verifier and the DPoP
// key it bound at PAR. From the access token on, the credential endpoint is the pre-authorized flow's.
//
// Parsing and checking the messages is @openid4vc's; what is stored and when it is used up is here.
// The pushed request is peeked while the person logs in and taken when they choose; the code is
// taken once, and a code seen again revokes the access token it gave (RFC 6749 §4.1.2).
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import {
  type AuthorizationServerMetadata,
  type Oauth2AuthorizationServer,
  PkceCodeChallengeMethod,
  pushedAuthorizationRequestUriPrefix,
} from '@openid4vc/oauth2';
import { recordAudit, type Actor } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import { keyHash, SingleUseStore } from '../db/single-use.ts';
import type { Employment, Register } from '../register/register.ts';
import { DpopGuard, formBody, requestLike, WalletProtocolError } from './protocol.ts';
import { acceptableRedirectUri } from './redirect-uri.ts';

export const AUTHORIZE_PATHS = { par: '/wallet/par', authorize: '/wallet/authorize' } as const;

/** Long enough for a login through DigiD between the wallet's push and the person's choice. */
export const REQUEST_URI_SECONDS = 600;
/** The code travels through the browser once and is redeemed at once by the same app. */
const CODE_SECONDS = 60;
const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export interface PushedRequest {
  clientId: string;
  redirectUri: string;
  state: string | null;
  codeChallenge: string;
  /** The DPoP key's thumbprint the code is bound to (a DPoP proof or dpop_jkt at PAR). */
  jkt: string;
}

interface CodeGrant extends PushedRequest {
  personId: string;
  employmentId: string;
  deziNummer: string;
}

/** What a redeemed code grants: the access token's content, and which code it came from. */
export interface RedeemedCode {
  personId: string;
  employmentId: string;
  deziNummer: string;
  jkt: string;
  wallet: string;
  codeHash: string;
}

type ParsedTokenRequest = ReturnType<Oauth2AuthorizationServer['parseAccessTokenRequest']>;

export interface AuthorizationOptions {
  issuer: string;
  db: Database;
  register: Register;
  as: Oauth2AuthorizationServer;
  asMetadata: AuthorizationServerMetadata;
  dpop: DpopGuard;
  /** The scope that asks for the credential (its configuration id). */
  scope: string;
  /** Revokes the access tokens a code gave, when that code is presented again. */
  revokeTokensOf: (codeHash: string) => Promise<void>;
  /** How long an access token lives: a used code is remembered as long. */
  accessTokenSeconds: number;
}

export type PendingRefusal = 'unknown_request' | 'other_client';

export class WalletAuthorization {
  readonly #o: AuthorizationOptions;
  readonly #pushed: SingleUseStore<PushedRequest>;
  readonly #codes: SingleUseStore<CodeGrant>;
  readonly #usedCodes: SingleUseStore<{ used: true }>;

  constructor(o: AuthorizationOptions) {
    this.#o = o;
    this.#pushed = new SingleUseStore(o.db, 'wallet-par', REQUEST_URI_SECONDS);
    this.#codes = new SingleUseStore(o.db, 'wallet-code', CODE_SECONDS);
    this.#usedCodes = new SingleUseStore(o.db, 'wallet-code-used', o.accessTokenSeconds);
  }

  /** POST /wallet/par: the wallet's request, checked and kept; answered with its request_uri. */
  async par(
    req: FastifyRequest,
  ): Promise<{ body: Record<string, unknown>; headers: Record<string, string> }> {
    const request = requestLike(this.#o.issuer, req, AUTHORIZE_PATHS.par);
    const body = formBody(req, 'pushed authorization request');
    const invalid = (description: string, error = 'invalid_request') =>
      new WalletProtocolError(400, error, description);
    // RFC 9126 §2.1: a pushed request cannot itself point elsewhere.
    if ('request_uri' in body) throw invalid('a pushed request carries no request_uri');
    // Nor a request object: the wallet attestation authenticates the client, and a JAR would only be
    // one more thing to open (and to fetch from, or decrypt) before anything is known of the sender.
    if ('request' in body) throw invalid('send the parameters as a form, not as a request object');
    const parsed = await this.#o.as.parsePushedAuthorizationRequest({ authorizationRequest: body, request });
    const ar = parsed.authorizationRequest;
    if (ar.response_type !== 'code') throw invalid('response_type must be code', 'unsupported_response_type');
    if (
      ar.code_challenge_method !== PkceCodeChallengeMethod.S256 ||
      !PKCE_CHALLENGE.test(ar.code_challenge ?? '')
    )
      throw invalid('PKCE with code_challenge_method S256 is required');
    if (!acceptableRedirectUri(ar.redirect_uri))
      throw invalid('redirect_uri must be https, a private-use scheme, or http on loopback');
    // Dezi issues one credential: asked for by its scope (authorization_details is not supported).
    if ('authorization_details' in body) throw invalid('ask for the credential by scope');
    if (!(ar.scope ?? '').split(' ').includes(this.#o.scope))
      throw invalid(`ask for scope ${this.#o.scope}`, 'invalid_scope');
    if (ar.resource !== undefined && ar.resource !== this.#o.issuer)
      throw invalid('resource must be this credential issuer', 'invalid_target');
    if (parsed.dpop?.jwt) await this.#o.dpop.check(parsed.dpop.jwt, 400);
    const verified = await this.#o.as.verifyPushedAuthorizationRequest({
      authorizationRequest: ar,
      request,
      authorizationServerMetadata: this.#o.asMetadata,
      dpop: { required: true, allowedSigningAlgs: ['ES256'], ...parsed.dpop },
      clientAttestation: { required: true, ...parsed.clientAttestation },
    });
    const id = randomBytes(32).toString('base64url');
    await this.#pushed.put(id, {
      clientId: ar.client_id,
      redirectUri: ar.redirect_uri,
      state: ar.state ?? null,
      codeChallenge: ar.code_challenge!,
      jkt: verified.dpop!.jwkThumbprint,
    });
    const { pushedAuthorizationResponse } = this.#o.as.createPushedAuthorizationResponse({
      requestUri: `${pushedAuthorizationRequestUriPrefix}${id}`,
      expiresInSeconds: REQUEST_URI_SECONDS,
    });
    return { body: pushedAuthorizationResponse, headers: this.#o.dpop.nonceHeader() };
  }

  static #id(requestUri: unknown): string | null {
    return typeof requestUri === 'string' &&
      requestUri.startsWith(pushedAuthorizationRequestUriPrefix) &&
      requestUri.length < 200
      ? requestUri.slice(pushedAuthorizationRequestUriPrefix.length)
      : null;
  }

  /** The pushed request behind /wallet/authorize's query, left in place while the person logs in. */
  async pending(clientId: unknown, requestUri: unknown): Promise<PushedRequest | PendingRefusal> {
    const id = WalletAuthorization.#id(requestUri);
    const pushed = id ? await this.#pushed.peek(id) : null;
    if (!pushed) return 'unknown_request';
    return pushed.clientId === clientId ? pushed : 'other_client';
  }

  /**
   * The person chose this employment: the pushed request is used up and a code made. Returns the
   * redirect to the wallet (code, state, iss), or why not.
   */
  async grant(
    requestUri: string,
    clientId: string,
    person: { id: string; deziNummer: string },
    employmentId: string,
  ): Promise<{ redirect: string; employment: Employment } | PendingRefusal | 'not_active'> {
    const actor: Actor = { kind: 'person', deziNummer: person.deziNummer };
    const employment = await this.#o.register.activeEmployment(person.id, employmentId);
    if (!employment) {
      await this.audit('failure', actor, { reason: 'not_active', wallet: clientId });
      return 'not_active';
    }
    const pushed = await this.#take(requestUri, clientId, actor);
    if (!pushed) return 'unknown_request';
    const code = randomBytes(32).toString('base64url');
    await this.#codes.put(code, {
      ...pushed,
      personId: person.id,
      employmentId,
      deziNummer: person.deziNummer,
    });
    await recordAudit(this.#o.db, {
      actor,
      action: 'wallet.authorize',
      outcome: 'success',
      abonneeNummer: employment.abonnee.abonneeNummer,
      target: `employment:${employmentId}`,
      detail: { wallet: clientId },
    });
    return { redirect: this.#answer(pushed, { code }), employment };
  }

  /**
   * The person declined: the pushed request is used up and the wallet told access_denied (RFC 6749
   * §4.1.2.1), at the redirect_uri that was pushed with the attested client's request.
   */
  async deny(
    requestUri: string,
    clientId: string,
    person: { deziNummer: string },
  ): Promise<{ redirect: string } | PendingRefusal> {
    const actor: Actor = { kind: 'person', deziNummer: person.deziNummer };
    const pushed = await this.#take(requestUri, clientId, actor);
    if (!pushed) return 'unknown_request';
    await this.audit('failure', actor, { reason: 'declined_by_person', wallet: clientId });
    return { redirect: this.#answer(pushed, { error: 'access_denied' }) };
  }

  async #take(requestUri: string, clientId: string, actor: Actor): Promise<PushedRequest | null> {
    const id = WalletAuthorization.#id(requestUri);
    const pushed = id ? await this.#pushed.take(id, { clientId }) : null;
    if (!pushed) await this.audit('failure', actor, { reason: 'unknown_request', wallet: clientId });
    return pushed;
  }

  /** The authorization response: its parameters, the state pushed, and iss (RFC 9207). */
  #answer(pushed: PushedRequest, params: Record<string, string>): string {
    const redirect = new URL(pushed.redirectUri);
    for (const [k, v] of Object.entries(params)) redirect.searchParams.set(k, v);
    if (pushed.state !== null) redirect.searchParams.set('state', pushed.state);
    redirect.searchParams.set('iss', this.#o.asMetadata.issuer);
    return redirect.href;
  }

  async audit(outcome: 'success' | 'failure', actor: Actor | null, detail: Record<string, string>) {
    await recordAudit(this.#o.db, { actor, action: 'wallet.authorize', outcome, detail });
  }

  /**
   * The token request's code: PKCE, the DPoP key bound at PAR and the wallet's attestation checked by
   * the library, the client and redirect_uri here; then the code is used up.
   */
  async redeem(parsed: ParsedTokenRequest, req: FastifyRequest, tokenPath: string): Promise<RedeemedCode> {
    if (parsed.grant.grantType !== 'authorization_code') throw new Error('not an authorization code');
    const grant = parsed.grant;
    const invalidGrant = (description: string) => new WalletProtocolError(400, 'invalid_grant', description);
    const pending = await this.#codes.peek(grant.code);
    if (!pending) {
      if (await this.#usedCodes.take(grant.code)) {
        await this.#o.revokeTokensOf(keyHash(grant.code));
        await recordAudit(this.#o.db, {
          actor: null,
          action: 'wallet.token',
          outcome: 'failure',
          detail: { reason: 'code_replayed' },
        });
      }
      throw invalidGrant('this code is unknown, used or expired');
    }
    const verified = await this.#o.as.verifyAuthorizationCodeAccessTokenRequest({
      authorizationServerMetadata: this.#o.asMetadata,
      grant,
      accessTokenRequest: parsed.accessTokenRequest,
      request: requestLike(this.#o.issuer, req, tokenPath),
      expectedCode: grant.code,
      pkce: {
        codeVerifier: parsed.pkceCodeVerifier,
        codeChallenge: pending.codeChallenge,
        codeChallengeMethod: PkceCodeChallengeMethod.S256,
      },
      dpop: {
        required: true,
        allowedSigningAlgs: ['ES256'],
        expectedJwkThumbprint: pending.jkt,
        ...parsed.dpop,
      },
      clientAttestation: { required: true, ...parsed.clientAttestation },
    });
    const wallet = verified.clientAttestation!.clientAttestation.payload.sub;
    const clientId = parsed.accessTokenRequest.client_id;
    // RFC 6749 §4.1.3: the code was issued to this client, for this redirect_uri.
    if (wallet !== pending.clientId || (clientId !== undefined && clientId !== pending.clientId))
      throw invalidGrant('this code was issued to another client');
    if (parsed.accessTokenRequest.redirect_uri !== pending.redirectUri)
      throw invalidGrant('redirect_uri is not the one of the authorization request');
    if (!(await this.#codes.take(grant.code))) throw invalidGrant('this code is unknown, used or expired');
    // An object, not a bare true: take() matches with jsonb containment, which a scalar never passes.
    await this.#usedCodes.put(grant.code, { used: true });
    return {
      personId: pending.personId,
      employmentId: pending.employmentId,
      deziNummer: pending.deziNummer,
      jkt: verified.dpop!.jwkThumbprint,
      wallet,
      codeHash: keyHash(grant.code),
    };
  }
}
