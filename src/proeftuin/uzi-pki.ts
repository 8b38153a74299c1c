// The proeftuin's TEST UZI PKI: a TEST root, one TEST CA per card type, a TLS server certificate for
// the certificate listener, and test cards (certificate + key, PKCS#12 for a browser) for the test
// persons, plus a revoked card, a server (S) card and a card whose UZI-nummer is in no register.
// Generated at run time; kept in the data directory so that an imported card keeps working.
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, webcrypto } from 'node:crypto';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
import forge from 'node-forge';
import {
  CARD_TYPE_CA_OID,
  encodeUziSan,
  formatUziName,
  SAN_OID,
  type CardType,
} from '../means/uzi-pas/san.ts';
import { x509 } from '../pki/x509.ts';
import { SEED_ABONNEES, SEED_PERSONS } from './seed-data.ts';
import { certificateSerial, importKeyPair, newKeys, pkcs8Pem, rsa } from './test-keys.ts';

/** The password of every test card's PKCS#12 file (test data, printed on the proeftuin page). */
export const TEST_CARD_PASSWORD = 'proeftuin';
/** A UZI-nummer that belongs to no test person. */
export const UNKNOWN_UZI_NUMMER = '900099999';

const RSA = rsa(2048);

const DAY = 24 * 3600 * 1000;

const CA_NAMES: Record<CardType, string> = {
  Z: 'TEST UZI-register Zorgverlener CA G3',
  N: 'TEST UZI-register Medewerker op naam CA G3',
  M: 'TEST UZI-register Medewerker niet op naam CA G3',
  S: 'TEST UZI-register Server CA G3',
};
const ROOT_NAME = 'TEST Zorg CSP Root CA G3';

export interface TestCa {
  name: string;
  certPem: string;
  keys: CryptoKeyPair;
}

export type TestCardPurpose = 'login' | 'revoked' | 'server_card' | 'unknown_person';

export interface TestCard {
  /** File name stem: safe in a URL. */
  id: string;
  purpose: TestCardPurpose;
  holder: string;
  uziNummer: string;
  cardType: CardType;
  abonneeNummer: string;
  rolCode: string;
  certPem: string;
  keyPem: string;
  p12: Buffer;
}

export interface TestUziPki {
  root: TestCa;
  cas: Record<CardType, TestCa>;
  /** Root and CAs, PEM: what Dezi trusts in the proeftuin. */
  caPems: string[];
  server: { certPem: string; keyPem: string };
  cards: TestCard[];
  /** Serial numbers (hex) on each CA's revocation list, by CA name. */
  revoked: Record<string, string[]>;
}

async function issueCa(name: string, keys: CryptoKeyPair, issuer: TestCa | null): Promise<string> {
  const common = {
    serialNumber: certificateSerial(),
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 10 * 365 * DAY),
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, issuer ? 0 : 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  };
  if (!issuer)
    return (
      await x509.X509CertificateGenerator.createSelfSigned({
        ...common,
        name: `CN=${name}, O=TEST, C=NL`,
        keys,
      })
    ).toString('pem');
  const cert = await x509.X509CertificateGenerator.create({
    ...common,
    subject: `CN=${name}, O=TEST, C=NL`,
    issuer: new x509.X509Certificate(issuer.certPem).subject,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
  });
  return cert.toString('pem');
}

export interface CardSpec {
  holder: string;
  uziNummer: string;
  cardType: CardType;
  abonneeNummer: string;
  rolCode: string;
  notBefore?: Date;
  notAfter?: Date;
  /** Replaces the UZI subjectAltName (null: none at all). */
  san?: ArrayBuffer | null;
  keyUsage?: number;
  extendedKeyUsage?: string[];
}

/** A card certificate signed by the given CA (the tests also issue broken cards with this). */
export async function issueCardCertificate(ca: TestCa, spec: CardSpec, keys: CryptoKeyPair): Promise<string> {
  const value = formatUziName({
    caOid: CARD_TYPE_CA_OID[spec.cardType],
    version: '1',
    uziNummer: spec.uziNummer,
    cardType: spec.cardType,
    abonneeNummer: spec.abonneeNummer,
    rolCode: spec.rolCode,
    agb: '00000000',
  });
  const san = spec.san === undefined ? encodeUziSan(value) : spec.san;
  const org = SEED_ABONNEES.find((a) => a.abonneeNummer === spec.abonneeNummer)?.naam ?? 'TEST';
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: certificateSerial(),
    subject: `CN=${spec.holder}, 2.5.4.5=${spec.uziNummer}, O=${org}, C=NL`,
    issuer: new x509.X509Certificate(ca.certPem).subject,
    notBefore: spec.notBefore ?? new Date(Date.now() - DAY),
    notAfter: spec.notAfter ?? new Date(Date.now() + 3 * 365 * DAY),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(spec.keyUsage ?? x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(
        spec.extendedKeyUsage ??
          (spec.cardType === 'S' ? ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'] : ['1.3.6.1.5.5.7.3.2']),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
      ...(san ? [new x509.Extension(SAN_OID, false, san)] : []),
    ],
  });
  return cert.toString('pem');
}

