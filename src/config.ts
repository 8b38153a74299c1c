// Typed, validated configuration: the one place where the environment is read.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadOpsConfig, type OpsConfig } from './ops/config.ts';

export type Mode = 'proeftuin' | 'production';

export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string | null } // null: in memory (tests)
  | { kind: 'postgres'; url: string; poolSize: number };

export interface DeziConfig {
  mode: Mode;
  host: string;
  port: number;
  issuer: string;
  database: DatabaseConfig;
  /** Master secret (≥ 32 bytes); every other key is derived from it (see secrets.ts). */
  secret: Buffer;
  /** Initial access token for RFC 7591 registration; only in proeftuin mode. */
  registrationToken: string | null;
  trustProxy: boolean;
  logLevel: string;
  dataDir: string;
  /** Rate limits, metrics, key polling (src/ops/config.ts); defaults when absent. */
  ops?: OpsConfig;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer from 0 to 65535, got "${value}"`);
  }
  return port;
}

function parseIssuer(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`DEZI_ISSUER must be an absolute URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new ConfigError('DEZI_ISSUER must use https (http is allowed only for localhost)');
  }
  if (url.search || url.hash) throw new ConfigError('DEZI_ISSUER must not have a query or fragment');
  return url.href.replace(/\/$/, '');
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

function parseSecret(value: string): Buffer {
  const buf = /^[0-9a-f]+$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64url');
  if (buf.length < 32) throw new ConfigError('DEZI_SECRET must hold at least 32 bytes (hex or base64url)');
  return buf;
}

/** Reads a value kept in the data directory, creating it on first use (proeftuin convenience only). */
function persistedValue(dataDir: string, name: string, create: () => string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const value = create();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return value;
}

export function loadConfig(env: Env = process.env): DeziConfig {
  const mode = (env.DEZI_MODE ?? 'proeftuin') as Mode;
  if (mode !== 'proeftuin' && mode !== 'production') {
    throw new ConfigError(`DEZI_MODE must be "proeftuin" or "production", got "${env.DEZI_MODE}"`);
  }
  const port = parsePort(env.PORT, 3000);
  const issuer = parseIssuer(env.DEZI_ISSUER ?? `http://localhost:${port}`);
  const dataDir = resolve(env.DEZI_DATA_DIR ?? '.dezi');

  let database: DatabaseConfig;
  const url = env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const poolSize = env.DEZI_DB_POOL_SIZE ? Number(env.DEZI_DB_POOL_SIZE) : 10;
    if (!Number.isInteger(poolSize) || poolSize < 1) throw new ConfigError('DEZI_DB_POOL_SIZE must be ≥ 1');
    database = { kind: 'postgres', url, poolSize };
  } else if (url === 'memory://') {
    database = { kind: 'pglite', dataDir: null };
  } else if (url === undefined || url === '') {
    database = { kind: 'pglite', dataDir: join(dataDir, 'pgdata') };
  } else {
    throw new ConfigError('DATABASE_URL must be postgres://…, postgresql://… or memory://');
  }

  let secret: Buffer;
  if (env.DEZI_SECRET) {
    secret = parseSecret(env.DEZI_SECRET);
  } else if (mode === 'proeftuin') {
    secret = parseSecret(persistedValue(dataDir, 'secret', () => randomBytes(32).toString('hex')));
  } else {
    throw new ConfigError('DEZI_SECRET is required in production mode');
  }

  let registrationToken: string | null = null;
  if (mode === 'proeftuin') {
    registrationToken =
      env.DEZI_PROEFTUIN_REGISTRATION_TOKEN ||
      persistedValue(dataDir, 'proeftuin-registration-token', () => randomBytes(24).toString('base64url'));
    if (registrationToken.length < 16) {
      throw new ConfigError('DEZI_PROEFTUIN_REGISTRATION_TOKEN must be at least 16 characters');
    }
  }

  return {
    mode,
    host: env.HOST ?? 'localhost',
    port,
    issuer,
    database,
    secret,
    registrationToken,
    trustProxy: env.DEZI_TRUST_PROXY === 'true',
    logLevel: env.LOG_LEVEL ?? 'info',
    dataDir,
    ops: loadOpsConfig(env),
  };
}
