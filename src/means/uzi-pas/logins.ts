// The UZI-pas login's server-side half. start() leaves a ticket for the certificate endpoint; the
// endpoint records what the certificate showed and hands back a result token; finish() redeems the
// token once, for the login state it was issued to. Only random tokens travel through the browser.
import { createHash, randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.ts';
import { constantTimeEqual, type Secrets } from '../../secrets.ts';
import { isUziPasRefusal, type UziPasRefusal } from './errors.ts';

export type UziPasOutcome = { uziNummer: string } | { refused: UziPasRefusal };

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** Time to choose a card and enter its PIN. */
const TICKET_TTL_SECONDS = 600;
/** Time for the browser to follow the redirect back to the broker. */
const RESULT_TTL_SECONDS = 120;

function hash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export class UziPasLogins {
  readonly #db: Database;
  readonly #secrets: Secrets;

  constructor(db: Database, secrets: Secrets) {
    this.#db = db;
    this.#secrets = secrets;
  }

  #stateMac(state: string): string {
    return this.#secrets.hmac('means-state', `uzi-pas:${state}`);
  }

  static isToken(value: unknown): value is string {
    return typeof value === 'string' && TOKEN.test(value);
  }

  /** A new ticket for the certificate endpoint, bound to this login's state and callback. */
  async open(state: string, callbackUrl: string): Promise<string> {
    const ticket = randomBytes(32).toString('base64url');
    await this.#db.query('DELETE FROM uzi_pas_logins WHERE expires_at < now()');
    await this.#db.query(
      `INSERT INTO uzi_pas_logins (ticket_hash, state_mac, callback_url, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [hash(ticket), this.#stateMac(state), callbackUrl, TICKET_TTL_SECONDS],
    );
    return ticket;
  }

  /** Whether the ticket is open (unexpired and not yet used). */
  async isOpen(ticket: string): Promise<boolean> {
    const rows = await this.#db.query(
      'SELECT 1 FROM uzi_pas_logins WHERE ticket_hash = $1 AND result_hash IS NULL AND expires_at > now()',
      [hash(ticket)],
    );
    return rows.length === 1;
  }

  /**
   * Records the outcome on an open ticket, once; returns the callback URL with the result token, or
   * null when the ticket is unknown, expired or already used. `db`: a transaction to take part in.
   */
  async settle(ticket: string, outcome: UziPasOutcome, db: Queryable = this.#db): Promise<string | null> {
    const result = randomBytes(32).toString('base64url');
    const [row] = await db.query<{ callback_url: string }>(
      `UPDATE uzi_pas_logins SET result_hash = $2, outcome = $3,
         expires_at = least(expires_at, now() + make_interval(secs => $4))
       WHERE ticket_hash = $1 AND result_hash IS NULL AND expires_at > now()
       RETURNING callback_url`,
      [hash(ticket), hash(result), JSON.stringify(outcome), RESULT_TTL_SECONDS],
    );
    if (!row) return null;
    const url = new URL(row.callback_url);
    url.searchParams.set('result', result);
    return url.href;
  }

  /**
   * A refused ticket shown again (the page reloaded, or switched to English): a fresh result token
   * replaces the earlier one, which only ever carried the refusal. Accepted tickets are never shown
   * again. Null when the ticket holds no refusal (any more).
   */
  async reissueRefusal(ticket: string): Promise<{ url: string; refused: UziPasRefusal } | null> {
    const result = randomBytes(32).toString('base64url');
    const [row] = await this.#db.query<{ callback_url: string; outcome: unknown }>(
      `UPDATE uzi_pas_logins SET result_hash = $2
       WHERE ticket_hash = $1 AND result_hash IS NOT NULL AND outcome ? 'refused' AND expires_at > now()
       RETURNING callback_url, outcome`,
      [hash(ticket), hash(result)],
    );
    if (!row) return null;
    const outcome = parseOutcome(row.outcome);
    if (!outcome || !('refused' in outcome)) return null;
    const url = new URL(row.callback_url);
    url.searchParams.set('result', result);
    return { url: url.href, refused: outcome.refused };
  }

  /** Redeems a result token once, for the state it was issued to; null when it is not (any more). */
  async redeem(result: string, expectedState: string): Promise<UziPasOutcome | null> {
    const [row] = await this.#db.query<{ state_mac: string; outcome: unknown }>(
      `DELETE FROM uzi_pas_logins WHERE result_hash = $1 AND expires_at > now()
       RETURNING state_mac, outcome`,
      [hash(result)],
    );
    if (!row || !constantTimeEqual(row.state_mac, this.#stateMac(expectedState))) return null;
    return parseOutcome(row.outcome);
  }
}

function parseOutcome(value: unknown): UziPasOutcome | null {
  const outcome = (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
  if (typeof outcome.uziNummer === 'string') return { uziNummer: outcome.uziNummer };
  if (isUziPasRefusal(outcome.refused)) return { refused: outcome.refused };
  return null;
}
