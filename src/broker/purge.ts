// The broker's share of the periodic purge: its own tables, deleted by the broker and nobody else.
import type { Database } from '../db/database.ts';

export async function purgeBroker(db: Database): Promise<void> {
  await db.query('DELETE FROM broker_transactions WHERE expires_at < now()');
  await db.query('DELETE FROM broker_logins WHERE expires_at < now()');
}
