// oidc-provider's storage adapter on our database: sessions, interactions, grants, codes, tokens,
// clients and replay-detection entries live in PostgreSQL/PGlite, never in process memory.
import { AsyncLocalStorage } from 'node:async_hooks';
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

/**
 * What one request has read or written of the interaction, session and grant: some steps read the same
 * one twice (the broker, then oidc-provider when it finishes the interaction). Within a request the
 * second read returns the first (or what the request itself wrote since), as a fresh copy; the next
 * request reads the database again, so other instances' writes are seen as before. Replay-sensitive
 * models (codes, tokens, replay detection) are never served from here: their consume must reach the
 * database.
 */
const PER_REQUEST = new Set(['Interaction', 'Session', 'Grant']);
type RequestReads = Map<string, string | null>;
interface RequestScope {
  reads: RequestReads;
}
const requestScope = new AsyncLocalStorage<RequestScope>();

/** Runs next (the rest of a request) with its own read cache: a Fastify preHandler hook. */
export function withRequestReads(_req: unknown, _reply: unknown, next: () => void): void {
  requestScope.run({ reads: new Map() }, next);
}

export class DatabaseAdapter implements Adapter {
  readonly #model: string;
  readonly #db: Database;
  readonly #clients: ClientCache | null;

  constructor(model: string, db: Database, clients: ClientCache | null = null) {
    this.#model = model;
    this.#db = db;
    this.#clients = model === 'Client' ? (clients ?? new Map()) : null;
  }

  /** This request's reads of this model, when the model is read per request and a request is running. */
  #reads(): RequestReads | undefined {
    return PER_REQUEST.has(this.#model) ? requestScope.getStore()?.reads : undefined;
  }

  #forget(reads: RequestReads): void {
    for (const key of reads.keys()) if (key.startsWith(`${this.#model}:`)) reads.delete(key);
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void> {
    this.#clients?.delete(id);
    const reads = this.#reads();
    if (reads) {
      // What this request wrote is what it reads next (by id, and by uid for a session).
      this.#forget(reads);
      const json = JSON.stringify(payload);
      reads.set(`${this.#model}:id:${id}`, json);
      if (payload.uid) reads.set(`${this.#model}:uid:${payload.uid}`, json);
    }
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

  /** Reads through this request's cache (see PER_REQUEST). */
  async #read(
    key: string,
    load: () => Promise<AdapterPayload | undefined>,
  ): Promise<AdapterPayload | undefined> {
    const reads = this.#reads();
    if (!reads) return load();
    const seen = reads.get(`${this.#model}:${key}`);
    if (seen !== undefined) return seen === null ? undefined : JSON.parse(seen);
    const payload = await load();
    reads.set(`${this.#model}:${key}`, payload ? JSON.stringify(payload) : null);
    return payload;
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const cached = this.#clients?.get(id);
    if (cached && cached.until > Date.now()) return JSON.parse(cached.json);
    if (this.#reads()) return this.#read(`id:${id}`, () => this.#find(id));
    return this.#find(id);
  }

  async #find(id: string): Promise<AdapterPayload | undefined> {
    // A client an operator disabled (beheer; client-admin.ts) is not found: oidc-provider then
    // refuses it everywhere, as an unknown client.
    const [row] = await this.#db.query<Row>(
      this.#clients
        ? `SELECT payload, consumed_at, expires_at FROM oidc_payloads p WHERE model = $1 AND id = $2
           AND NOT EXISTS (SELECT 1 FROM oidc_disabled_clients d WHERE d.client_id = p.id)`
        : 'SELECT payload, consumed_at, expires_at FROM oidc_payloads WHERE model = $1 AND id = $2',
      [this.#model, id],
    );
    const payload = this.#present(row);
    if (this.#clients && payload) {
      if (this.#clients.size > 1000) this.#clients.clear();
      this.#clients.set(id, { json: JSON.stringify(payload), until: Date.now() + CLIENT_CACHE_MS });
    }
    return payload;
  }

  /** Drops a client from this instance's cache (it was disabled or enabled; see CLIENT_CACHE_MS for the others). */
  forgetClient(id: string): void {
    this.#clients?.delete(id);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const [row] = await this.#db.query<Row>(
      'SELECT payload, consumed_at, expires_at FROM oidc_payloads WHERE model = $1 AND user_code = $2',
      [this.#model, userCode],
    );
    return this.#present(row);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    if (this.#reads()) return this.#read(`uid:${uid}`, () => this.#findByUid(uid));
    return this.#findByUid(uid);
  }

  async #findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const [row] = await this.#db.query<Row>(
      'SELECT payload, consumed_at, expires_at FROM oidc_payloads WHERE model = $1 AND uid = $2',
      [this.#model, uid],
    );
    return this.#present(row);
  }

  async consume(id: string): Promise<void> {
    const reads = this.#reads();
    if (reads) this.#forget(reads);
    await this.#db.query('UPDATE oidc_payloads SET consumed_at = now() WHERE model = $1 AND id = $2', [
      this.#model,
      id,
    ]);
  }

  async destroy(id: string): Promise<void> {
    this.#clients?.delete(id);
    const reads = this.#reads();
    if (reads) this.#forget(reads);
    await this.#db.query('DELETE FROM oidc_payloads WHERE model = $1 AND id = $2', [this.#model, id]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    // Any model of the grant may go: this request's reads are all forgotten.
    requestScope.getStore()?.reads.clear();
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
