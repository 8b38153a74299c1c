// Dezi's signing keys: generated on first start, stored sealed (AES-256-GCM under a key derived from
// the master secret), published in the JWKS. One key per id_token algorithm (RS256, the koppelvlak's
// and every client's default; PS256 and ES256 for a client that registers them), never one key for
// two algorithms. Rotation replaces all of them together and keeps the old ones published until
// everything signed with them has expired (verklaringen live for months).
import {
  exportJWK,
  generateKeyPair,
  importJWK,
  calculateJwkThumbprint,
  type CryptoKey,
  type JWK,
} from 'jose';
import type { Database, Queryable } from '../db/database.ts';
import { waitForAdvisoryLock } from '../db/lock.ts';
import type { Secrets } from '../secrets.ts';
import { DeziError } from '../errors.ts';

/** The default id_token (and userinfo envelope) algorithm: the koppelvlak's (spec §4.1). */
export const SIGNING_ALG = 'RS256';
/** Every algorithm Dezi signs id_tokens with, the default first; each has a key of its own. */
export const ID_TOKEN_ALGS = ['RS256', 'PS256', 'ES256'] as const;
export type IdTokenAlg = (typeof ID_TOKEN_ALGS)[number];
const MODULUS_LENGTH = 3072; // NCSC guidance for RSA; ES256 keys are P-256

export function isIdTokenAlg(value: unknown): value is IdTokenAlg {
  return (ID_TOKEN_ALGS as readonly unknown[]).includes(value);
}

export interface SigningKey {
  kid: string;
  alg: string;
  privateJwk: JWK;
  publicJwk: JWK;
  privateKey: CryptoKey;
}

export interface KeySet {
  /** The RS256 key that signs now: the default for id_tokens and the userinfo envelope. */
  current: SigningKey;
  /** The key that signs now, per algorithm. */
  currentByAlg: Readonly<Record<IdTokenAlg, SigningKey>>;
  /** Every key still published, current first (oidc-provider signs with the first matching key). */
  published: SigningKey[];
}

interface KeyRow {
  active: boolean;
  kid: string;
  alg: string;
  public_jwk: JWK;
  private_jwk_sealed: Uint8Array;
  sealed_with: string;
}

export class KeyUnsealError extends DeziError {
  override name = 'KeyUnsealError';
}

async function createKey(db: Queryable, secrets: Secrets, alg: IdTokenAlg): Promise<string> {
  const { privateKey } = await generateKeyPair(alg, {
    modulusLength: MODULUS_LENGTH,
    extractable: true,
  });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(privateJwk);
  // The public members only: n and e of an RSA key, crv, x and y of an EC key. alg pins the key to
  // its one algorithm, in the JWKS and in oidc-provider's choice of key.
  const publicJwk: JWK =
    privateJwk.kty === 'EC'
      ? { kty: 'EC', crv: privateJwk.crv, x: privateJwk.x, y: privateJwk.y, kid, alg, use: 'sig' }
      : { kty: privateJwk.kty, n: privateJwk.n, e: privateJwk.e, kid, alg, use: 'sig' };
  const sealed = secrets.encrypt(
    'signing-keys-at-rest',
    Buffer.from(JSON.stringify({ ...privateJwk, kid, alg, use: 'sig' })),
    kid,
  );
  await db.query(
    'INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk_sealed, sealed_with) VALUES ($1, $2, $3, $4, $5)',
    [kid, alg, JSON.stringify(publicJwk), sealed, secrets.keyId],
  );
  return kid;
}

/**
 * Creates a key for every algorithm that has none in use (the first start; the first start after
 * PS256 and ES256 were added); safe when several instances start at once. The lock is
 * the audit chain's, which another instance's first start may hold while it seeds the proeftuin in
 * one transaction: waited for in short tries, not in one statement that the statement timeout ends.
 */
export async function ensureSigningKey(db: Database, secrets: Secrets): Promise<void> {
  await db.transaction(async (tx) => {
    await waitForAdvisoryLock(tx, 7347713, 'signing key');
    const rows = await tx.query<{ alg: string }>(
      'SELECT DISTINCT alg FROM signing_keys WHERE retired_at IS NULL',
    );
    const present = new Set(rows.map((r) => r.alg));
    for (const alg of ID_TOKEN_ALGS) if (!present.has(alg)) await createKey(tx, secrets, alg);
  });
}

/**
 * Adds a new signing key per algorithm and retires the current ones, together; the retired keys stay
 * in the JWKS for `keepPublishedSeconds` (the longest lifetime of anything they signed). Returns the
 * kid of the new RS256 key, the default one.
 */
