// The configured UZI CA certificates: the only issuers a card may chain to.
import { X509Certificate } from 'node:crypto';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export class UziTrustStore {
  readonly certificates: readonly X509Certificate[];

  constructor(pemBundles: string[]) {
    const certs: X509Certificate[] = [];
    for (const bundle of pemBundles) {
      const blocks = bundle.match(PEM_BLOCK) ?? [];
      if (blocks.length === 0) throw new Error('a UZI CA file holds no PEM certificate');
      for (const block of blocks) {
        const cert = new X509Certificate(block);
        if (!cert.ca) throw new Error(`UZI CA certificate "${cert.subject}" is not a CA (basicConstraints)`);
        certs.push(cert);
      }
    }
    if (certs.length === 0) throw new Error('no UZI CA certificate configured');
    this.certificates = certs;
  }

  /** Configured CAs whose subject is the certificate's issuer (the signature is checked by the caller). */
  issuersOf(cert: X509Certificate): X509Certificate[] {
    return this.certificates.filter((ca) => cert.checkIssued(ca));
  }

  static isSelfSigned(cert: X509Certificate): boolean {
    return cert.checkIssued(cert) && cert.verify(cert.publicKey);
  }
}
