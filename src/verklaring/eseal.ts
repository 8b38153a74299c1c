// Dezi's eSeal: the key and certificate (PKIoverheid in production) that sign verklaringen and the
// revocation list (spec §3.4, §5.2, §6.3.3), separate from the id_token keys. Its public key is
// published with the certificate chain at /dezi/jwks.json, named by a UUID kid.
//
// The private key never enters the database: each instance reads it from its source (PEM files in
// production; the proeftuin's TEST eSeal). The database only records which certificates have been
// used, so that every instance publishes the same set, and a rotated-out certificate stays
// published for as long as the verklaringen it signed can live.
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CryptoKey, JWK } from 'jose';
import type { Database } from '../db/database.ts';
import { waitForAdvisoryLock } from '../db/lock.ts';
import {
  CertificateError,
  checkCertificate,
  checkChainOrder,
  parsePemChain,
  pemBlocks,
  rsaPublicJwk,
  thumbprints,
  x5cOf,
} from '../pki/certificates.ts';

export const ESEAL_ALG = 'RS256';
export const ESEAL_JWKS_PATH = '/dezi/jwks.json';
/** NCSC guidance and PKIoverheid both accept 2048-bit RSA for an eSeal; less is refused. */
const MIN_RSA_BITS = 2048;
const ADVISORY_LOCK = 7_347_714;

export interface EsealMaterial {
  /** PKCS#8 or PKCS#1 private key, PEM. */
  keyPem: string;
  /** The eSeal certificate first, then the CA certificates up to (not necessarily including) the root. */
  chainPem: string;
}

/** Where an instance gets its eSeal from; read at start and at every key poll. */
export interface EsealSource {
  /** For messages: the files, or "the proeftuin's TEST eSeal". */
  readonly description: string;
  read(): Promise<EsealMaterial>;
}

export function fileEsealSource(keyFile: string, certFile: string): EsealSource {
  return {
    description: `${certFile} and ${keyFile}`,
    async read() {
      const [keyPem, chainPem] = await Promise.all([readFile(keyFile, 'utf8'), readFile(certFile, 'utf8')]);
      return { keyPem, chainPem };
    },
  };
}

export interface EsealKey {
  kid: string;
  privateKey: CryptoKey;
  /** The public JWK as published: kty, kid, x5c, x5t, x5t#S256, n, e (the acceptance JWKS's order). */
  jwk: JWK;
  notAfter: Date;
  x5tS256: string;
}

