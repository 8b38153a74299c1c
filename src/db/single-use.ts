// One-time state, one way: put under a secret key, taken at most once (a replay, another browser or an
// expired entry finds nothing), purged the same way for every namespace. The key is a bearer secret
// (a state parameter, a cookie's token), so only its SHA-256 is stored.
import { createHash } from 'node:crypto';
import type { Database, Queryable } from './database.ts';

export const keyHash = (key: string) => createHash('sha256').update(key).digest('base64url');

export class SingleUseStore<T> {
  readonly #db: Database;
  readonly #namespace: string;
  readonly #ttlSeconds: number;

  constructor(db: Database, namespace: string, ttlSeconds: number) {
    this.#db = db;
    this.#namespace = namespace;
    this.#ttlSeconds = ttlSeconds;
  }

  /** Stores a value under a new key (keys are random: one that exists already is a fault). */
  async put(key: string, value: T, o: { ttlSeconds?: number; db?: Queryable } = {}): Promise<void> {
    await (o.db ?? this.#db).query(
      `INSERT INTO single_use (namespace, key_hash, value, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [this.#namespace, keyHash(key), JSON.stringify(value), o.ttlSeconds ?? this.#ttlSeconds],
    );
  }

  /** Reads a value without using it up (a page that shows what a later step will take). */
  async peek(key: string): Promise<T | null> {
    const [row] = await this.#db.query<{ value: T }>(
      'SELECT value FROM single_use WHERE namespace = $1 AND key_hash = $2 AND expires_at > now()',
      [this.#namespace, keyHash(key)],
    );
    return row?.value ?? null;
  }

  /**
   * Takes the value out, once: whoever comes second, or late, gets null. With `match`, only a value
   * holding those fields is taken: a key presented by the wrong login leaves the entry for the right one.
   */
  async take(key: string, match?: Partial<T>): Promise<T | null> {
    const [row] = await this.#db.query<{ value: T; live: boolean }>(
      `DELETE FROM single_use WHERE namespace = $1 AND key_hash = $2 AND value @> $3::jsonb
       RETURNING value, expires_at > now() AS live`,
      [this.#namespace, keyHash(key), JSON.stringify(match ?? {})],
    );
    return row?.live ? row.value : null;
  }

  /** Drops every value holding these fields (what a revoked grant gave, before it is used). */
  async revokeWhere(match: Partial<T>): Promise<void> {
    await this.#db.query('DELETE FROM single_use WHERE namespace = $1 AND value @> $2::jsonb', [
      this.#namespace,
      JSON.stringify(match),
    ]);
  }

  /** Drops what expired, in every namespace (one purge for all). */
  static async purge(db: Database): Promise<void> {
    await db.query('DELETE FROM single_use WHERE expires_at < now()');
  }
}
