// Server-side state of the portals, each bound to the browser by an HttpOnly cookie that holds a
// random token (only its hash is stored): the portal session, a portal login in flight through the
// broker, and a self-registration waiting for the person's confirmation (with the BSN sealed).
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { keyHash, SingleUseStore } from '../db/single-use.ts';
import type { LoA } from '../means/loa.ts';
import { Bsn } from '../means/bsn.ts';
import type { Secrets } from '../secrets.ts';
import { parseCookies, type Web } from '../web/web.ts';

export const SESSION_COOKIE = 'dezi_portal';
export const LOGIN_COOKIE = 'dezi_portal_login';
export const REGISTRATION_COOKIE = 'dezi_registratie';
export const SESSION_SECONDS = 30 * 60;
export const LOGIN_SECONDS = 10 * 60;
export const REGISTRATION_SECONDS = 15 * 60;

export type PortalPurpose = 'mijn-dezi' | 'registreren' | 'koppelen' | 'abonnee' | 'beheer' | 'wallet';

export interface PortalSession {
  tokenHash: string;
  personId: string;
  meansId: string;
  loaAuthn: LoA;
}

export interface PendingRegistration {
  /** The browser's registration token (from its cookie), which takes the registration. */
  token: string;
  meansId: string;
  loaAuthn: LoA;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const newToken = () => randomBytes(32).toString('base64url');
export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

function cookieToken(req: FastifyRequest, name: string): string | null {
  const value = parseCookies(req.headers.cookie)[name];
  return value && TOKEN.test(value) ? value : null;
}

interface LoginInFlight {
  purpose: PortalPurpose;
  personId: string | null;
  /** Where to go back to after the login, a path of Dezi's own (a wallet's authorization request). */
  returnTo?: string;
}

interface WaitingRegistration {
  /** The BSN, sealed with the registration's key hash as associated data. */
  bsnSealed: string;
  meansId: string;
  loaAuthn: LoA;
}

export class PortalState {
  readonly #db: Database;
  readonly #secrets: Secrets;
  readonly #web: Web;
  readonly #logins: SingleUseStore<LoginInFlight>;
  readonly #registrations: SingleUseStore<WaitingRegistration>;

  constructor(db: Database, secrets: Secrets, web: Web) {
    this.#db = db;
    this.#secrets = secrets;
    this.#web = web;
    this.#logins = new SingleUseStore(db, 'portal.login', LOGIN_SECONDS);
    this.#registrations = new SingleUseStore(db, 'portal.registration', REGISTRATION_SECONDS);
  }

  #setCookie(reply: FastifyReply, name: string, value: string, maxAge: number): void {
    // Fastify appends set-cookie headers, so several cookies may be set on one answer.
    reply.header('set-cookie', this.#web.cookieHeader(name, value, { maxAge }));
  }

  // --- the portal session --------------------------------------------------------------------

  async startSession(
    reply: FastifyReply,
    s: { personId: string; meansId: string; loaAuthn: LoA },
  ): Promise<void> {
    const token = newToken();
    await this.#db.query(
      `INSERT INTO portal_sessions (token_hash, person_id, means_id, loa_authn, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [hashToken(token), s.personId, s.meansId, s.loaAuthn, SESSION_SECONDS],
    );
    this.#setCookie(reply, SESSION_COOKIE, token, SESSION_SECONDS);
  }

  async session(req: FastifyRequest): Promise<PortalSession | null> {
    const token = cookieToken(req, SESSION_COOKIE);
    if (!token) return null;
    const [row] = await this.#db.query<{
      token_hash: string;
      person_id: string;
      means_id: string;
      loa_authn: LoA;
    }>(
      'SELECT token_hash, person_id, means_id, loa_authn FROM portal_sessions WHERE token_hash = $1 AND expires_at > now()',
      [hashToken(token)],
    );
    return row
      ? { tokenHash: row.token_hash, personId: row.person_id, meansId: row.means_id, loaAuthn: row.loa_authn }
      : null;
  }

  async endSession(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = cookieToken(req, SESSION_COOKIE);
    if (token) await this.#db.query('DELETE FROM portal_sessions WHERE token_hash = $1', [hashToken(token)]);
    this.#setCookie(reply, SESSION_COOKIE, '', 0);
  }

  // --- a portal login in flight ----------------------------------------------------------------

  /** Returns the state value to send through the broker; the browser keeps the same in a cookie. */
  async startLogin(
    reply: FastifyReply,
    purpose: PortalPurpose,
    personId: string | null,
    returnTo?: string,
  ): Promise<string> {
    const state = newToken();
    await this.#logins.put(state, { purpose, personId, ...(returnTo ? { returnTo } : {}) });
    this.#setCookie(reply, LOGIN_COOKIE, state, LOGIN_SECONDS);
    return state;
  }

  /**
   * Takes the login in flight, once: only when the cookie's value is the state the broker carried.
   * A second use, another browser's state or an expired login finds nothing.
   */
  async takeLogin(req: FastifyRequest, reply: FastifyReply, state: unknown): Promise<LoginInFlight | null> {
    const token = cookieToken(req, LOGIN_COOKIE);
    if (!token || typeof state !== 'string' || token !== state) return null;
    this.#setCookie(reply, LOGIN_COOKIE, '', 0);
    return this.#logins.take(token);
  }

  // --- a self-registration waiting for confirmation --------------------------------------------

  async startRegistration(
    reply: FastifyReply,
    r: { bsn: Bsn; meansId: string; loaAuthn: LoA },
  ): Promise<void> {
    const token = newToken();
    const sealed = this.#secrets.encrypt(
      'bsn-encryption',
      Buffer.from(r.bsn.reveal()),
      `registration:${keyHash(token)}`,
    );
    await this.#registrations.put(token, {
      bsnSealed: sealed.toString('base64'),
      meansId: r.meansId,
      loaAuthn: r.loaAuthn,
    });
    this.#setCookie(reply, REGISTRATION_COOKIE, token, REGISTRATION_SECONDS);
  }

  async registration(req: FastifyRequest): Promise<PendingRegistration | null> {
    const token = cookieToken(req, REGISTRATION_COOKIE);
    if (!token) return null;
    const waiting = await this.#registrations.peek(token);
    return waiting ? { token, meansId: waiting.meansId, loaAuthn: waiting.loaAuthn } : null;
  }

  /** Takes the waiting registration out, once, and unseals its BSN. */
  async takeRegistration(
    reply: FastifyReply,
    pending: PendingRegistration,
  ): Promise<{ bsn: Bsn; meansId: string; loaAuthn: LoA } | null> {
    const waiting = await this.#registrations.take(pending.token);
    this.#setCookie(reply, REGISTRATION_COOKIE, '', 0);
    if (!waiting) return null;
    const digits = this.#secrets
      .decrypt(
        'bsn-encryption',
        Buffer.from(waiting.bsnSealed, 'base64'),
        `registration:${keyHash(pending.token)}`,
      )
      .toString();
    return { bsn: Bsn.parse(digits), meansId: waiting.meansId, loaAuthn: waiting.loaAuthn };
  }

  async purgeExpired(): Promise<void> {
    await this.#db.query('DELETE FROM portal_sessions WHERE expires_at < now()');
  }
}
