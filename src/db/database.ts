// One SQL dialect everywhere: PGlite (PostgreSQL compiled to WASM) embedded, or a PostgreSQL server.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { ensureDirectory } from './directory.ts';
import { DeziError } from '../errors.ts';

/** Which database (see src/config.ts for how the environment names it). */
export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string | null } // null: in memory (tests)
  | { kind: 'postgres'; url: string; poolSize: number };

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
  /** Connection pool figures for metrics; null for PGlite (one in-process connection). */
  poolStats(): PoolStats | null;
  close(): Promise<void>;
}

/**
 * The database could not be reached, dropped the connection or timed out (not a constraint or a bug).
 * Shaped as oidc-provider's exposed errors, so that its endpoints answer 503 temporarily_unavailable
 * instead of 500 server_error; Fastify's error handler maps it to 503 as well.
 */
export class DatabaseUnavailableError extends DeziError {
  override name = 'DatabaseUnavailableError';
  readonly statusCode = 503;
  readonly error = 'temporarily_unavailable';
  readonly error_description = 'the service is temporarily unavailable, try again in a few seconds';
  constructor(cause: unknown) {
    super('temporarily_unavailable', {
      cause,
      status: 503,
      expose: true,
      oauthError: 'temporarily_unavailable',
    });
  }
}

/** SQLSTATE classes and codes that mean "the server is not there (now)", not "your query is wrong". */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-4]|57014)/;
const UNAVAILABLE_SYSCALL = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
const UNAVAILABLE_MESSAGE =
  /timeout exceeded when trying to connect|Connection terminated|connection error|not queryable|Query read timeout|Cannot use a pool after calling end/i;

export function isUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATE.test(e.code) || UNAVAILABLE_SYSCALL.has(e.code)))
    return true;
  return typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message);
}

/**
 * Statements sent to the database by this process, BEGIN and COMMIT included: what a login costs the
 * database, read from /metrics (dezi_db_statements_total) by operators and the benchmark.
 */
let statements = 0;
export function statementCount(): number {
  return statements;
}

function translated(err: unknown): unknown {
  return isUnavailable(err) && !(err instanceof DatabaseUnavailableError)
    ? new DatabaseUnavailableError(err)
    : err;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

class PgliteDatabase implements Database {
  readonly kind = 'pglite';
  readonly #db: PGlite;
  constructor(db: PGlite) {
    this.#db = db;
  }
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    statements++;
    return (await this.#db.query<T>(sql, params)).rows;
  }
  async exec(sql: string): Promise<void> {
    statements++;
    await this.#db.exec(sql);
  }
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    statements += 2; // BEGIN, and COMMIT or ROLLBACK
    return this.#db.transaction((tx) =>
      fn({
        query: async <R>(sql: string, params: unknown[] = []) => {
          statements++;
          return (await tx.query<R>(sql, params)).rows;
        },
        exec: async (sql: string) => {
          statements++;
          await tx.exec(sql);
        },
      }),
    );
  }
  poolStats(): null {
    return null;
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
    statements++;
    try {
      return (await this.#pool.query(sql, params)).rows as T[];
    } catch (err) {
      throw translated(err);
    }
  }
  async exec(sql: string): Promise<void> {
    await this.query(sql);
  }
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw translated(err);
    }
    let broken = false;
    try {
      statements += 2; // BEGIN, and COMMIT or ROLLBACK
      await client.query('BEGIN');
      const result = await fn({
        query: async <R>(sql: string, params: unknown[] = []) => {
          statements++;
          return (await client.query(sql, params)).rows as R[];
        },
        exec: async (sql: string) => {
          statements++;
          await client.query(sql);
        },
      });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      broken = isUnavailable(err);
      if (!broken) await client.query('ROLLBACK').catch(() => undefined);
      throw translated(err);
    } finally {
      // A client whose connection failed is discarded, not handed to the next request.
      client.release(broken);
    }
  }
  poolStats(): PoolStats {
    return {
      total: this.#pool.totalCount,
      idle: this.#pool.idleCount,
      waiting: this.#pool.waitingCount,
      max: this.#pool.options.max ?? 10,
    };
  }
  async close(): Promise<void> {
    await this.#pool.end();
  }
}

/**
 * A Database whose every statement runs in the open transaction tx: for code written against Database
 * (the Register, for instance) that must be part of one larger transaction. A transaction inside it
 * is a savepoint, so that it still is all or nothing; such transactions run one after another.
 */
export function withinTransaction(tx: Transaction, kind: Database['kind']): Database {
  let savepoints = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const nested = async <T>(fn: (tx: Transaction) => Promise<T>): Promise<T> => {
    const savepoint = `nested_${++savepoints}`;
    await tx.query(`SAVEPOINT ${savepoint}`);
    try {
      const result = await fn(tx);
      await tx.query(`RELEASE SAVEPOINT ${savepoint}`);
      return result;
    } catch (err) {
      await tx.query(`ROLLBACK TO SAVEPOINT ${savepoint}`).catch(() => undefined);
      throw err;
    }
  };
  return {
    kind,
    query: (sql, params) => tx.query(sql, params),
    exec: (sql) => tx.exec(sql),
    transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
      const run = queue.then(() => nested(fn));
      queue = run.catch(() => undefined);
      return run;
    },
    poolStats: () => null,
    close: async () => {
      throw new Error('a database within a transaction is closed with the transaction');
    },
  };
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.kind === 'pglite') {
    if (config.dataDir) ensureDirectory(config.dataDir, 'the embedded database directory');
    const db = config.dataDir ? await PGlite.create(config.dataDir) : await PGlite.create();
    return new PgliteDatabase(db);
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize,
    // A database that is down must give a quick 503, not a request that hangs: connecting, each
    // statement (server side) and each answer (client side) have a bound.
    connectionTimeoutMillis: 2000,
    statement_timeout: 5000,
    query_timeout: 6000,
    idleTimeoutMillis: 30000,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return new PostgresDatabase(pool);
}

/** The database answered with a unique violation (SQLSTATE 23505). */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}
