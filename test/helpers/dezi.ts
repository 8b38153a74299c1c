// Starts a real Dezi for a test: HTTP on a free loopback port, on PGlite in memory or, when
// DEZI_TEST_DATABASE_URL is set, on a fresh database of that PostgreSQL server.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import pg from 'pg';
import type { DatabaseConfig, DeziConfig, UziPasConfig } from '../../src/config.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { createDezi, type Dezi } from '../../src/server.ts';

export const TEST_SECRET = Buffer.alloc(32, 7);
export const REGISTRATION_TOKEN = 'test-initial-access-token-0123456789';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Collects every log line, so that tests can search them (for a BSN, for instance). */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  text(): string {
    return this.lines.join('\n');
  }
}

export type Backend = 'pglite' | 'postgres';

/** Every database-backed test runs on PGlite, and on PostgreSQL when DEZI_TEST_DATABASE_URL names a server. */
export const BACKENDS: Backend[] = process.env.DEZI_TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

/** A database for one test: PGlite in memory, or a new PostgreSQL database dropped afterwards. */
export async function testDatabaseConfig(
  backend: Backend,
): Promise<{ config: DatabaseConfig; drop: () => Promise<void> }> {
  const url = process.env.DEZI_TEST_DATABASE_URL;
  if (backend === 'pglite') return { config: { kind: 'pglite', dataDir: null }, drop: async () => undefined };
  if (!url) throw new Error('DEZI_TEST_DATABASE_URL is not set');
  const name = `dezi_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return {
    config: { kind: 'postgres', url: dbUrl.href, poolSize: 10 },
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestDezi extends Dezi {
  url: string;
  logs: LogCapture;
  /** Stops this instance (keeps a shared database open). */
  stop(): Promise<void>;
}

export function testConfig(
  port: number,
  database: DatabaseConfig,
  overrides: Partial<DeziConfig> = {},
): DeziConfig {
  return {
    mode: 'proeftuin',
    host: '127.0.0.1',
    port,
    issuer: `http://localhost:${port}`,
    database,
    secret: TEST_SECRET,
    registrationToken: REGISTRATION_TOKEN,
    trustProxy: false,
    logLevel: 'info',
    dataDir: '/nonexistent',
    ...overrides,
  };
}

export async function startDezi(
  o: {
    db?: Database;
    port?: number;
    database?: DatabaseConfig;
    logs?: LogCapture;
    config?: Partial<DeziConfig>;
  } = {},
): Promise<TestDezi> {
  const port = o.port ?? (await freePort());
  const logs = o.logs ?? new LogCapture();
  const config = testConfig(port, o.database ?? { kind: 'pglite', dataDir: null }, o.config);
  const dezi = await createDezi(config, { logStream: logs, db: o.db });
  await dezi.app.listen({ host: '127.0.0.1', port });
  return { ...dezi, url: config.issuer, logs, stop: () => dezi.close() };
}

/** One database for the whole test file, with its teardown. */
export async function openTestDatabase(
  backend: Backend,
): Promise<{ db: Database; config: DatabaseConfig; close: () => Promise<void> }> {
  const { config, drop } = await testDatabaseConfig(backend);
  const db = await openDatabase(config);
  return {
    db,
    config,
    close: async () => {
      await db.close();
      await drop();
    },
  };
}

/**
 * Configuration for Dezi's own UZI-pas certificate listener on this loopback port, with the
 * proeftuin's TEST PKI in memory (the one loadTestUziPki(null, …) returns in the same process).
 */
export function uziPasListenerConfig(port: number): UziPasConfig {
  return {
    listener: { host: '127.0.0.1', port, tls: null },
    proxy: null,
    certificateUrl: `https://localhost:${port}/uzi-pas/certificaat`,
    caFiles: [],
    crlSources: [],
    crlRefreshSeconds: 3600,
    crlGraceSeconds: 0,
    testPkiDir: null,
  };
}
