// What the wallet's back-channel endpoints share (token, PAR, credential): the OAuth error answer, the
// request as @openid4vc checks DPoP's htu against it, and DPoP's server nonce and single use.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Oauth2Error, Oauth2ServerErrorResponseError, type RequestLike } from '@openid4vc/oauth2';
import { Openid4vciError } from '@openid4vc/openid4vci';
import { OpenId4VcBaseError } from '@openid4vc/utils';
import { decodeJwt as decodeJose } from 'jose';
import type { Database } from '../db/database.ts';
import { SingleUseStore } from '../db/single-use.ts';
import type { Secrets } from '../secrets.ts';
import { NONCE_SECONDS, Nonces } from './nonces.ts';

/** An OAuth error answer (RFC 6749 §5.2 shape), with the status and headers it needs. */
export class WalletProtocolError extends Error {
  readonly status: number;
  readonly error: string;
  readonly description: string;
  readonly headers: Record<string, string>;

  constructor(status: number, error: string, description: string, headers: Record<string, string> = {}) {
    super(description);
    this.status = status;
    this.error = error;
    this.description = description;
    this.headers = headers;
  }
}

/** The request as @openid4vc checks DPoP's htu against it: the public URL, not the socket's. */
export function requestLike(issuer: string, req: FastifyRequest, path: string): RequestLike {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  return { method: req.method as RequestLike['method'], url: `${issuer}${path}`, headers };
}

/** A form body as a plain object, or invalid_request. */
export function formBody(req: FastifyRequest, what: string): Record<string, unknown> {
  const body = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new WalletProtocolError(400, 'invalid_request', `send the ${what} as a form`);
  return body as Record<string, unknown>;
}

/** Server nonces for DPoP and key proofs, and the DPoP proofs already seen. */
export class DpopGuard {
  readonly nonces: Nonces;
  readonly #jtis: SingleUseStore<true>;

  constructor(db: Database, secrets: Secrets) {
    this.nonces = new Nonces(secrets);
    this.#jtis = new SingleUseStore(db, 'wallet-dpop-jti', NONCE_SECONDS + 60);
  }

  /** A fresh DPoP nonce as the header that hands it out. */
  nonceHeader(): Record<string, string> {
    return { 'DPoP-Nonce': this.nonces.issue('dpop') };
  }

  /**
   * The DPoP proof's server nonce and single use (RFC 9449 §8, §11.1): a missing or stale nonce gets
   * use_dpop_nonce with a fresh one; a proof seen before is refused. Returns the nonce it carried.
   */
  async check(dpopJwt: string | undefined, status: 400 | 401): Promise<string> {
    const fresh = this.nonceHeader();
    const challenge = (error: string, description: string): WalletProtocolError =>
      new WalletProtocolError(status, error, description, {
        ...fresh,
        ...(status === 401 ? { 'WWW-Authenticate': `DPoP error="${error}", algs="ES256"` } : {}),
      });
    if (!dpopJwt) throw challenge('invalid_dpop_proof', 'a DPoP proof is required');
    let payload: { nonce?: unknown; jti?: unknown };
    try {
      payload = decodeJose(dpopJwt);
    } catch {
      throw challenge('invalid_dpop_proof', 'the DPoP proof is not a JWT');
    }
    if (!this.nonces.valid('dpop', payload.nonce))
      throw challenge('use_dpop_nonce', 'use the nonce in the DPoP-Nonce header');
    if (typeof payload.jti !== 'string' || payload.jti.length > 200)
      throw challenge('invalid_dpop_proof', 'the DPoP proof has no jti');
    try {
      await this.#jtis.put(payload.jti, true);
    } catch {
      throw challenge('invalid_dpop_proof', 'this DPoP proof was used before');
    }
    return payload.nonce as string;
  }
}

export function send(
  reply: FastifyReply,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return reply
    .code(status)
    .headers({ 'cache-control': 'no-store', ...headers })
    .send(body);
}

/**
 * Ours and the library's client errors as the OAuth error answer; the library's other errors (a
 * message it could not even parse) as invalid_request; anything else is the server's fault (500, no
 * detail, logged).
 */
export function answerError(reply: FastifyReply, err: unknown) {
  if (err instanceof WalletProtocolError)
    return send(reply, err.status, { error: err.error, error_description: err.description }, err.headers);
  if (err instanceof Oauth2ServerErrorResponseError && err.status < 500)
    return send(reply, err.status, err.errorResponse);
  const library =
    err instanceof Oauth2Error || err instanceof OpenId4VcBaseError || err instanceof Openid4vciError;
  if (library && !(err instanceof Oauth2ServerErrorResponseError))
    return send(reply, 400, {
      error: 'invalid_request',
      error_description: (err as Error).message.slice(0, 300),
    });
  throw err;
}
