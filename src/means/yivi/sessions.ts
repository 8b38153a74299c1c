// Yivi sessions between start and finish, in the database so that any instance can show the QR
// page and finish the login. Holds no attribute value; the requestor token is sealed.
import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import type { Secrets } from '../../secrets.ts';
import type { SessionPointer } from './irma-server.ts';

export const HANDLE = /^[A-Za-z0-9_-]{43}$/;

export interface YiviSession {
  meansId: string;
  requestorToken: string;
  sessionPtr: SessionPointer;
  callbackUrl: string;
}

interface Row {
  handle_hash: string;
  means_id: string;
  requestor_token_sealed: Uint8Array;
  session_ptr: SessionPointer;
  callback_url: string;
}

export class YiviSessionStore {
  readonly #db: Database;
  readonly #secrets: Secrets;
  readonly #ttlSeconds: number;

  constructor(db: Database, secrets: Secrets, ttlSeconds: number) {
    this.#db = db;
    this.#secrets = secrets;
    this.#ttlSeconds = ttlSeconds;
  }

  #hash(kind: 'handle' | 'state', value: string): string {
    return this.#secrets.hmac('means-state', `yivi-${kind}:${value}`);
  }

  /** Stores a started session; returns the handle the QR page is addressed by. */
  async create(state: string, s: YiviSession): Promise<string> {
    const handle = randomBytes(32).toString('base64url');
    const handleHash = this.#hash('handle', handle);
    await this.#db.query('DELETE FROM means_yivi_sessions WHERE expires_at < now()');
    await this.#db.query(
      `INSERT INTO means_yivi_sessions
         (handle_hash, means_id, state_hash, requestor_token_sealed, session_ptr, callback_url, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))`,
      [
        handleHash,
        s.meansId,
        this.#hash('state', state),
        this.#secrets.encrypt('means-state', Buffer.from(s.requestorToken), handleHash),
        JSON.stringify(s.sessionPtr),
        s.callbackUrl,
        this.#ttlSeconds,
      ],
    );
    return handle;
  }

  /** A session still waiting for its result, for the QR page. */
  async pending(handle: string): Promise<YiviSession | null> {
    if (!HANDLE.test(handle)) return null;
    const [row] = await this.#db.query<Row>(
      `SELECT handle_hash, means_id, requestor_token_sealed, session_ptr, callback_url
       FROM means_yivi_sessions WHERE handle_hash = $1 AND finished_at IS NULL AND expires_at > now()`,
      [this.#hash('handle', handle)],
    );
    return row ? this.#toSession(row) : null;
  }

  /**
   * Takes the session once, and only for the login that started it: a handle of another login, a
   * used or an expired one finds nothing.
   */
  async take(handle: string, meansId: string, state: string): Promise<YiviSession | null> {
    if (!HANDLE.test(handle)) return null;
    const [row] = await this.#db.query<Row>(
      `UPDATE means_yivi_sessions SET finished_at = now()
       WHERE handle_hash = $1 AND means_id = $2 AND state_hash = $3
         AND finished_at IS NULL AND expires_at > now()
       RETURNING handle_hash, means_id, requestor_token_sealed, session_ptr, callback_url`,
      [this.#hash('handle', handle), meansId, this.#hash('state', state)],
    );
    return row ? this.#toSession(row) : null;
  }

  #toSession(row: Row): YiviSession {
    return {
      meansId: row.means_id,
      requestorToken: this.#secrets
        .decrypt('means-state', Buffer.from(row.requestor_token_sealed), row.handle_hash)
        .toString('utf8'),
      sessionPtr: typeof row.session_ptr === 'string' ? JSON.parse(row.session_ptr) : row.session_ptr,
      callbackUrl: row.callback_url,
    };
  }
}
