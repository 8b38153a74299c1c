// X.509 certificates as keys: the eSeal certificate that signs verklaringen, and the certificates
// abonnees hand in per system for the userinfo encryption. Parsing PEM, the checks both need, and
// the JWK form (x5c, x5t, x5t#S256) in which they are published or stored.
import { createHash, X509Certificate } from 'node:crypto';
import { x509 } from './x509.ts';
import { DeziError } from '../errors.ts';

/** A certificate that cannot be used; the message says why and is safe to show to its owner. */
export class CertificateError extends DeziError {
  override name = 'CertificateError';
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** The DER bodies of the PEM blocks with this label, in order. */
export function pemBlocks(text: string, label: string): Buffer[] {
  const out: Buffer[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    if (m[1] === label) out.push(Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64'));
  }
  return out;
}

function parseDer(der: Buffer, what: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch {
    throw new CertificateError(`${what} is not a valid X.509 certificate`);
  }
}

/** Every certificate in a PEM text, leaf first as written. */
export function parsePemChain(text: string, what = 'the file'): X509Certificate[] {
  const ders = pemBlocks(text, 'CERTIFICATE');
  if (ders.length === 0) throw new CertificateError(`${what} holds no PEM certificate`);
  return ders.map((der, i) => parseDer(der, `certificate ${i + 1} of ${what}`));
}

/** x5c entries (base64 DER, RFC 7517 §4.7) as certificates; a malformed entry is named. */
export function parseX5c(x5c: unknown, what = 'x5c'): X509Certificate[] {
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > 10)
    throw new CertificateError(`${what} must be an array of 1 to 10 base64 certificates`);
  return x5c.map((entry, i) => {
    if (typeof entry !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(entry) || entry.length > 20_000)
      throw new CertificateError(`${what}[${i}] must be a base64 (not base64url) DER certificate`);
    return parseDer(Buffer.from(entry, 'base64'), `${what}[${i}]`);
  });
}

/**
 * Whether a certificate names this host among its SAN dNSNames, exactly (no wildcard, not by its
 * subject's CN): how a wallet issuer's identifier is bound to its certificate (HAIP).
 */
export function namesHost(cert: X509Certificate, host: string): boolean {
  return cert.checkHost(host, { subject: 'never', wildcards: false }) !== undefined;
}

export function x5cOf(chain: X509Certificate[]): string[] {
  return chain.map((c) => c.raw.toString('base64'));
}

export function thumbprints(cert: X509Certificate): { x5t: string; 'x5t#S256': string } {
  return {
    x5t: createHash('sha1').update(cert.raw).digest('base64url'),
    'x5t#S256': createHash('sha256').update(cert.raw).digest('base64url'),
  };
}

/** The RSA public key of a certificate as JWK members; refuses any other key type. */
export function rsaPublicJwk(
  cert: X509Certificate,
  what = 'the certificate',
): { kty: 'RSA'; n: string; e: string } {
  if (cert.publicKey.asymmetricKeyType !== 'rsa')
    throw new CertificateError(`${what} does not hold an RSA key`);
  const jwk = cert.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { kty: 'RSA', n: jwk.n, e: jwk.e };
}

export type KeyUsage = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment';

const USAGE_FLAGS: Record<KeyUsage, number> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
};

export interface CertificateRules {
  /** The smallest RSA modulus accepted. */
  minRsaBits: number;
  /** When the certificate has a key usage extension, it must allow at least one of these. */
  keyUsage: KeyUsage[];
  /** The moment at which it must be valid; omitted: validity is not checked. */
  validAt?: Date;
}

/** Checks a certificate as a key for a purpose; throws CertificateError naming what is wrong. */
export function checkCertificate(
  cert: X509Certificate,
  rules: CertificateRules,
  what = 'the certificate',
): void {
  rsaPublicJwk(cert, what);
  const bits = cert.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < rules.minRsaBits)
    throw new CertificateError(
      `${what} has an RSA key of ${bits} bits; at least ${rules.minRsaBits} are required`,
    );
  const usage = new x509.X509Certificate(cert.raw).getExtension(x509.KeyUsagesExtension);
  if (usage && !rules.keyUsage.some((u) => (usage.usages & USAGE_FLAGS[u]) !== 0)) {
    throw new CertificateError(
      `${what} is not meant for this use: its key usage lacks ${rules.keyUsage.join(' or ')}`,
    );
  }
  if (rules.validAt) {
    const at = rules.validAt.getTime();
    if (Date.parse(cert.validTo) <= at)
      throw new CertificateError(`${what} expired on ${new Date(cert.validTo).toISOString()}`);
    if (Date.parse(cert.validFrom) > at)
      throw new CertificateError(`${what} is not valid before ${new Date(cert.validFrom).toISOString()}`);
  }
}

/** Each certificate of a chain must be issued and signed by the next one. */
export function checkChainOrder(chain: X509Certificate[], what = 'the chain'): void {
  for (let i = 0; i + 1 < chain.length; i++) {
    const [child, parent] = [chain[i]!, chain[i + 1]!];
    if (!child.checkIssued(parent) || !child.verify(parent.publicKey))
      throw new CertificateError(`${what}: certificate ${i + 1} is not issued by certificate ${i + 2}`);
  }
}

/**
 * Whether the chain leads to one of the trust anchors: its last certificate is an anchor, or is
 * issued and signed by one. Validity of every certificate is checked at `at`.
 */
export function chainsTo(chain: X509Certificate[], anchors: X509Certificate[], at: Date): boolean {
  try {
    checkChainOrder(chain);
  } catch {
    return false;
  }
  const now = at.getTime();
  if (chain.some((c) => Date.parse(c.validTo) <= now || Date.parse(c.validFrom) > now)) return false;
  const last = chain[chain.length - 1]!;
  return anchors.some((a) => a.raw.equals(last.raw) || (last.checkIssued(a) && last.verify(a.publicKey)));
}
