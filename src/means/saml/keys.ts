// SAML signing keys: a private key and its X.509 certificate (metadata publishes the certificate).
// Production reads them from files (a PKIoverheid certificate for DigiD); the proeftuin generates a
// self-signed pair once and keeps it in the database, the private key sealed with the master secret.
import 'reflect-metadata';
import { createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as x509 from '@peculiar/x509';
import type { Database } from '../../db/database.ts';
import type { Secrets } from '../../secrets.ts';
import { DeziError } from '../../errors.ts';

export interface SamlKeyPair {
  /** PKCS#8 PEM */
  privateKey: string;
  /** X.509 PEM */
  certificate: string;
}

export class SamlKeyError extends DeziError {
  override name = 'SamlKeyError';
}

// Node's WebCrypto is the standard one; its type differs from the DOM one @peculiar/x509 declares.
x509.cryptoProvider.set(webcrypto as never);

const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
} as const;

/** The certificate without PEM armour, as metadata's ds:X509Certificate holds it. */
export function certificateBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/** A key pair whose certificate really belongs to the private key, or a SamlKeyError. */
export function checkKeyPair(pair: SamlKeyPair): SamlKeyPair {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pair.certificate);
  } catch (err) {
    throw new SamlKeyError('the SAML certificate is not a PEM X.509 certificate', { cause: err });
  }
  let key;
  try {
    key = createPrivateKey(pair.privateKey);
  } catch (err) {
    throw new SamlKeyError('the SAML private key is not a PEM private key', { cause: err });
  }
  if (!cert.checkPrivateKey(key))
    throw new SamlKeyError('the SAML certificate does not match the private key');
  return pair;
}

export function readKeyPairFiles(keyFile: string, certFile: string): SamlKeyPair {
  let privateKey: string;
  let certificate: string;
  try {
    privateKey = readFileSync(keyFile, 'utf8');
    certificate = readFileSync(certFile, 'utf8');
  } catch (err) {
    throw new SamlKeyError(`cannot read the SAML key or certificate file: ${(err as Error).message}`);
  }
  return checkKeyPair({ privateKey, certificate });
}

/** A new RSA-2048 key with a self-signed certificate (proeftuin and tests only). */
export async function generateKeyPair(commonName: string, validDays = 365 * 5): Promise<SamlKeyPair> {
  const keys = await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8).toString('hex'),
    name: `CN=${commonName}`,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + validDays * 86_400_000),
    signingAlgorithm: RSA,
    keys,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKey = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trim()}\n-----END PRIVATE KEY-----\n`;
  return { privateKey, certificate: cert.toString('pem') };
}

/**
 * The key pair stored under this name, generated on first use. Two instances starting together
 * both generate one; the first insert wins and both read that one.
 */
export async function storedKeyPair(
  db: Database,
  secrets: Secrets,
  name: string,
  commonName: string,
): Promise<SamlKeyPair> {
  const context = `saml-key:${name}`;
  const read = async () => {
    const [row] = await db.query<{ private_key_sealed: Uint8Array; certificate: string }>(
      'SELECT private_key_sealed, certificate FROM saml_keys WHERE name = $1',
      [name],
    );
    if (!row) return null;
    const privateKey = secrets
      .decrypt('signing-keys-at-rest', Buffer.from(row.private_key_sealed), context)
      .toString('utf8');
    return { privateKey, certificate: row.certificate };
  };
  const existing = await read();
  if (existing) return existing;
  const fresh = await generateKeyPair(commonName);
  await db.query(
    `INSERT INTO saml_keys (name, private_key_sealed, certificate) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO NOTHING`,
    [
      name,
      secrets.encrypt('signing-keys-at-rest', Buffer.from(fresh.privateKey), context),
      fresh.certificate,
    ],
  );
  return (await read())!;
}
