// What the proeftuin's TEST PKIs (the UZI CA and cards, the eSeal CA) share: keys through Node's
// WebCrypto, their PEM form, certificate serial numbers.
import { webcrypto } from 'node:crypto';
import { x509 } from '../pki/x509.ts';

type CryptoKeyPair = webcrypto.CryptoKeyPair;

export function rsa(modulusLength: number): webcrypto.RsaHashedKeyGenParams {
  return {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength,
  };
}

/** An EC P-256 key pair (ES256): the wallet issuer's, the test wallet provider's. */
export const P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export async function newKeys(
  alg: webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams,
): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** A private key as PKCS#8 PEM, 64 characters a line. */
export async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN PRIVATE KEY-----\n${lines}\n-----END PRIVATE KEY-----\n`;
}

/** A stored key pair: the private key from its PKCS#8 PEM, the public key from the certificate. */
export async function importKeyPair(
  certPem: string,
  keyPem: string,
  alg: webcrypto.RsaHashedKeyGenParams,
): Promise<CryptoKeyPair> {
  const der = Buffer.from(keyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, alg, true, ['sign']);
  const publicKey = await new x509.X509Certificate(certPem).publicKey.export(
    alg,
    ['verify'],
    webcrypto as unknown as typeof globalThis.crypto,
  );
  return { privateKey, publicKey };
}

/** A certificate serial number: positive, 16 bytes, no leading zero byte. */
export function certificateSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x10;
  return Buffer.from(bytes).toString('hex');
}
