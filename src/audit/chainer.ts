// Each instance chains the audit records in the background, about once a second, so that a record is
// protected by the hash chain soon after it was written while its insert (on the login's path) takes
// no lock. Instances chain in turn: the database function takes the chain's advisory lock, and an
// instance that finds it taken leaves the work to the holder. On close the instance chains what is
// left, waiting for the lock, so that a stopped instance leaves nothing it wrote unchained.
import type { Queryable } from '../db/database.ts';
import { chainAudit } from './audit.ts';

export const AUDIT_CHAIN_INTERVAL_MS = 1000;

interface Log {
  warn(o: object, msg: string): void;
  info(o: object, msg: string): void;
}

export class AuditChainer {
  readonly #db: Queryable;
  readonly #log: Log;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #failing = false;

  constructor(db: Queryable, log: Log, intervalMs = AUDIT_CHAIN_INTERVAL_MS) {
    this.#db = db;
    this.#log = log;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.run(false), this.#intervalMs);
    this.#timer.unref();
  }

  /** One round; a round still running is joined, not doubled. */
  run(wait: boolean): Promise<void> {
    if (this.#running) return wait ? this.#running.then(() => this.run(true)) : this.#running;
    this.#running = chainAudit(this.#db, { wait })
      .then(() => {
        if (this.#failing) this.#log.info({}, 'audit chaining works again');
        this.#failing = false;
      })
      .catch((err: unknown) => {
        // The database is away or overloaded: the records wait, unchained; say so once, not every second.
        if (!this.#failing)
          this.#log.warn({ err: { message: (err as Error).message } }, 'audit chaining failed');
        this.#failing = true;
      })
      .finally(() => {
        this.#running = null;
      });
    return this.#running;
  }

  /** Stops the schedule and chains what this instance (or any other) left unchained. */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.run(true);
  }
}
