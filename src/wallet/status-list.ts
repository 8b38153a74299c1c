// IETF Token Status List (draft-ietf-oauth-status-list) for the credentials in wallets: each credential
// gets a random index in a list; revoking sets its bit in the transaction of the change that made the
// verklaring untrue; the signed list (a statuslist+jwt) is built from the table and served from a
// cache for its `ttl`, as the draft expects verifiers to cache it.
//
// Encoding and compression are @sd-jwt/jwt-status-list's; the table keeps the bytes that encoding
// compresses, so that a revocation is one set_bit and the list is never read into a process to change.
import { randomInt, randomUUID } from 'node:crypto';
import { StatusList } from '@sd-jwt/jwt-status-list';
import type { Database, Queryable } from '../db/database.ts';

/** Entries per list: 2^17, 16 KiB of bits; a list holds at most half that many credentials. */
export const STATUS_LIST_SIZE = 131_072;
/** How long a verifier may cache the list (`ttl`), and how long this process serves one it built. */
export const STATUS_LIST_TTL_SECONDS = 300;
/** How long a signed list is valid (`exp`): long enough to ride out an outage of this endpoint. */
export const STATUS_LIST_VALIDITY_SECONDS = 24 * 3600;

export const REVOKED = 1;
export const VALID = 0;

/** A credential's place in a list: the `status.status_list` claim without its uri. */
export interface StatusEntry {
  listId: string;
  idx: number;
}

/** Signs a status list token: the issuer's key, ES256, its x5c in the header. */
export type StatusListSigner = (
  payload: Record<string, unknown>,
  header: Record<string, unknown>,
) => Promise<string>;

/** The compressed form of a list's bytes (the `lst` member), by the library's encoder. */
export function compressList(bits: Uint8Array, size: number): string {
  const statuses = new Array<number>(size);
  for (let i = 0; i < size; i++) statuses[i] = (bits[i >> 3]! >> (i & 7)) & 1;
  return new StatusList(statuses, 1).compressStatusList();
}

export class StatusLists {
  readonly #db: Database;
  readonly #size: number;
  readonly #cache = new Map<string, { token: string; until: number }>();

  constructor(db: Database, o: { size?: number } = {}) {
    this.#db = db;
    this.#size = o.size ?? STATUS_LIST_SIZE;
    if (this.#size <= 0 || this.#size % 8 !== 0)
      throw new RangeError('a status list size is a multiple of 8');
  }

  /**
   * A free random index in a list less than half full, in the caller's transaction (so that a
   * credential that is not issued after all frees it again). A full list is followed by a new one.
   */
  async allocate(tx: Queryable): Promise<StatusEntry> {
    // The row lock keeps two issuers from drawing in one list at the same time.
    const [list] = await tx.query<{ id: string; size: number; taken: Uint8Array }>(
      `SELECT id, size, taken FROM wallet_status_lists WHERE allocated * 2 < size
       ORDER BY created_at, id LIMIT 1 FOR UPDATE`,
    );
    const current = list
      ? { id: list.id, size: Number(list.size), taken: new Uint8Array(list.taken) }
      : await this.#newList(tx);
    // At most half is taken, so a draw is free at least every other time.
    let idx: number;
    do idx = randomInt(current.size);
    while ((current.taken[idx >> 3]! >> (idx & 7)) & 1);
    await tx.query(
      'UPDATE wallet_status_lists SET taken = set_bit(taken, $2, 1), allocated = allocated + 1 WHERE id = $1',
      [current.id, idx],
    );
    return { listId: current.id, idx };
  }

  async #newList(tx: Queryable): Promise<{ id: string; size: number; taken: Uint8Array }> {
    const id = randomUUID();
    const empty = Buffer.alloc(this.#size / 8);
    await tx.query('INSERT INTO wallet_status_lists (id, size, bits, taken) VALUES ($1, $2, $3, $3)', [
      id,
      this.#size,
      empty,
    ]);
    return { id, size: this.#size, taken: empty };
  }

  /** The status at an index (0 valid, 1 revoked), or null when there is no such list or index. */
  async statusOf(entry: StatusEntry): Promise<number | null> {
    const [row] = await this.#db.query<{ bit: number }>(
      'SELECT get_bit(bits, $2) AS bit FROM wallet_status_lists WHERE id = $1 AND $2 < size',
      [entry.listId, entry.idx],
    );
    return row ? Number(row.bit) : null;
  }

  /** Whether a list exists (the route answers 404 otherwise). */
  async exists(listId: string): Promise<boolean> {
    return (await this.#db.query('SELECT 1 FROM wallet_status_lists WHERE id = $1', [listId])).length > 0;
  }

  /**
   * The signed status list token for a list, from this process's cache while its ttl lasts; null
   * when there is no such list.
   */
  async token(
    listId: string,
    o: { uri: string; iss: string; sign: StatusListSigner },
  ): Promise<string | null> {
    const now = Date.now();
    const cached = this.#cache.get(listId);
    if (cached && cached.until > now) return cached.token;
    const [row] = await this.#db.query<{ bits: Uint8Array; size: number }>(
      'SELECT bits, size FROM wallet_status_lists WHERE id = $1',
      [listId],
    );
    if (!row) return null;
    const iat = Math.floor(now / 1000);
    const token = await o.sign(
      {
        sub: o.uri,
        iss: o.iss,
        iat,
        exp: iat + STATUS_LIST_VALIDITY_SECONDS,
        ttl: STATUS_LIST_TTL_SECONDS,
        status_list: { bits: 1, lst: compressList(new Uint8Array(row.bits), Number(row.size)) },
      },
      { typ: 'statuslist+jwt' },
    );
    this.#cache.set(listId, { token, until: now + STATUS_LIST_TTL_SECONDS * 1000 });
    return token;
  }

  /** Sets these entries' bits to revoked, in the caller's transaction. */
  static async revoke(tx: Queryable, entries: StatusEntry[]): Promise<void> {
    for (const e of entries) {
      await tx.query('UPDATE wallet_status_lists SET bits = set_bit(bits, $2, 1) WHERE id = $1', [
        e.listId,
        e.idx,
      ]);
    }
  }
}
