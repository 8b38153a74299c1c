// Notifications to subscribers. A change of a citizen's choices (Choices.change) calls enqueue() in
// its own transaction: one delivery row per active subscription of that citizen, due now, so that a
// change and its notifications are committed together or not at all. The row holds no message (the
// message holds the BSN): a worker builds the Bundle when it delivers, from the choices as they stand
// then, and POSTs it to the subscriber's endpoint.
//
// Several instances may run the worker: a row is claimed with FOR UPDATE SKIP LOCKED in one UPDATE
// that also moves it out of reach for CLAIM_LEASE_SECONDS (an instance that dies mid-attempt leaves it
// to another after that). A failed attempt is retried after RETRY_DELAYS_SECONDS[attempt - 1]; after
// the last one the row is failed. Every attempt is audited (mitz.notification) and logged, neither
// with the BSN nor the endpoint's query.
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.ts';
import type { Queryable } from '../db/database.ts';
import { categoryOfFacility } from './codes.ts';
import { FHIR_MEDIA, writeFhir } from './fhir.ts';
import { notificationBundle } from './notification-bundle.ts';
import type { MitzServices } from './services.ts';
import { findSubscription, type StoredSubscription } from './subscription-store.ts';

/**
 * The wait before each retry, in seconds: doubling from 1 s to 2048 s (34 minutes), then hourly. With
 * the first attempt that is 35 attempts over about 23 hours; then the delivery is given up (failed).
 */
export const RETRY_DELAYS_SECONDS: readonly number[] = [
  ...Array.from({ length: 12 }, (_, i) => 2 ** i),
  ...Array.from({ length: 22 }, () => 3600),
];
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
/** How long a subscriber may take to answer. */
export const DELIVERY_TIMEOUT_MS = 5000;
/** A claimed row is out of other workers' reach this long (well over one attempt). */
const CLAIM_LEASE_SECONDS = 60;
/** Rows one worker claims per round; they are delivered in parallel. */
const BATCH = 10;
/** Delivered and failed rows are kept this long (what the operator can look back on), then purged. */
export const KEEP_DAYS = 30;
const DEFAULT_POLL_MS = 1000;

interface Claimed {
  id: string;
  subscription_id: string;
  attempts: number;
}

/** The endpoint as a log line may show it: no query (it may hold a token or an identifier). */
function endpointForLog(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(unreadable)';
  }
}

/** Why a request failed, in a word or two: never the URL. */
function failureOf(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string } } | null;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  return 'request failed';
}

export class Notifier {
  readonly #s: MitzServices;
  #timer: NodeJS.Timeout | null = null;
  #round: Promise<void> | null = null;
  #stopping = false;

  constructor(s: MitzServices) {
    this.#s = s;
  }

  /**
   * In the change's transaction: a delivery for each active subscription of the citizen. A delivery
   * of that subscription that no worker has taken yet already carries this change (the message is
   * made when it is sent), so none is added for it. Its row is locked (the UPDATE) until this
   * transaction commits, so that a worker cannot take it and read the choices before the change.
   */
  async enqueue(tx: Queryable, citizenId: string): Promise<void> {
    const subscriptions = await tx.query<{ id: string }>(
      `SELECT id FROM mitz_subscriptions WHERE citizen_id = $1 AND status = 'active'`,
      [citizenId],
    );
    for (const { id } of subscriptions) {
      const waiting = await tx.query(
        `UPDATE mitz_deliveries SET next_attempt_at = least(next_attempt_at, now())
          WHERE subscription_id = $1 AND status = 'pending' AND attempts = 0 RETURNING id`,
        [id],
      );
      if (waiting.length === 0)
        await tx.query('INSERT INTO mitz_deliveries (id, subscription_id) VALUES ($1, $2)', [
          randomUUID(),
          id,
        ]);
    }
  }

  start(): void {
    if (this.#timer) return;
    this.#stopping = false;
    this.#timer = setInterval(() => void this.runOnce(), this.#s.config.deliveryPollMs ?? DEFAULT_POLL_MS);
    this.#timer.unref();
  }

  /** Stops the worker; waits for the attempts in flight. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#round;
  }

  /** One round: claims what is due and delivers it, until nothing is due. One round at a time. */
  async runOnce(): Promise<void> {
    if (this.#round) return this.#round;
    this.#round = (async () => {
      try {
        while (!this.#stopping) {
          const claimed = await this.#claim();
          await Promise.all(claimed.map((row) => this.#attempt(row)));
          if (claimed.length < BATCH) break;
        }
      } catch (err) {
        this.#s.log.warn({ err: { message: (err as Error).message } }, 'mitz notification round failed');
      } finally {
        this.#round = null;
      }
    })();
    return this.#round;
  }

  async purge(): Promise<void> {
    const db = this.#s.db;
    await db.query(
      `DELETE FROM mitz_deliveries WHERE status <> 'pending' AND created_at < now() - make_interval(days => $1)`,
      [KEEP_DAYS],
    );
    await db.query(
      `DELETE FROM mitz_subscriptions s
        WHERE s.status = 'off' AND s.ended_at < now() - make_interval(days => $1)
          AND NOT EXISTS (SELECT 1 FROM mitz_deliveries d WHERE d.subscription_id = s.id)`,
      [KEEP_DAYS],
    );
  }

  async #claim(): Promise<Claimed[]> {
    return this.#s.db.query<Claimed>(
      `UPDATE mitz_deliveries SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
        WHERE id IN (SELECT id FROM mitz_deliveries WHERE status = 'pending' AND next_attempt_at <= now()
                      ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, subscription_id, attempts`,
      [BATCH, CLAIM_LEASE_SECONDS],
    );
  }

