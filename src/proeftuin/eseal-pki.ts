// The proeftuin's TEST eSeal: a TEST CA and a "TEST Dezi-register" eSeal certificate under it,
// made at first start and kept in the data directory (as the TEST UZI PKI is), so that a relying
// party can pin the TEST CA. Production reads a PKIoverheid eSeal from files instead.
import { existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { ensureDirectory } from '../db/directory.ts';
import { join } from 'node:path';
import { webcrypto, X509Certificate } from 'node:crypto';
import { namesHost } from '../pki/certificates.ts';
import { x509 } from '../pki/x509.ts';
import { certificateSerial, importKeyPair, newKeys, P256, pkcs8Pem, rsa } from './test-keys.ts';
import { fileEsealSource, type EsealMaterial, type EsealSource } from '../verklaring/eseal.ts';

const RSA = rsa(3072); // NCSC guidance for RSA, as Dezi's own keys
const DAY = 24 * 3600 * 1000;
const CA_SUBJECT = 'CN=TEST Dezi proeftuin eSeal CA, O=TEST Dezi proeftuin, C=NL';
const ESEAL_SUBJECT = 'CN=TEST Dezi-register, O=TEST Dezi proeftuin, C=NL';

export const TEST_ESEAL_FILES = {
  caCert: 'test-eseal-ca.pem',
  caKey: 'test-eseal-ca-key.pem',
  chain: 'eseal.pem',
  key: 'eseal-key.pem',
  walletChain: 'wallet-issuer.pem',
  walletKey: 'wallet-issuer-key.pem',
} as const;

const WALLET_ISSUER_SUBJECT = 'CN=TEST Dezi wallet issuer, O=TEST Dezi proeftuin, C=NL';

interface TestCa {
  certPem: string;
  keys: webcrypto.CryptoKeyPair;
}

async function newCa(): Promise<TestCa> {
  const keys = await newKeys(RSA);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: certificateSerial(),
    name: CA_SUBJECT,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 10 * 365 * DAY),
    signingAlgorithm: RSA,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keys };
}

async function importCa(certPem: string, keyPem: string): Promise<TestCa> {
  return { certPem, keys: await importKeyPair(certPem, keyPem, RSA) };
}

/** A new eSeal key and certificate (valid three years, like the acceptance environment's) under the CA. */
export async function issueTestEseal(
  ca: TestCa,
  o: { notBefore?: Date; notAfter?: Date; keyUsage?: number; modulusLength?: number } = {},
): Promise<EsealMaterial> {
  const keys = await newKeys(rsa(o.modulusLength ?? RSA.modulusLength));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: certificateSerial(),
    subject: ESEAL_SUBJECT,
    issuer: new x509.X509Certificate(ca.certPem).subject,
    notBefore: o.notBefore ?? new Date(Date.now() - DAY),
    notAfter: o.notAfter ?? new Date(Date.now() + 3 * 365 * DAY),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(o.keyUsage ?? x509.KeyUsageFlags.nonRepudiation, true),
      // Document signing, as on the acceptance environment's eSeal certificate.
      new x509.ExtendedKeyUsageExtension(['1.3.6.1.4.1.311.10.3.12']),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { keyPem: await pkcs8Pem(keys.privateKey), chainPem: `${cert.toString('pem')}\n${ca.certPem}\n` };
}

/**
 * The wallet issuer's TEST certificate under the same CA: P-256 (HAIP's ES256), the issuer's host in
 * its SAN (HAIP: the credential issuer identifier's host is in the leaf's dNSName), valid a year.
 */
export async function issueTestWalletIssuer(ca: TestCa, host: string): Promise<EsealMaterial> {
  const keys = await newKeys(P256);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: certificateSerial(),
    subject: WALLET_ISSUER_SUBJECT,
    issuer: new x509.X509Certificate(ca.certPem).subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: host }]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { keyPem: await pkcs8Pem(keys.privateKey), chainPem: `${cert.toString('pem')}\n${ca.certPem}\n` };
}

/** Whether a stored wallet issuer certificate still serves: this host in its SAN, a month left at least. */
function walletIssuerServes(chainPem: string, host: string): boolean {
  const leaf = new X509Certificate(chainPem);
  return namesHost(leaf, host) && Date.parse(leaf.validTo) - Date.now() > 30 * DAY;
}

