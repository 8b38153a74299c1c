// One SQL dialect everywhere: PGlite (PostgreSQL compiled to WASM) embedded, or a PostgreSQL server.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { DatabaseConfig } from '../config.ts';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Transaction extends Queryable {
  /** Runs several statements (migrations); no parameters. */
  exec(sql: string): Promise<void>;
}

export interface Database extends Transaction {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The database could not be reached or answered with a server-side failure (not a constraint). */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

class PgliteDatabase implements Database {
  readonly kind = 'pglite';
  readonly #db: PGlite;
  constructor(db: PGlite) {
    this.#db = db;
  }
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.#db.query<T>(sql, params)).rows;
  }
  async exec(sql: string): Promise<void> {
    await this.#db.exec(sql);
  }
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.#db.transaction((tx) =>
      fn({
        query: async <R>(sql: string, params: unknown[] = []) => (await tx.query<R>(sql, params)).rows,
        exec: async (sql: string) => void (await tx.exec(sql)),
      }),
    );
  }
  async close(): Promise<void> {
    await this.#db.close();
  }
}

class PostgresDatabase implements Database {
  readonly kind = 'postgres';
  readonly #pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.#pool.query(sql, params)).rows as T[];
  }
  async exec(sql: string): Promise<void> {
    await this.#pool.query(sql);
  }
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn({
        query: async <R>(sql: string, params: unknown[] = []) =>
          (await client.query(sql, params)).rows as R[],
        exec: async (sql: string) => void (await client.query(sql)),
      });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
  async close(): Promise<void> {
    await this.#pool.end();
  }
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.kind === 'pglite') {
    const db = config.dataDir ? await PGlite.create(config.dataDir) : await PGlite.create();
    return new PgliteDatabase(db);
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return new PostgresDatabase(pool);
}
