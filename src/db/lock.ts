// Transaction-scoped advisory locks for work that must run once however many instances start
// together (migrations, the proeftuin seed). The wait is a series of short tries, not one statement
// that blocks: every statement has a bound (statement_timeout and query_timeout in database.ts, so
// that a database that is down gives a quick 503), and the holder may need longer than that.
import type { Queryable } from './database.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the advisory lock `key` for the rest of the transaction tx, waiting while another session
 * holds it; after `timeoutMs` (5 minutes by default) an error naming `what`.
 */
export async function waitForAdvisoryLock(
  tx: Queryable,
  key: number,
  what: string,
  timeoutMs = 300_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
    const [row] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
      key,
    ]);
    if (row?.locked) return;
    if (Date.now() >= deadline)
      throw new Error(
        `waited ${Math.round(timeoutMs / 1000)} s for the ${what} lock; another instance still holds it`,
      );
    await sleep(pause);
  }
}
