// Yivi sessions between start and finish, in the database so that any instance can show the QR
// page and finish the login. Holds no attribute value; the requestor token is sealed.
import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import { keyHash, SingleUseStore } from '../../db/single-use.ts';
import type { Secrets } from '../../secrets.ts';
import type { SessionPointer } from './irma-server.ts';

export const HANDLE = /^[A-Za-z0-9_-]{43}$/;

export interface YiviSession {
  meansId: string;
  requestorToken: string;
  sessionPtr: SessionPointer;
  callbackUrl: string;
}

/** What is stored: the requestor token sealed (bound to the handle's key), the state as an HMAC. */
interface Stored {
  meansId: string;
  stateMac: string;
  requestorTokenSealed: string;
  sessionPtr: SessionPointer;
  callbackUrl: string;
}

export class YiviSessionStore {
  readonly #secrets: Secrets;
  readonly #store: SingleUseStore<Stored>;

  constructor(db: Database, secrets: Secrets, ttlSeconds: number) {
    this.#secrets = secrets;
    this.#store = new SingleUseStore(db, 'yivi.session', ttlSeconds);
  }

  #stateMac(state: string): string {
    return this.#secrets.hmac('means-state', `yivi-state:${state}`);
  }

  /** Stores a started session; returns the handle the QR page is addressed by. */
  async create(state: string, s: YiviSession): Promise<string> {
    const handle = randomBytes(32).toString('base64url');
    await this.#store.put(handle, {
      meansId: s.meansId,
      stateMac: this.#stateMac(state),
      requestorTokenSealed: this.#secrets
        .encrypt('means-state', Buffer.from(s.requestorToken), keyHash(handle))
        .toString('base64'),
      sessionPtr: s.sessionPtr,
      callbackUrl: s.callbackUrl,
    });
    return handle;
  }

  /** A session still waiting for its result, for the QR page. */
  async pending(handle: string): Promise<YiviSession | null> {
    if (!HANDLE.test(handle)) return null;
    const stored = await this.#store.peek(handle);
    return stored ? this.#toSession(handle, stored) : null;
  }

  /**
   * Takes the session once, and only for the login that started it: a handle of another login, a
   * used or an expired one finds nothing (and leaves the session to its own login).
   */
  async take(handle: string, meansId: string, state: string): Promise<YiviSession | null> {
    if (!HANDLE.test(handle)) return null;
    const stored = await this.#store.take(handle, { meansId, stateMac: this.#stateMac(state) });
    return stored ? this.#toSession(handle, stored) : null;
  }

  #toSession(handle: string, s: Stored): YiviSession {
    return {
      meansId: s.meansId,
      requestorToken: this.#secrets
        .decrypt('means-state', Buffer.from(s.requestorTokenSealed, 'base64'), keyHash(handle))
        .toString('utf8'),
      sessionPtr: s.sessionPtr,
      callbackUrl: s.callbackUrl,
    };
  }
}