/** PKCS#12 (AES-256 key encryption) with the card's key, certificate and CA chain, for a browser. */
export function pkcs12(
  keyPemText: string,
  chainPems: string[],
  friendlyName: string,
  password: string,
): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(keyPemText),
    chainPems.map((p) => forge.pki.certificateFromPem(p)),
    password,
    { algorithm: 'aes256', friendlyName, generateLocalKeyId: true },
  );
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

async function newCard(
  pki: Pick<TestUziPki, 'root' | 'cas'>,
  spec: CardSpec,
  id: string,
  purpose: TestCardPurpose,
): Promise<TestCard> {
  const keys = await newKeys(RSA);
  const ca = pki.cas[spec.cardType];
  const certPem = await issueCardCertificate(ca, spec, keys);
  const kp = await pkcs8Pem(keys.privateKey);
  return {
    id,
    purpose,
    holder: spec.holder,
    uziNummer: spec.uziNummer,
    cardType: spec.cardType,
    abonneeNummer: spec.abonneeNummer,
    rolCode: spec.rolCode,
    certPem,
    keyPem: kp,
    p12: pkcs12(
      kp,
      [certPem, ca.certPem, pki.root.certPem],
      `TEST UZI-pas ${spec.holder} (${spec.uziNummer})`,
      TEST_CARD_PASSWORD,
    ),
  };
}

async function generate(): Promise<Omit<TestUziPki, 'server'>> {
  const rootKeys = await newKeys(RSA);
  const root: TestCa = { name: ROOT_NAME, keys: rootKeys, certPem: await issueCa(ROOT_NAME, rootKeys, null) };
  const cas = {} as Record<CardType, TestCa>;
  for (const type of ['Z', 'N', 'M', 'S'] as const) {
    const keys = await newKeys(RSA);
    cas[type] = { name: CA_NAMES[type], keys, certPem: await issueCa(CA_NAMES[type], keys, root) };
  }
  const pki = { root, cas };
  const cards: TestCard[] = [];
  for (const p of SEED_PERSONS) {
    const e = p.employments[0];
    if (!e) continue;
    const holder = [p.voorletters, p.voorvoegsel, p.achternaam].filter(Boolean).join(' ');
    const spec: CardSpec = {
      holder,
      uziNummer: p.deziNummer,
      cardType: e.rolCodeBron === 'big' ? 'Z' : 'N',
      abonneeNummer: e.abonneeNummer,
      rolCode: e.rolCode ?? '00.000',
    };
    cards.push(await newCard(pki, spec, `uzi-${p.deziNummer}`, 'login'));
    if (cards.length === 1)
      cards.push(await newCard(pki, spec, `uzi-${p.deziNummer}-ingetrokken`, 'revoked'));
  }
  cards.push(
    await newCard(
      pki,
      {
        holder: 'TEST server Huisartsenpraktijk De Linde',
        uziNummer: '900090001',
        cardType: 'S',
        abonneeNummer: '90000111',
        rolCode: '00.000',
      },
      'uzi-server-900090001',
      'server_card',
    ),
    await newCard(
      pki,
      {
        holder: 'T. Onbekend',
        uziNummer: UNKNOWN_UZI_NUMMER,
        cardType: 'Z',
        abonneeNummer: '90000111',
        rolCode: '01.015',
      },
      `uzi-${UNKNOWN_UZI_NUMMER}`,
      'unknown_person',
    ),
  );
  const revokedSerials = cards
    .filter((c) => c.purpose === 'revoked')
    .map((c) => new x509.X509Certificate(c.certPem).serialNumber);
  return {
    root,
    cas,
    caPems: [root.certPem, ...Object.values(cas).map((c) => c.certPem)],
    cards,
    revoked: { [cas.Z.name]: revokedSerials },
  };
}

/** A TLS server certificate for the certificate listener, signed by the TEST root. */
async function serverCertificate(
  root: TestCa,
  hostnames: string[],
): Promise<{ certPem: string; keyPem: string }> {
  const keys = await newKeys(RSA);
  const names = hostnames.map((h) =>
    /^[\d.]+$/.test(h) || h.includes(':')
      ? { type: 'ip' as const, value: h.replace(/^\[|\]$/g, '') }
      : { type: 'dns' as const, value: h },
  );
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: certificateSerial(),
    subject: `CN=${hostnames[0]}, O=TEST Dezi proeftuin, C=NL`,
    issuer: new x509.X509Certificate(root.certPem).subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    publicKey: keys.publicKey,
    signingKey: root.keys.privateKey,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1']),
      new x509.SubjectAlternativeNameExtension(names),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await pkcs8Pem(keys.privateKey) };
}

