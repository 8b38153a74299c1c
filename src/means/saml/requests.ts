// Server-side SAML state: the AuthnRequest each login sent (found by its RelayState, taken once),
// a POSTed Response parked until the callback, and the IDs of assertions already accepted (by issuer
// and ID). Every SAML means shares the tables, named digid_* from when DigiD was the only one: a
// RelayState is the login's own random state, so the means cannot meet in them.
import { createHash } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import type { Secrets } from '../../secrets.ts';

export interface PendingRequest {
  requestId: string;
  /** The Response the IdP POSTed to the assertion consumer service, if it used HTTP-POST. */
  responseXml: string | null;
}

export class SamlRequestStore {
  readonly #db: Database;
  readonly #secrets: Secrets;
  readonly #ttlSeconds: number;

  constructor(db: Database, secrets: Secrets, ttlSeconds: number) {
    this.#db = db;
    this.#secrets = secrets;
    this.#ttlSeconds = ttlSeconds;
  }

  #key(relayState: string): string {
    return this.#secrets.hmac('means-state', `digid-relay-state:${relayState}`);
  }

  async put(relayState: string, requestId: string, callbackUrl: string): Promise<void> {
    await this.#db.query(
      `INSERT INTO digid_authn_requests (relay_state_hash, request_id, callback_url, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [this.#key(relayState), requestId, callbackUrl, this.#ttlSeconds],
    );
  }

  /** Where the browser continues for this RelayState; null when no request is pending. */
  async callbackFor(relayState: string): Promise<string | null> {
    const [row] = await this.#db.query<{ callback_url: string }>(
      `SELECT callback_url FROM digid_authn_requests
       WHERE relay_state_hash = $1 AND expires_at > now() AND response_sealed IS NULL`,
      [this.#key(relayState)],
    );
    return row?.callback_url ?? null;
  }

  /** Keeps a POSTed Response for the callback, once per request; null when nothing is pending. */
  async park(relayState: string, responseXml: string): Promise<string | null> {
    const key = this.#key(relayState);
    const [row] = await this.#db.query<{ callback_url: string }>(
      `UPDATE digid_authn_requests SET response_sealed = $2
       WHERE relay_state_hash = $1 AND expires_at > now() AND response_sealed IS NULL
       RETURNING callback_url`,
      [key, this.#secrets.encrypt('means-state', Buffer.from(responseXml, 'utf8'), key)],
    );
    return row?.callback_url ?? null;
  }

  /** Takes the pending request out, once: a second answer for the same login finds nothing. */
  async take(relayState: string): Promise<PendingRequest | null> {
    const key = this.#key(relayState);
    const [row] = await this.#db.query<{ request_id: string; response_sealed: Uint8Array | null }>(
      `DELETE FROM digid_authn_requests WHERE relay_state_hash = $1 AND expires_at > now()
       RETURNING request_id, response_sealed`,
      [key],
    );
    if (!row) return null;
    return {
      requestId: row.request_id,
      responseXml: row.response_sealed
        ? this.#secrets.decrypt('means-state', Buffer.from(row.response_sealed), key).toString('utf8')
        : null,
    };
  }

  /** Records an accepted assertion; false when it was accepted before (a replay). */
  async firstUse(issuer: string, assertionId: string, until: Date): Promise<boolean> {
    const id = createHash('sha256').update(`${issuer}\n${assertionId}`).digest('base64url');
    const rows = await this.#db.query(
      `INSERT INTO digid_assertions_seen (assertion_id, expires_at) VALUES ($1, $2)
       ON CONFLICT (assertion_id) DO NOTHING RETURNING assertion_id`,
      [id, until.toISOString()],
    );
    return rows.length === 1;
  }
}

export async function purgeSamlState(db: Database): Promise<void> {
  await db.query('DELETE FROM digid_authn_requests WHERE expires_at < now()');
  await db.query("DELETE FROM digid_assertions_seen WHERE expires_at < now() - interval '10 minutes'");
}