  async #attempt(row: Claimed): Promise<void> {
    const s = this.#s;
    try {
      const sub = await findSubscription(s.db, row.subscription_id);
      if (!sub || sub.status !== 'active') return await this.#giveUp(row, 'subscription ended');
      if (row.attempts > MAX_ATTEMPTS) return await this.#giveUp(row, 'no attempts left');
      const body = await this.#message(sub);
      if (!body)
        return await this.#finish(row, sub, { status: null, error: 'cannot build the notification' }, true);
      let status: number | null = null;
      let error: string | null = null;
      try {
        // No redirects: the message goes to the endpoint the subscriber registered, nowhere else.
        const res = await fetch(sub.endpoint, {
          method: 'POST',
          headers: {
            'content-type': `${FHIR_MEDIA[sub.payload]}; charset=utf-8`,
            accept: FHIR_MEDIA[sub.payload],
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        });
        status = res.status;
        await res.body?.cancel().catch(() => undefined);
      } catch (err) {
        error = failureOf(err);
      }
      await this.#finish(row, sub, { status, error }, false);
    } catch (err) {
      // The database or a key failed us: the lease makes the row due again later.
      s.log.warn(
        { delivery: row.id, subscription: row.subscription_id, err: { message: (err as Error).message } },
        'mitz notification attempt failed',
      );
    }
  }

  /** The Bundle in the subscriber's format; null when the subscription can no longer be answered. */
  async #message(sub: StoredSubscription): Promise<string | null> {
    const bsn = await this.#s.citizens.bsnOf(sub.citizenId);
    const dossierhouder = categoryOfFacility(sub.providerType);
    if (!bsn || !dossierhouder) return null;
    const choices = await this.#s.choices.current(sub.citizenId);
    return writeFhir(
      notificationBundle({
        bsn: bsn.reveal(),
        ura: sub.providerUra,
        providerType: sub.providerType,
        dossierhouder,
        choices,
      }),
      sub.payload,
    );
  }

  async #giveUp(row: Claimed, reason: string): Promise<void> {
    await this.#s.db.query(`UPDATE mitz_deliveries SET status = 'failed', last_error = $2 WHERE id = $1`, [
      row.id,
      reason,
    ]);
  }

  async #finish(
    row: Claimed,
    sub: StoredSubscription,
    r: { status: number | null; error: string | null },
    permanent: boolean,
  ): Promise<void> {
    const s = this.#s;
    const ok = r.status !== null && r.status >= 200 && r.status < 300;
    const last = permanent || row.attempts >= MAX_ATTEMPTS;
    const error = ok ? null : (r.error ?? `HTTP ${r.status}`);
    const retryIn = RETRY_DELAYS_SECONDS[row.attempts - 1] ?? 0;
    await s.db.transaction(async (tx) => {
      if (ok)
        await tx.query(
          `UPDATE mitz_deliveries SET status = 'delivered', delivered_at = now(), last_status = $2, last_error = NULL
            WHERE id = $1`,
          [row.id, r.status],
        );
      else if (last)
        await tx.query(
          `UPDATE mitz_deliveries SET status = 'failed', last_status = $2, last_error = $3 WHERE id = $1`,
          [row.id, r.status, error],
        );
      else
        await tx.query(
          `UPDATE mitz_deliveries SET next_attempt_at = now() + make_interval(secs => $2), last_status = $3,
                  last_error = $4
            WHERE id = $1`,
          [row.id, retryIn, r.status, error],
        );
      await recordAudit(tx, {
        actor: { kind: 'system', abonneeNummer: sub.abonneeNummer ?? undefined, clientId: sub.clientId },
        action: 'mitz.notification',
        outcome: ok ? 'success' : 'failure',
        target: `citizen:${sub.citizenId}`,
        detail: {
          subscription: sub.id,
          delivery: row.id,
          attempt: row.attempts,
          httpStatus: r.status,
          ...(ok ? {} : { error, retryInSeconds: last ? null : retryIn }),
        },
      });
    });
    const line = {
      subscription: sub.id,
      delivery: row.id,
      attempt: row.attempts,
      httpStatus: r.status,
      endpoint: endpointForLog(sub.endpoint),
    };
    if (ok) s.log.info(line, 'mitz notification delivered');
    else
      s.log.warn(
        { ...line, error, retryInSeconds: last ? null : retryIn },
        last ? 'mitz notification failed, given up' : 'mitz notification failed, will retry',
      );
  }
}
