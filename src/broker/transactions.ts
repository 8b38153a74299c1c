// The broker's in-flight login state, keyed by oidc-provider's interaction uid and stored in the
// database so that a restart or another instance can finish the login. Never holds a BSN.
import type { Database } from '../db/database.ts';
import type { LoA } from '../means/loa.ts';

export interface BrokerTransaction {
  minimumLoa: LoA;
  /** The means the person chose, and the state value it must return. */
  meansId?: string;
  meansState?: string;
  /** Set once a means has identified the person in the register. */
  personId?: string;
  loaAuthn?: LoA;
  authenticatedWith?: string;
  /**
   * What a step that consumed one-time input (a means callback) decided, for the outcome page to
   * show: that step redirects there instead of rendering a page in place (Post/Redirect/Get), so
   * that reloading the page or switching its language shows the same outcome again.
   */
  outcome?: BrokerOutcome;
}

/** A refusal that ends this way of logging in, with a page that says why. */
export type BrokerProblem =
  | 'unknown_person'
  /** A means whose subject names a person only through a link, not linked to anyone yet. */
  | 'means_not_linked'
  | 'person_inactive'
  | 'no_employment'
  | 'means_failed'
  | 'means_cancelled'
  | 'credential_refused'
  | 'credential_employment_ended';

export type BrokerOutcome =
  /** registrationOffered: the portal offered this browser to register (it keeps the offer itself). */
  | { kind: 'problem'; problem: BrokerProblem; registrationOffered?: boolean }
  /** The means did not answer: the other means, to go on with. */
  | { kind: 'means_unavailable'; meansId: string }
  /** The means answered below the login's minimum (reached: its level, when known). */
  | { kind: 'loa_too_low'; meansId: string; reached: LoA | null };

export class TransactionStore {
  readonly #db: Database;
  readonly #ttlSeconds: number;

  constructor(db: Database, ttlSeconds: number) {
    this.#db = db;
    this.#ttlSeconds = ttlSeconds;
  }

  async get(uid: string): Promise<BrokerTransaction | null> {
    const [row] = await this.#db.query<{ state: BrokerTransaction }>(
      'SELECT state FROM broker_transactions WHERE interaction_uid = $1 AND expires_at > now()',
      [uid],
    );
    return row?.state ?? null;
  }

  async put(uid: string, state: BrokerTransaction): Promise<void> {
    await this.#db.query(
      `INSERT INTO broker_transactions (interaction_uid, state, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (interaction_uid) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at`,
      [uid, JSON.stringify(state), this.#ttlSeconds],
    );
  }

  /**
   * Takes the means state out of the transaction, once: a callback replayed with the same state
   * finds nothing. Returns null when there was no pending means round trip for this means.
   */
  async takeMeansState(uid: string, meansId: string): Promise<BrokerTransaction | null> {
    const [row] = await this.#db.query<{ state: BrokerTransaction }>(
      `UPDATE broker_transactions t SET state = t.state - 'meansState'
       FROM (SELECT state FROM broker_transactions WHERE interaction_uid = $1 FOR UPDATE) old
       WHERE t.interaction_uid = $1 AND t.expires_at > now()
         AND old.state->>'meansId' = $2 AND old.state ? 'meansState'
       RETURNING old.state`,
      [uid, meansId],
    );
    return row?.state ?? null;
  }

  /**
   * Records an outcome on the transaction, keeping what it holds (a login waiting for the choice of
   * employment stays possible) but not a pending means state; creates it when there is none.
   */
  async setOutcome(uid: string, minimumLoa: LoA, outcome: BrokerOutcome): Promise<void> {
    await this.#db.query(
      `INSERT INTO broker_transactions (interaction_uid, state, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (interaction_uid) DO UPDATE
         SET state = CASE WHEN broker_transactions.expires_at > now()
               THEN (broker_transactions.state - 'meansState') || jsonb_build_object('outcome', excluded.state->'outcome')
               ELSE excluded.state END,
             expires_at = excluded.expires_at`,
      [uid, JSON.stringify({ minimumLoa, outcome }), this.#ttlSeconds],
    );
  }

  async delete(uid: string): Promise<void> {
    await this.#db.query('DELETE FROM broker_transactions WHERE interaction_uid = $1', [uid]);
  }
}
