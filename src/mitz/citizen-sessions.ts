// MijnMitz's browser-bound state: a DigiD login in flight and the citizen's session. Each is bound to
// the browser by an HttpOnly cookie (path /mitz) that holds a random token; the server keeps only the
// token's hash and the citizen id, never the BSN. A session ends after IDLE_SECONDS without a request
// and, however busy, after MAX_SECONDS.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { SingleUseStore } from '../db/single-use.ts';
import { parseCookies, type Web } from '../web/web.ts';

export const SESSION_COOKIE = 'mitz_sessie';
export const LOGIN_COOKIE = 'mitz_inloggen';
export const COOKIE_PATH = '/mitz';
export const IDLE_SECONDS = 15 * 60;
export const MAX_SECONDS = 4 * 60 * 60;
/** How long a person may take at DigiD. */
export const LOGIN_SECONDS = 10 * 60;

export interface CitizenSession {
  citizenId: string;
  /** What the session's CSRF tokens are bound to. */
  binding: string;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const newToken = () => randomBytes(32).toString('base64url');
const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

function cookieToken(req: FastifyRequest, name: string): string | null {
  const value = parseCookies(req.headers.cookie)[name];
  return value && TOKEN.test(value) ? value : null;
}

export class CitizenSessions {
  readonly #db: Database;
  readonly #web: Web;
  /** A login in flight holds nothing but its existence: the state is the key. */
  readonly #logins: SingleUseStore<{ started: true }>;

  constructor(db: Database, web: Web) {
    this.#db = db;
    this.#web = web;
    this.#logins = new SingleUseStore(db, 'mitz.login', LOGIN_SECONDS);
  }

  #setCookie(reply: FastifyReply, name: string, value: string, maxAge?: number): void {
    reply.header('set-cookie', this.#web.cookieHeader(name, value, { path: COOKIE_PATH, maxAge }));
  }

  // --- a DigiD login in flight -------------------------------------------------------------------

  /** The state to send through DigiD (its RelayState); the browser keeps the same in a cookie. */
  async startLogin(reply: FastifyReply): Promise<string> {
    const state = newToken();
    await this.#logins.put(state, { started: true });
    this.#setCookie(reply, LOGIN_COOKIE, state, LOGIN_SECONDS);
    return state;
  }

  /**
   * Takes this browser's login in flight, once, and clears its cookie. Null when the browser has none
   * (another browser, or the cookie already cleared by an earlier callback), when it was taken before
   * (a replay) or expired. `matches` says whether the callback carried this browser's state.
   */
  async takeLogin(
    req: FastifyRequest,
    reply: FastifyReply,
    state: unknown,
  ): Promise<{ token: string; matches: boolean } | null> {
    const token = cookieToken(req, LOGIN_COOKIE);
    if (!token) return null;
    this.#setCookie(reply, LOGIN_COOKIE, '', 0);
    if (!(await this.#logins.take(token))) return null;
    return { token, matches: state === token };
  }

  // --- the session -------------------------------------------------------------------------------

  async start(reply: FastifyReply, citizenId: string): Promise<void> {
    const token = newToken();
    // Each new session sweeps the expired ones: the table holds live sessions and few others.
    await this.#db.query('DELETE FROM mitz_sessions WHERE expires_at < now()');
    await this.#db.query(
      `INSERT INTO mitz_sessions (token_hash, citizen_id, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3))`,
      [hashToken(token), citizenId, IDLE_SECONDS],
    );
    // No Max-Age: the cookie goes when the browser closes; the server decides when the session ends.
    this.#setCookie(reply, SESSION_COOKIE, token);
  }

  /**
   * The live session of this browser, its idle time restarted (one statement). `stale` says that the
   * browser still carried a session cookie that no longer counts (expired, or logged out elsewhere).
   */
  async current(req: FastifyRequest): Promise<{ session: CitizenSession | null; stale: boolean }> {
    const token = cookieToken(req, SESSION_COOKIE);
    if (!token)
      return { session: null, stale: parseCookies(req.headers.cookie)[SESSION_COOKIE] !== undefined };
    const hash = hashToken(token);
    const [row] = await this.#db.query<{ citizen_id: string }>(
      `UPDATE mitz_sessions
          SET expires_at = LEAST(now() + make_interval(secs => $2), created_at + make_interval(secs => $3))
        WHERE token_hash = $1 AND expires_at > now()
        RETURNING citizen_id`,
      [hash, IDLE_SECONDS, MAX_SECONDS],
    );
    return row
      ? { session: { citizenId: row.citizen_id, binding: `mitz:${hash}` }, stale: false }
      : { session: null, stale: true };
  }

  async end(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = cookieToken(req, SESSION_COOKIE);
    if (token) await this.#db.query('DELETE FROM mitz_sessions WHERE token_hash = $1', [hashToken(token)]);
    this.#setCookie(reply, SESSION_COOKIE, '', 0);
  }

  /** Clears a session cookie that no longer counts, so that the browser stops sending it. */
  forget(reply: FastifyReply): void {
    this.#setCookie(reply, SESSION_COOKIE, '', 0);
  }
}
