// A wallet issuer of a test's own, and wallet messages made by hand, for what a wallet written to the spec would not send: DPoP proofs and
// key proofs with the wrong nonce, audience, type or key. The wallet itself is the proeftuin's client.
import { createHash, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';
import { x509 } from '../../src/pki/x509.ts';
import { certificateSerial, newKeys, P256 } from '../../src/proeftuin/test-keys.ts';
import type { IssuerKey } from '../../src/wallet/credential.ts';
import type { KeyPair } from '../../src/proeftuin/test-wallet-client.ts';

export {
  newP256,
  receiveCredential,
  testWallet,
  type KeyPair,
  type TestWallet,
} from '../../src/proeftuin/test-wallet-client.ts';

/** A DPoP proof made by hand (RFC 9449 §4.2), for the messages the library would not send. */
export async function dpopProof(
  key: KeyPair,
  o: { htm: string; htu: string; nonce?: string; accessToken?: string; jti?: string; iat?: number },
): Promise<string> {
  return new SignJWT({
    jti: o.jti ?? randomBytes(12).toString('base64url'),
    htm: o.htm,
    htu: o.htu,
    iat: o.iat ?? Math.floor(Date.now() / 1000),
    ...(o.nonce ? { nonce: o.nonce } : {}),
    ...(o.accessToken ? { ath: createHash('sha256').update(o.accessToken).digest('base64url') } : {}),
  })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk })
    .sign(await importJWK(key.privateJwk, 'ES256'));
}

/** A key proof made by hand (OpenID4VCI §F.1). */
export async function keyProof(
  key: KeyPair,
  o: { aud: string; nonce?: string; iat?: number; typ?: string },
): Promise<string> {
  return new SignJWT({
    aud: o.aud,
    iat: o.iat ?? Math.floor(Date.now() / 1000),
    ...(o.nonce ? { nonce: o.nonce } : {}),
  })
    .setProtectedHeader({ typ: o.typ ?? 'openid4vci-proof+jwt', alg: 'ES256', jwk: key.publicJwk })
    .sign(await importJWK(key.privateJwk, 'ES256'));
}

/** An ES256 issuer key with a self-signed certificate naming host in its SAN (its x5c chain). */
export async function selfSignedIssuer(
  host: string,
): Promise<IssuerKey & { certPem: string; cert: X509Certificate }> {
  const keys = await newKeys(P256);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: certificateSerial(),
    name: `CN=TEST wallet issuer ${host}, O=TEST, C=NL`,
    notBefore: new Date(Date.now() - 3600_000),
    notAfter: new Date(Date.now() + 365 * 24 * 3600_000),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    keys,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: host }])],
  });
  return {
    privateJwk: (await webcrypto.subtle.exportKey('jwk', keys.privateKey)) as JWK,
    x5c: [Buffer.from(cert.rawData).toString('base64')],
    certPem: cert.toString('pem'),
    cert: new X509Certificate(Buffer.from(cert.rawData)),
  };
}
