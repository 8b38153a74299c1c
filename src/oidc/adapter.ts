// oidc-provider's storage adapter on our database: sessions, interactions, grants, codes, tokens,
// clients and replay-detection entries live in PostgreSQL/PGlite, never in process memory.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Database } from '../db/database.ts';

interface Row {
  payload: AdapterPayload;
  consumed_at: Date | null;
  expires_at: Date | null;
}

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

/**
 * Registered clients, as read from the database, for a few seconds. oidc-provider looks the client up
 * at nearly every step of a login (7 of the 29 storage reads of a full login, in the benchmark's
 * profile); clients change only through registration or the CLI, and another instance sees such a
 * change after at most this long. An unknown client is never cached, so a client registered through
 * one instance is found at once by the others.
 */
export const CLIENT_CACHE_MS = 5000;

type ClientCache = Map<string, { json: string; until: number }>;

export class DatabaseAdapter implements Adapter {
  readonly #model: string;
  readonly #db: Database;
  readonly #clients: ClientCache | null;

  constructor(model: string, db: Database, clients: ClientCache | null = null) {
    this.#model = model;
    this.#db = db;
    this.#clients = model === 'Client' ? (clients ?? new Map()) : null;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void> {
    this.#clients?.delete(id);
    const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
    await this.#db.query(
      `INSERT INTO oidc_payloads (model, id, payload, grant_id, user_code, uid, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (model, id) DO UPDATE
         SET payload = excluded.payload, grant_id = excluded.grant_id, user_code = excluded.user_code,
             uid = excluded.uid, expires_at = excluded.expires_at`,
      [
        this.#model,
        id,
        JSON.stringify(payload),
        GRANTABLE.has(this.#model) || this.#model === 'Grant' ? (payload.grantId ?? null) : null,
        payload.userCode ?? null,
        payload.uid ?? null,
        expiresAt,
      ],
    );
  }

  #present(row: Row | undefined): AdapterPayload | undefined {
    if (!row) return undefined;
    if (row.expires_at && row.expires_at.getTime() <= Date.now()) return undefined;
    const payload = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
    if (row.consumed_at) payload.consumed = Math.floor(row.consumed_at.getTime() / 1000);
    return payload;
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const cached = this.#clients?.get(id);
    if (cached && cached.until > Date.now()) return JSON.parse(cached.json);
    const [row] = await this.#db.query<Row>(
      'SELECT payload, consumed_at, expires_at FROM oidc_payloads WHERE model = $1 AND id = $2',
      [this.#model, id],
    );
    const payload = this.#present(row);
    if (this.#clients && payload) {
      if (this.#clients.size > 1000) this.#clients.clear();
      this.#clients.set(id, { json: JSON.stringify(payload), until: Date.now() + CLIENT_CACHE_MS });
    }
    return payload;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const [row] = await this.#db.query<Row>(
      'SELECT payload, consumed_at, expires_at FROM oidc_payloads WHERE model = $1 AND user_code = $2',
      [this.#model, userCode],
    );
    return this.#present(row);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const [row] = await this.#db.query<Row>(
      'SELECT payload, consumed_at, expires_at FROM oidc_payloads WHERE model = $1 AND uid = $2',
      [this.#model, uid],
    );
    return this.#present(row);
  }

  async consume(id: string): Promise<void> {
    await this.#db.query('UPDATE oidc_payloads SET consumed_at = now() WHERE model = $1 AND id = $2', [
      this.#model,
      id,
    ]);
  }

  async destroy(id: string): Promise<void> {
    this.#clients?.delete(id);
    await this.#db.query('DELETE FROM oidc_payloads WHERE model = $1 AND id = $2', [this.#model, id]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    // Revokes every artefact of the grant, whatever model this adapter instance was made for:
    // a replayed authorization code must take the tokens issued from its first use with it.
    await this.#db.query('DELETE FROM oidc_payloads WHERE grant_id = $1', [grantId]);
  }
}

export function adapterFactory(db: Database): (model: string) => Adapter {
  const clients: ClientCache = new Map();
  return (model: string) => new DatabaseAdapter(model, db, clients);
}

/** Removes expired artefacts; run periodically. */
export async function purgeExpired(db: Database): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `WITH d AS (DELETE FROM oidc_payloads WHERE expires_at < now() - interval '1 minute' RETURNING 1)
     SELECT count(*)::int AS n FROM d`,
  );
  return rows[0]?.n ?? 0;
}