export async function rotateSigningKey(
  db: Database,
  secrets: Secrets,
  keepPublishedSeconds: number,
): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(7347713)');
    await tx.query(
      `UPDATE signing_keys SET retired_at = now(), published_until = now() + make_interval(secs => $1)
       WHERE retired_at IS NULL`,
      [keepPublishedSeconds],
    );
    let defaultKid = '';
    for (const alg of ID_TOKEN_ALGS) {
      const kid = await createKey(tx, secrets, alg);
      if (alg === SIGNING_ALG) defaultKid = kid;
    }
    return defaultKid;
  });
}

export async function loadKeySet(db: Database, secrets: Secrets): Promise<KeySet> {
  const rows = await db.query<KeyRow>(
    `SELECT retired_at IS NULL AS active, kid, alg, public_jwk, private_jwk_sealed, sealed_with FROM signing_keys
     WHERE retired_at IS NULL OR published_until > now()
     ORDER BY retired_at IS NOT NULL, created_at DESC`,
  );
  const published: SigningKey[] = [];
  const currentByAlg: Partial<Record<IdTokenAlg, SigningKey>> = {};
  for (const row of rows) {
    if (row.sealed_with !== secrets.keyId) {
      throw new KeyUnsealError(
        `signing key ${row.kid} was sealed with master key ${row.sealed_with}, but DEZI_SECRET is key ${secrets.keyId}`,
      );
    }
    let privateJwk: JWK;
    try {
      privateJwk = JSON.parse(
        secrets
          .decrypt('signing-keys-at-rest', Buffer.from(row.private_jwk_sealed), row.kid)
          .toString('utf8'),
      );
    } catch {
      throw new KeyUnsealError(`signing key ${row.kid} cannot be unsealed with the configured DEZI_SECRET`);
    }
    const privateKey = (await importJWK(privateJwk, row.alg)) as CryptoKey;
    const key = { kid: row.kid, alg: row.alg, privateJwk, publicJwk: row.public_jwk, privateKey };
    published.push(key);
    if (row.active && isIdTokenAlg(row.alg)) currentByAlg[row.alg] ??= key;
  }
  for (const alg of ID_TOKEN_ALGS)
    if (!currentByAlg[alg]) throw new KeyUnsealError(`no ${alg} signing key: run migrations and start once`);
  const complete = currentByAlg as Record<IdTokenAlg, SigningKey>;
  return { current: complete[SIGNING_ALG], currentByAlg: complete, published };
}

/**
 * A fingerprint of the published key set: changes when a key is added, retired or drops out of the
 * JWKS. One cheap query, so that every instance can poll it and pick up a rotation made elsewhere.
 */
export async function keySetVersion(db: Queryable): Promise<string> {
  const [row] = await db.query<{ v: string | null }>(
    `SELECT string_agg(kid || CASE WHEN retired_at IS NULL THEN '+' ELSE '-' END, ',' ORDER BY kid) AS v
     FROM signing_keys WHERE retired_at IS NULL OR published_until > now()`,
  );
  return row?.v ?? '';
}

/**
 * The key set an instance signs with, kept in step with the database: `refresh()` reloads it when
 * another instance (or `dezi keys rotate`) changed the keys, and tells the listeners, which rebuild
 * what was built from the keys (oidc-provider's keystore is fixed when a Provider is constructed).
 */
export class KeyRing {
  readonly #db: Database;
  readonly #secrets: Secrets;
  #set: KeySet;
  #version: string;
  readonly #listeners: ((keys: KeySet) => void)[] = [];

  private constructor(db: Database, secrets: Secrets, set: KeySet, version: string) {
    this.#db = db;
    this.#secrets = secrets;
    this.#set = set;
    this.#version = version;
  }

  static async open(db: Database, secrets: Secrets): Promise<KeyRing> {
    const version = await keySetVersion(db);
    return new KeyRing(db, secrets, await loadKeySet(db, secrets), version);
  }

  get keys(): KeySet {
    return this.#set;
  }

  onChange(listener: (keys: KeySet) => void): void {
    this.#listeners.push(listener);
  }

  /** Reloads the keys when their version changed; true when it did. */
  async refresh(): Promise<boolean> {
    const version = await keySetVersion(this.#db);
    if (version === this.#version) return false;
    const set = await loadKeySet(this.#db, this.#secrets);
    this.#set = set;
    this.#version = version;
    for (const listener of this.#listeners) listener(set);
    return true;
  }
}