export interface TestEseal {
  /** The TEST CA certificate (PEM): the trust anchor a relying party in the proeftuin pins. */
  caPem: string;
  source: EsealSource;
  /** A new eSeal key and certificate under the same CA; instances pick it up at their next key poll. */
  rotate(): Promise<void>;
  /** A certificate under the same CA, for tests of what Dezi refuses. */
  issue(o?: Parameters<typeof issueTestEseal>[1]): Promise<EsealMaterial>;
  /** The wallet issuer's TEST key and certificate chain for this host (kept beside the eSeal's). */
  walletIssuer(host: string): Promise<EsealMaterial>;
}

const LOCK_STALE_MS = 60_000;

/** Runs fn while holding a lock directory in dir (mkdir is atomic); a lock older than a minute is stale. */
async function withDirectoryLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, '.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmdirSync(lock);
      } catch {
        // gone meanwhile: try again
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    rmdirSync(lock);
  }
}

function writeAtomically(file: string, text: string, mode: number): void {
  writeFileSync(`${file}.new`, text, { mode });
  renameSync(`${file}.new`, file);
}

let inMemory: Promise<{ ca: TestCa; material: { current: EsealMaterial } }> | null = null;
const inMemoryWalletIssuers = new Map<string, Promise<EsealMaterial>>();

/**
 * The TEST eSeal, kept in dir (created at first start), or with dir null in memory, once per
 * process (so that instances started by one test share it, as instances on one host share files).
 */
export async function loadTestEseal(dir: string | null): Promise<TestEseal> {
  if (dir === null) {
    inMemory ??= (async () => {
      const ca = await newCa();
      return { ca, material: { current: await issueTestEseal(ca) } };
    })();
    const { ca, material } = await inMemory;
    return {
      caPem: ca.certPem,
      source: { description: "the proeftuin's TEST eSeal (in memory)", read: async () => material.current },
      rotate: async () => {
        material.current = await issueTestEseal(ca);
      },
      issue: (o) => issueTestEseal(ca, o),
      walletIssuer: (host) => {
        let m = inMemoryWalletIssuers.get(host);
        if (!m) inMemoryWalletIssuers.set(host, (m = issueTestWalletIssuer(ca, host)));
        return m;
      },
    };
  }
  const file = (name: keyof typeof TEST_ESEAL_FILES) => join(dir, TEST_ESEAL_FILES[name]);
  const write = (m: EsealMaterial) => {
    // Key first: an instance polling in between reads a key that does not match the old
    // certificate, refuses that pair and keeps signing; the next poll reads both new files.
    writeAtomically(file('key'), m.keyPem, 0o600);
    writeAtomically(file('chain'), m.chainPem, 0o644);
  };
  ensureDirectory(dir, 'the TEST eSeal directory');
  // Two instances starting at once on one data directory must end up with one CA and one eSeal.
  const ca = await withDirectoryLock(dir, async () => {
    let ca: TestCa;
    if (existsSync(file('caCert')) && existsSync(file('caKey'))) {
      ca = await importCa(readFileSync(file('caCert'), 'utf8'), readFileSync(file('caKey'), 'utf8'));
    } else {
      ca = await newCa();
      writeAtomically(file('caKey'), await pkcs8Pem(ca.keys.privateKey), 0o600);
      writeAtomically(file('caCert'), ca.certPem, 0o644);
    }
    if (!existsSync(file('chain')) || !existsSync(file('key'))) write(await issueTestEseal(ca));
    return ca;
  });
  return {
    caPem: ca.certPem,
    source: fileEsealSource(file('key'), file('chain')),
    rotate: () => withDirectoryLock(dir, async () => write(await issueTestEseal(ca))),
    issue: (o) => issueTestEseal(ca, o),
    walletIssuer: (host) =>
      withDirectoryLock(dir, async () => {
        if (existsSync(file('walletChain')) && existsSync(file('walletKey'))) {
          const stored = {
            chainPem: readFileSync(file('walletChain'), 'utf8'),
            keyPem: readFileSync(file('walletKey'), 'utf8'),
          };
          if (walletIssuerServes(stored.chainPem, host)) return stored;
        }
        const m = await issueTestWalletIssuer(ca, host);
        writeAtomically(file('walletKey'), m.keyPem, 0o600);
        writeAtomically(file('walletChain'), m.chainPem, 0o644);
        return m;
      }),
  };
}