interface StoredPki {
  root: { certPem: string; keyPem: string };
  cas: Record<CardType, { certPem: string; keyPem: string }>;
  cards: (Omit<TestCard, 'p12'> & { p12: string })[];
  revoked: Record<string, string[]>;
}

/**
 * Stores a freshly generated PKI, unless another instance sharing the data directory stored one
 * first: then that one is returned, so that every instance trusts and hands out the same TEST root.
 * pki.json appears complete or not at all (written aside, then hard-linked into place, which fails
 * when it exists).
 */
async function store(dir: string, pki: Omit<TestUziPki, 'server'>): Promise<Omit<TestUziPki, 'server'>> {
  const stored: StoredPki = {
    root: { certPem: pki.root.certPem, keyPem: await pkcs8Pem(pki.root.keys.privateKey) },
    cas: {} as StoredPki['cas'],
    cards: pki.cards.map((c) => ({ ...c, p12: c.p12.toString('base64') })),
    revoked: pki.revoked,
  };
  for (const [type, ca] of Object.entries(pki.cas) as [CardType, TestCa][]) {
    stored.cas[type] = { certPem: ca.certPem, keyPem: await pkcs8Pem(ca.keys.privateKey) };
  }
  mkdirSync(join(dir, 'cards'), { recursive: true, mode: 0o700 });
  const file = join(dir, 'pki.json');
  const aside = join(dir, `pki.json.${process.pid}.${randomBytes(6).toString('hex')}`);
  writeFileSync(aside, JSON.stringify(stored), { mode: 0o600 });
  try {
    linkSync(aside, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return load(dir);
    // A file system without hard links: the last instance to write wins, as before.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    renameSync(aside, file);
  } finally {
    rmSync(aside, { force: true });
  }
  writeFileSync(join(dir, 'test-uzi-root-ca.pem'), pki.root.certPem);
  for (const card of pki.cards)
    writeFileSync(join(dir, 'cards', `${card.id}.p12`), card.p12, { mode: 0o600 });
  return pki;
}

async function load(dir: string): Promise<Omit<TestUziPki, 'server'>> {
  const stored = JSON.parse(readFileSync(join(dir, 'pki.json'), 'utf8')) as StoredPki;
  const root: TestCa = {
    name: ROOT_NAME,
    certPem: stored.root.certPem,
    keys: await importKeyPair(stored.root.certPem, stored.root.keyPem, RSA),
  };
  const cas = {} as Record<CardType, TestCa>;
  for (const type of ['Z', 'N', 'M', 'S'] as const) {
    const s = stored.cas[type];
    cas[type] = {
      name: CA_NAMES[type],
      certPem: s.certPem,
      keys: await importKeyPair(s.certPem, s.keyPem, RSA),
    };
  }
  return {
    root,
    cas,
    caPems: [root.certPem, ...Object.values(cas).map((c) => c.certPem)],
    cards: stored.cards.map((c) => ({ ...c, p12: Buffer.from(c.p12, 'base64') })),
    revoked: stored.revoked,
  };
}

let inMemory: Promise<Omit<TestUziPki, 'server'>> | null = null;

/**
 * The proeftuin's TEST UZI PKI: read from dir, or generated (and stored there) on first start;
 * with dir null it lives in memory, generated once per process.
 */
export async function loadTestUziPki(dir: string | null, hostnames: string[]): Promise<TestUziPki> {
  let pki: Omit<TestUziPki, 'server'>;
  if (dir === null) {
    inMemory ??= generate();
    pki = await inMemory;
  } else if (existsSync(join(dir, 'pki.json'))) {
    pki = await load(dir);
  } else {
    pki = await store(dir, await generate());
  }
  // The server certificate follows the configured host names, so it is made fresh at every start.
  return { ...pki, server: await serverCertificate(pki.root, hostnames) };
}

/** The CA's current revocation list (DER), valid for a day. */
export async function testCrl(pki: TestUziPki, ca: TestCa): Promise<Buffer> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: new x509.X509Certificate(ca.certPem).subject,
    thisUpdate: new Date(Date.now() - 60_000),
    nextUpdate: new Date(Date.now() + DAY),
    entries: (pki.revoked[ca.name] ?? []).map((serialNumber) => ({
      serialNumber,
      revocationDate: new Date(Date.now() - 3600_000),
      reason: x509.X509CrlReason.keyCompromise,
    })),
    signingKey: ca.keys.privateKey,
    signingAlgorithm: RSA,
  });
  return Buffer.from(crl.rawData);
}

/** Every TEST CA, root first, with a name safe in a URL. */
export function testCas(pki: TestUziPki): { slug: string; ca: TestCa }[] {
  return [
    { slug: 'root', ca: pki.root },
    ...(['Z', 'N', 'M', 'S'] as const).map((t) => ({ slug: t.toLowerCase(), ca: pki.cas[t] })),
  ];
}
