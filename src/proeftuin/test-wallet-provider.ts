// The proeftuin's test wallet provider: the certificate Dezi trusts for wallet attestations in the
// proeftuin (no configured providers), and its key, with which the proeftuin's test wallet and the
// tests attest a wallet as a real provider (the NL wallet's, say) would. Made once per process.
import { webcrypto } from 'node:crypto';
import type { JWK } from 'jose';
import { x509 } from '../pki/x509.ts';
import { certificateSerial, newKeys, P256 } from './test-keys.ts';

const DAY = 24 * 3600 * 1000;

export interface TestWalletProvider {
  certPem: string;
  /** base64 DER, for an attestation's x5c. */
  certDer: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

let provider: Promise<TestWalletProvider> | null = null;

/** The proeftuin's provider, the same one for the whole process. */
export function testWalletProvider(): Promise<TestWalletProvider> {
  provider ??= newTestWalletProvider();
  return provider;
}

/** A provider of its own (a test's stranger that Dezi does not trust). */
export function newTestWalletProvider(): Promise<TestWalletProvider> {
  return selfSignedP256('CN=TEST Dezi proeftuin wallet provider, O=TEST Dezi proeftuin, C=NL');
}

/** A self-signed P-256 key and certificate (a trust anchor of its own), with a DNS name when given. */
export async function selfSignedP256(name: string, dnsName?: string): Promise<TestWalletProvider> {
  {
    const keys = await newKeys(P256);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: certificateSerial(),
      name,
      notBefore: new Date(Date.now() - DAY),
      notAfter: new Date(Date.now() + 365 * DAY),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        ...(dnsName ? [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: dnsName }])] : []),
      ],
    });
    const privateJwk = (await webcrypto.subtle.exportKey('jwk', keys.privateKey)) as JWK;
    const { d: _d, ...publicJwk } = privateJwk;
    return {
      certPem: cert.toString('pem'),
      certDer: Buffer.from(cert.rawData).toString('base64'),
      privateJwk: { kty: 'EC', crv: 'P-256', x: privateJwk.x, y: privateJwk.y, d: privateJwk.d },
      publicJwk: { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y },
    };
  }
}
