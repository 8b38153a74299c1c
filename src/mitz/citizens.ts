// Mitz's citizens: the only code that turns a BSN into what Mitz's tables hold. As the register's
// vault does, it seals the BSN (AES-256-GCM, the citizen id bound as additional data) and finds it
// through a keyed blind index (HMAC-SHA-256), but under keys of Mitz's own purpose, so that Mitz's
// store and the register cannot be joined on the index. Everything else in Mitz names a citizen by
// the id made here.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { Bsn } from '../means/bsn.ts';
import type { Secrets } from '../secrets.ts';

export class Citizens {
  readonly #db: Queryable;
  readonly #secrets: Secrets;

  constructor(db: Queryable, secrets: Secrets) {
    this.#db = db;
    this.#secrets = secrets;
  }

  index(bsn: Bsn): string {
    return this.#secrets.hmac('mitz-bsn-blind-index', bsn.reveal());
  }

  /** The citizen's id, or null when Mitz has never heard of this BSN. */
  async find(bsn: Bsn, db: Queryable = this.#db): Promise<string | null> {
    const [row] = await db.query<{ id: string }>('SELECT id FROM mitz_citizens WHERE bsn_index = $1', [
      this.index(bsn),
    ]);
    return row?.id ?? null;
  }

  /** The citizen's id, made on first sight (a login, a choice recorded for them, a subscription). */
  async ensure(bsn: Bsn, db: Queryable = this.#db): Promise<string> {
    const id = randomUUID();
    const sealed = this.#secrets.encrypt('mitz-bsn-encryption', Buffer.from(bsn.reveal()), id);
    // Of two requests racing for one new citizen, one inserts and both read the same row.
    await db.query(
      `INSERT INTO mitz_citizens (id, bsn_index, bsn_sealed, sealed_with) VALUES ($1, $2, $3, $4)
       ON CONFLICT (bsn_index) DO NOTHING`,
      [id, this.index(bsn), sealed, this.#secrets.keyId],
    );
    const found = await this.find(bsn, db);
    if (!found) throw new Error('citizen row missing after insert');
    return found;
  }

  /** The citizen's BSN, for the one place that must send it: a notification to a dossierhouder. */
  async bsnOf(citizenId: string, db: Queryable = this.#db): Promise<Bsn | null> {
    const [row] = await db.query<{ bsn_sealed: Uint8Array; sealed_with: string }>(
      'SELECT bsn_sealed, sealed_with FROM mitz_citizens WHERE id = $1',
      [citizenId],
    );
    if (!row) return null;
    if (row.sealed_with !== this.#secrets.keyId)
      throw new Error(`BSN sealed with key ${row.sealed_with}, current key is ${this.#secrets.keyId}`);
    return Bsn.parse(
      this.#secrets.decrypt('mitz-bsn-encryption', Buffer.from(row.bsn_sealed), citizenId).toString(),
    );
  }
}
