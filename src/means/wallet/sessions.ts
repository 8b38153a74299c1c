// Wallet logins between start and finish, in the database so that any instance can serve the QR page,
// the request object, the wallet's response and the callback. Two single-use entries per login: the
// session (its nonce and its response decryption key, sealed) and, once the wallet answered, the
// outcome of the checks (sealed too: a PID's BSN is in it). The state is kept as an HMAC only.
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { isUniqueViolation, type Database } from '../../db/database.ts';
import { keyHash, SingleUseStore } from '../../db/single-use.ts';
import type { Secrets } from '../../secrets.ts';
import { Bsn } from '../bsn.ts';
import type { MeansResult } from '../means.ts';

export const HANDLE = /^[A-Za-z0-9_-]{43}$/;

/** Which way the wallet was reached: the QR code (another device) or the link (this device). */
export type Device = 'qr' | 'link';

export interface WalletLoginSession {
  nonce: string;
  callbackUrl: string;
  /** The ephemeral ECDH-ES key the wallet encrypts its response to (direct_post.jwt). */
  encryptionKey: { privateJwk: JWK; publicJwk: JWK };
}

/** What the wallet's response came to: a result for the broker, or the named check that refused it. */
export type WalletOutcome =
  | { ok: true; result: MeansResult; device: Device; responseCode: string | null }
  | {
      ok: false;
      kind: 'cancelled' | 'invalid_response' | 'credential_refused';
      refusal: string | null;
      message: string;
      device: Device;
      responseCode: string | null;
    };

interface StoredSession {
  meansId: string;
  stateMac: string;
  nonce: string;
  callbackUrl: string;
  encryptionKeySealed: string;
}

interface StoredOutcome {
  sealed: string;
}

/** A BSN hides itself from JSON (logs): sealed, it is kept as its digits and parsed again when taken. */
function toStored(o: WalletOutcome): WalletOutcome {
  if (!o.ok || o.result.subject.kind !== 'bsn') return o;
  return {
    ...o,
    result: { ...o.result, subject: { kind: 'bsn', bsn: o.result.subject.bsn.reveal() as never } },
  };
}

function fromStored(o: WalletOutcome): WalletOutcome {
  if (!o.ok || o.result.subject.kind !== 'bsn') return o;
  const digits = o.result.subject.bsn as unknown as string;
  return { ...o, result: { ...o.result, subject: { kind: 'bsn', bsn: Bsn.parse(digits) } } };
}

export class WalletLoginSessions {
  readonly #secrets: Secrets;
  readonly #sessions: SingleUseStore<StoredSession>;
  readonly #outcomes: SingleUseStore<StoredOutcome>;
  readonly #meansId: string;

  constructor(db: Database, secrets: Secrets, meansId: string, ttlSeconds: number) {
    this.#secrets = secrets;
    this.#meansId = meansId;
    this.#sessions = new SingleUseStore(db, 'wallet.login', ttlSeconds);
    this.#outcomes = new SingleUseStore(db, 'wallet.login.outcome', ttlSeconds);
  }

  #stateMac(state: string): string {
    return this.#secrets.hmac('means-state', `wallet-state:${state}`);
  }

  #seal(handle: string, purpose: string, value: unknown): string {
    return this.#secrets
      .encrypt('means-state', Buffer.from(JSON.stringify(value)), keyHash(`${purpose}:${handle}`))
      .toString('base64');
  }

  #open<T>(handle: string, purpose: string, sealed: string): T {
    return JSON.parse(
      this.#secrets
        .decrypt('means-state', Buffer.from(sealed, 'base64'), keyHash(`${purpose}:${handle}`))
        .toString('utf8'),
    ) as T;
  }

  /** A new login: a handle for its pages, a nonce and a response key of its own. */
  async create(state: string, callbackUrl: string): Promise<string> {
    const handle = randomBytes(32).toString('base64url');
    const { publicKey, privateKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
    const encryptionKey = { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
    await this.#sessions.put(handle, {
      meansId: this.#meansId,
      stateMac: this.#stateMac(state),
      nonce: randomBytes(32).toString('base64url'),
      callbackUrl,
      encryptionKeySealed: this.#seal(handle, 'key', encryptionKey),
    });
    return handle;
  }

  /** A login still waiting, for its pages, its request object and the wallet's response. */
  async pending(handle: string): Promise<WalletLoginSession | null> {
    if (!HANDLE.test(handle)) return null;
    const s = await this.#sessions.peek(handle);
    return s ? this.#toSession(handle, s) : null;
  }

  /** Whether the wallet has answered this login (the page's status). */
  async answered(handle: string): Promise<boolean> {
    return HANDLE.test(handle) && (await this.#outcomes.peek(handle)) !== null;
  }

  /**
   * Keeps the outcome of the wallet's one response. A second response for the same login is refused
   * (false): the first one counts, and a replay cannot overwrite it.
   */
  async answer(handle: string, outcome: WalletOutcome, ttlSeconds: number): Promise<boolean> {
    try {
      await this.#outcomes.put(
        handle,
        { sealed: this.#seal(handle, 'outcome', toStored(outcome)) },
        { ttlSeconds },
      );
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** Takes the login and its outcome once, for the login that started it; null otherwise. */
  async take(
    handle: string,
    state: string,
  ): Promise<{ session: WalletLoginSession; outcome: WalletOutcome | null } | null> {
    if (!HANDLE.test(handle)) return null;
    const s = await this.#sessions.take(handle, { meansId: this.#meansId, stateMac: this.#stateMac(state) });
    if (!s) return null;
    const o = await this.#outcomes.take(handle);
    return {
      session: this.#toSession(handle, s),
      outcome: o ? fromStored(this.#open<WalletOutcome>(handle, 'outcome', o.sealed)) : null,
    };
  }

  #toSession(handle: string, s: StoredSession): WalletLoginSession {
    return {
      nonce: s.nonce,
      callbackUrl: s.callbackUrl,
      encryptionKey: this.#open(handle, 'key', s.encryptionKeySealed),
    };
  }
}
