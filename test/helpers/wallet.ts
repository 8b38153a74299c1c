// Wallet messages made by hand, for what a wallet written to the spec would not send: DPoP proofs and
// key proofs with the wrong nonce, audience, type or key. The wallet itself is the proeftuin's client.
import { createHash, randomBytes } from 'node:crypto';
import { importJWK, SignJWT } from 'jose';
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
