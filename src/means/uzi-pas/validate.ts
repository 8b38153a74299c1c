// Validation of a presented UZI-pas certificate, every check written out: the chain to a configured
// UZI CA (issuer name and signature, CA basicConstraints), validity of every certificate in it,
// revocation (CRL of each issuer), the subjectAltName otherName 2.5.5.5, card type, key usage.
import { X509Certificate } from 'node:crypto';
import type { UziCrlStore } from './crl.ts';
import { UziPasError } from './errors.ts';
import { CARD_TYPE_CA_OID, GarbledSanError, parseUziName, uziOtherNames, type UziCardName } from './san.ts';
import { UziTrustStore } from './trust.ts';
import { x509 } from '../../pki/x509.ts';

export interface UziCard extends UziCardName {
  subject: string;
  serialNumber: string;
  fingerprint256: string;
}

const MAX_CHAIN = 5;
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const SAN = '2.5.29.17';

/** For log lines: a CA by its name, a card by its serial number only (its subject names a person). */
function describe(cert: X509Certificate): string {
  return cert.ca ? cert.subject.replace(/\n/g, ', ') : `certificate ${cert.serialNumber}`;
}

function checkValidity(cert: X509Certificate, now: number): void {
  if (new Date(cert.validFrom).getTime() > now) {
    throw new UziPasError('not_yet_valid', `${describe(cert)} is valid from ${cert.validFrom}`);
  }
  if (new Date(cert.validTo).getTime() < now) {
    throw new UziPasError('expired', `${describe(cert)} expired ${cert.validTo}`);
  }
}

export class UziCertificateValidator {
  readonly #trust: UziTrustStore;
  readonly #crls: UziCrlStore;

  constructor(trust: UziTrustStore, crls: UziCrlStore) {
    this.#trust = trust;
    this.#crls = crls;
  }

  async validate(der: Buffer | null): Promise<UziCard> {
    if (!der || der.length === 0) throw new UziPasError('no_certificate', 'no client certificate presented');
    let leaf: X509Certificate;
    let detail: x509.X509Certificate;
    try {
      leaf = new X509Certificate(der);
      detail = new x509.X509Certificate(leaf.raw);
    } catch (err) {
      throw new UziPasError('garbled_certificate', 'the certificate is not valid DER', { cause: err });
    }
    if (leaf.ca) throw new UziPasError('wrong_key_usage', `${describe(leaf)} is a CA certificate`);

    const now = Date.now();
    const chain = this.#chain(leaf);
    for (const cert of chain) checkValidity(cert, now);
    // Each certificate in the chain is checked against the revocation list of the CA above it.
    for (let n = 0; n + 1 < chain.length; n++) {
      const cert = chain[n]!;
      const crl = await this.#crls.listFor(chain[n + 1]!);
      const entry = crl.findRevoked(new x509.X509Certificate(cert.raw));
      if (entry) {
        throw new UziPasError(
          'revoked',
          `${describe(cert)} was revoked ${entry.revocationDate.toISOString()}`,
        );
      }
    }

    const name = this.#uziName(detail);
    if (CARD_TYPE_CA_OID[name.cardType] !== name.caOid) {
      throw new UziPasError(
        'garbled_san',
        `card type ${name.cardType} does not belong to CA OID ${name.caOid}`,
      );
    }
    if (name.cardType === 'S') {
      throw new UziPasError(
        'server_card',
        `card type S (server certificate) for UZI-nummer ${name.uziNummer}`,
      );
    }
    this.#checkKeyUsage(detail);
    return {
      ...name,
      subject: leaf.subject.replace(/\n/g, ', '),
      serialNumber: leaf.serialNumber,
      fingerprint256: leaf.fingerprint256,
    };
  }

  /** The leaf and the configured CAs above it, up to a self-signed CA or a configured CA whose issuer is not configured. */
  #chain(leaf: X509Certificate): X509Certificate[] {
    const chain = [leaf];
    let current = leaf;
    for (;;) {
      const candidates = this.#trust.issuersOf(current);
      if (candidates.length === 0) {
        if (current === leaf) {
          throw new UziPasError(
            'unknown_issuer',
            `issuer "${leaf.issuer.replace(/\n/g, ', ')}" is no configured UZI CA`,
          );
        }
        return chain; // a configured CA is a trust anchor in its own right
      }
      const issuer = candidates.find((ca) => current.verify(ca.publicKey));
      if (!issuer)
        throw new UziPasError('bad_signature', `signature on ${describe(current)} does not verify`);
      if (!issuer.ca) throw new UziPasError('not_a_ca', `${describe(issuer)} is not a CA`);
      if (issuer === current || UziTrustStore.isSelfSigned(issuer)) {
        if (issuer !== current) chain.push(issuer);
        return chain;
      }
      chain.push(issuer);
      if (chain.length > MAX_CHAIN) throw new UziPasError('unknown_issuer', 'certificate chain too long');
      current = issuer;
    }
  }

  #uziName(cert: x509.X509Certificate): UziCardName {
    const ext = cert.extensions.find((e) => e.type === SAN);
    if (!ext) throw new UziPasError('missing_san', 'the certificate has no subjectAltName');
    let values: string[];
    try {
      values = uziOtherNames(ext.value);
    } catch (err) {
      throw new UziPasError('garbled_san', (err as Error).message, { cause: err });
    }
    if (values.length === 0) throw new UziPasError('missing_san', 'no otherName 2.5.5.5 in subjectAltName');
    if (values.length > 1) throw new UziPasError('garbled_san', 'more than one otherName 2.5.5.5');
    try {
      return parseUziName(values[0]!);
    } catch (err) {
      if (err instanceof GarbledSanError) throw new UziPasError('garbled_san', err.message, { cause: err });
      throw err;
    }
  }

  #checkKeyUsage(cert: x509.X509Certificate): void {
    const ku = cert.getExtension(x509.KeyUsagesExtension);
    if (!ku || (ku.usages & x509.KeyUsageFlags.digitalSignature) === 0) {
      throw new UziPasError('wrong_key_usage', 'key usage does not allow digitalSignature (authentication)');
    }
    const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
    if (eku && !eku.usages.map(String).includes(CLIENT_AUTH)) {
      throw new UziPasError('wrong_key_usage', 'extended key usage does not allow client authentication');
    }
  }
}
