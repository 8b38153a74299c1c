// The certificate a vendor hands in per system for the userinfo encryption (spec §4.3.3): self-signed
// here, with the private key the relying party decrypts with.
import { createHash, webcrypto } from 'node:crypto';
import { x509 } from '../../src/pki/x509.ts';

export interface EncryptionCertificate {
  certPem: string;
  /** base64 DER, as in a JWK's x5c. */
  x5c: string;
  x5tS256: string;
  /** RSA-OAEP private key for jose's compactDecrypt. */
  privateKey: webcrypto.CryptoKey;
  /** The signing form of the key pair, to issue another certificate for the same key. */
  keys: webcrypto.CryptoKeyPair;
}

export async function encryptionCertificate(
  o: {
    bits?: number;
    notBefore?: Date;
    notAfter?: Date;
    keyUsage?: 'keyEncipherment' | 'digitalSignature';
    /** The key pair of an earlier certificate: a new certificate for the same key. */
    keys?: webcrypto.CryptoKeyPair;
  } = {},
): Promise<EncryptionCertificate> {
  const signing = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]) };
  const keys =
    o.keys ??
    ((await webcrypto.subtle.generateKey({ ...signing, modulusLength: o.bits ?? 2048 }, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '0a1b2c3d4e5f',
    name: 'CN=EPD Zuid userinfo, O=Zorgsoft Test B.V., C=NL',
    notBefore: o.notBefore ?? new Date(Date.now() - 86_400_000),
    notAfter: o.notAfter ?? new Date(Date.now() + 365 * 86_400_000),
    signingAlgorithm: signing,
    keys,
    extensions: [
      new x509.KeyUsagesExtension(
        o.keyUsage === 'digitalSignature'
          ? x509.KeyUsageFlags.digitalSignature
          : x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.dataEncipherment,
        true,
      ),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const privateKey = await webcrypto.subtle.importKey(
    'pkcs8',
    pkcs8,
    { name: 'RSA-OAEP', hash: 'SHA-1' },
    false,
    ['decrypt', 'unwrapKey'],
  );
  const der = Buffer.from(cert.rawData);
  return {
    certPem: cert.toString('pem'),
    x5c: der.toString('base64'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
    privateKey,
    keys,
  };
}
