// A wallet issuer of a test's own, and wallet messages made by hand, for what a wallet written to the spec would not send: DPoP proofs and
// key proofs with the wrong nonce, audience, type or key. The wallet itself is the proeftuin's client.
import assert from 'node:assert/strict';
import { createHash, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { decodeJwt, importJWK, SignJWT, type JWK } from 'jose';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { digest } from '@sd-jwt/crypto-nodejs';
import type { Database } from '../../src/db/database.ts';
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

/**
 * A credential as issued to this holder for this person: its key in cnf, the Dezi-nummer, decodable
 * as an SD-JWT VC. Returns the claims a verifier sees with every disclosure.
 */
export async function assertIssuedTo(
  credential: string,
  holder: KeyPair,
  deziNummer: string,
): Promise<Record<string, unknown>> {
  const payload = decodeJwt(credential.split('~')[0]!);
  assert.deepEqual(payload.cnf, {
    jwk: { kty: 'EC', crv: 'P-256', x: holder.publicJwk.x, y: holder.publicJwk.y },
  });
  assert.equal(payload.dezi_nummer, deziNummer);
  const sdjwt = new SDJwtVcInstance({ hasher: digest });
  assert.ok((await sdjwt.decode(credential)).jwt?.payload);
  return (await sdjwt.getClaims(credential)) as Record<string, unknown>;
}

/** The person's wallet.* audit entries, in order, as "action:outcome". */
export async function walletAudit(db: Database, deziNummer: string): Promise<string[]> {
  const rows = await db.query<{ action: string; outcome: string }>(
    `SELECT action, outcome FROM audit_events WHERE actor = $1 AND action LIKE 'wallet.%' ORDER BY id`,
    [deziNummer],
  );
  return rows.map((a) => `${a.action}:${a.outcome}`);
}