/** A UUID derived from the certificate: every instance names the same certificate the same way. */
export function esealKid(cert: X509Certificate): string {
  const h = createHash('sha256').update('dezi-eseal-kid\n').update(cert.raw).digest();
  h[6] = (h[6]! & 0x0f) | 0x80; // version 8: a UUID whose bits are the producer's own (RFC 9562)
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Checks the material and makes the key: the certificate must hold the private key's public half,
 * be valid now, be RSA ≥ 2048 bits, allow signing (digitalSignature or nonRepudiation), and each
 * certificate of the chain must be issued by the next. Throws CertificateError naming the problem.
 */
export async function esealKeyFrom(m: EsealMaterial, what: string, now = new Date()): Promise<EsealKey> {
  const chain = parsePemChain(m.chainPem, `the eSeal certificate file (${what})`);
  const cert = chain[0]!;
  checkCertificate(
    cert,
    { minRsaBits: MIN_RSA_BITS, keyUsage: ['digitalSignature', 'nonRepudiation'], validAt: now },
    'the eSeal certificate',
  );
  checkChainOrder(chain, 'the eSeal certificate chain');
  if (pemBlocks(m.keyPem, 'PRIVATE KEY').length + pemBlocks(m.keyPem, 'RSA PRIVATE KEY').length !== 1)
    throw new CertificateError(`the eSeal key file (${what}) must hold exactly one PEM private key`);
  let keyObject;
  try {
    keyObject = createPrivateKey(m.keyPem);
  } catch {
    throw new CertificateError(`the eSeal key file (${what}) holds no readable private key`);
  }
  if (!cert.checkPrivateKey(keyObject))
    throw new CertificateError(`the eSeal certificate does not belong to the eSeal private key (${what})`);
  const kid = esealKid(cert);
  const { n, e } = rsaPublicJwk(cert);
  const prints = thumbprints(cert);
  const pkcs8 = keyObject.export({ format: 'der', type: 'pkcs8' });
  const privateKey = await crypto.subtle.importKey(
    'pkcs8',
    pkcs8,
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return {
    kid,
    privateKey,
    jwk: { kty: 'RSA', kid, x5c: x5cOf(chain), x5t: prints.x5t, 'x5t#S256': prints['x5t#S256'], n, e },
    notAfter: new Date(cert.validTo),
    x5tS256: prints['x5t#S256'],
  };
}

/**
 * The eSeal an instance signs with, and the set every instance publishes. `refresh()` (on the key
 * poll) re-reads the source: a replaced certificate and key take over without a restart, and the
 * old certificate stays published for `keepPublishedSeconds`.
 */
export class EsealRing {
  readonly #db: Database;
  readonly #source: EsealSource;
  readonly #keepPublishedSeconds: number;
  #current: EsealKey;
  #materialHash: string;
  #published: JWK[] = [];
  #jwksJson = '';
  #version = '';
  readonly #listeners: ((key: EsealKey) => void)[] = [];

  private constructor(db: Database, source: EsealSource, keep: number, key: EsealKey, hash: string) {
    this.#db = db;
    this.#source = source;
    this.#keepPublishedSeconds = keep;
    this.#current = key;
    this.#materialHash = hash;
  }

  /** Reads, checks and registers the eSeal; throws CertificateError when it cannot be used. */
  static async open(db: Database, source: EsealSource, keepPublishedSeconds: number): Promise<EsealRing> {
    const material = await source.read();
    const key = await esealKeyFrom(material, source.description);
    const ring = new EsealRing(db, source, keepPublishedSeconds, key, hashOf(material));
    await ring.#register(key);
    await ring.#loadPublished(true);
    return ring;
  }

  get current(): EsealKey {
    return this.#current;
  }

  /** The JWKS served at /dezi/jwks.json, serialised once per change. */
  get jwksJson(): string {
    return this.#jwksJson;
  }

  get published(): JWK[] {
    return this.#published;
  }

  onChange(listener: (key: EsealKey) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Picks up a new eSeal from the source and certificates registered by other instances. A source
   * that now holds something unusable is reported (thrown) and the current key goes on signing.
   */
  async refresh(): Promise<boolean> {
    const material = await this.#source.read();
    const hash = hashOf(material);
    let changed = false;
    if (hash !== this.#materialHash) {
      const key = await esealKeyFrom(material, this.#source.description);
      await this.#register(key);
      this.#current = key;
      this.#materialHash = hash;
      changed = true;
    }
    const published = await this.#loadPublished(changed);
    if (changed) for (const l of this.#listeners) l(this.#current);
    return changed || published;
  }

  async #register(key: EsealKey): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await waitForAdvisoryLock(tx, ADVISORY_LOCK, 'eSeal registration');
      const inserted = await tx.query(
        `INSERT INTO eseal_certificates (kid, x5t_s256, jwk, not_after) VALUES ($1, $2, $3, $4)
         ON CONFLICT (x5t_s256) DO NOTHING RETURNING kid`,
        [key.kid, key.x5tS256, JSON.stringify(key.jwk), key.notAfter],
      );
      // A certificate seen for the first time is the newest: the others retire (stay published).
      if (inserted.length === 1) {
        await tx.query(
          'UPDATE eseal_certificates SET retired_at = now() WHERE retired_at IS NULL AND kid <> $1',
          [key.kid],
        );
      }
    });
  }

  /** Reloads the published set when it changed; true when it did. */
  async #loadPublished(force: boolean): Promise<boolean> {
    const rows = await this.#db.query<{ kid: string; jwk: JWK; retired: boolean }>(
      `SELECT kid, jwk, retired_at IS NOT NULL AS retired FROM eseal_certificates
       WHERE not_after > now() AND (retired_at IS NULL OR retired_at > now() - make_interval(secs => $1))
       ORDER BY retired_at IS NOT NULL, registered_at DESC`,
      [this.#keepPublishedSeconds],
    );
    const version = rows.map((r) => `${r.kid}${r.retired ? '-' : '+'}`).join(',');
    if (!force && version === this.#version) return false;
    this.#version = version;
    const jwks = rows.map((r) =>
      publishedOrder(typeof r.jwk === 'string' ? (JSON.parse(r.jwk) as JWK) : r.jwk),
    );
    // The key this instance signs with is always published, even if another instance retired it
    // long ago (an instance still running with an old file must not sign what nobody can verify).
    if (!jwks.some((k) => k.kid === this.#current.kid)) jwks.unshift(this.#current.jwk);
    this.#published = jwks;
    this.#jwksJson = JSON.stringify({ keys: jwks });
    return true;
  }
}

/** The members in the acceptance JWKS's order (jsonb keeps its own order, not ours). */
function publishedOrder(j: JWK): JWK {
  return { kty: j.kty, kid: j.kid, x5c: j.x5c, x5t: j.x5t, 'x5t#S256': j['x5t#S256'], n: j.n, e: j.e };
}

function hashOf(m: EsealMaterial): string {
  return createHash('sha256').update(m.keyPem).update('\0').update(m.chainPem).digest('base64url');
}
