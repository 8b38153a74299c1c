// A wallet for the tests, written with code nobody on the project wrote: @openid4vc's Openid4vciClient
// and Openid4vciWalletProvider, signing with jose. Its keys: a DPoP key, a holder key, and the wallet
// provider's (the proeftuin's test provider, or another one the test brings to be refused).
import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import {
  clientAuthenticationClientAttestationJwt,
  clientAuthenticationNone,
  type CallbackContext,
  type Jwk,
  type JwtSigner,
} from '@openid4vc/oauth2';
import { Openid4vciClient, Openid4vciWalletProvider } from '@openid4vc/openid4vci';
import { addSecondsToDate } from '@openid4vc/utils';
import type { TestWalletProvider } from '../../src/proeftuin/test-wallet-provider.ts';

export interface KeyPair {
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function newP256(): Promise<KeyPair> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}

const thumb = (jwk: JWK) => `${jwk.x}.${jwk.y}`;

/** Signs with whichever of the keys the library names (jwk) or the provider's (x5c). */
function signJwtWith(keys: KeyPair[], provider: TestWalletProvider): CallbackContext['signJwt'] {
  return async (signer: JwtSigner, { header, payload }) => {
    let privateJwk: JWK | undefined;
    let signerJwk: JWK;
    if (signer.method === 'x5c') {
      privateJwk = provider.privateJwk;
      signerJwk = provider.publicJwk;
    } else if (signer.method === 'jwk') {
      signerJwk = signer.publicJwk as JWK;
      privateJwk = keys.find((k) => thumb(k.publicJwk) === thumb(signerJwk))?.privateJwk;
    } else {
      throw new Error(`the test wallet does not sign with ${signer.method}`);
    }
    if (!privateJwk) throw new Error('the test wallet has no such key');
    const jwt = await new SignJWT(payload)
      .setProtectedHeader(header)
      .sign(await importJWK(privateJwk, 'ES256'));
    return { jwt, signerJwk: signerJwk as Jwk };
  };
}

export interface TestWallet {
  client: Openid4vciClient;
  dpop: KeyPair;
  holder: KeyPair;
  attestation: string;
  signer: (k: KeyPair) => { method: 'jwk'; alg: 'ES256'; publicJwk: Jwk };
}

/**
 * A wallet attested by this provider. With attest false it sends no attestation at all (a client
 * that is not a wallet).
 */
export async function testWallet(
  provider: TestWalletProvider,
  o: { attest?: boolean } = {},
): Promise<TestWallet> {
  const dpop = await newP256();
  const holder = await newP256();
  const base = {
    hash: (data: Uint8Array, alg: string) =>
      createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
    generateRandom: (n: number) => randomBytes(n),
    signJwt: signJwtWith([dpop, holder], provider),
    verifyJwt: async () => ({ verified: false as const }),
    fetch,
  };
  const attestation = await new Openid4vciWalletProvider({ callbacks: base }).createWalletAttestationJwt({
    clientId: 'test-wallet',
    issuer: 'https://wallet-provider.proeftuin.example',
    confirmation: { jwk: dpop.publicJwk as Jwk },
    expiresAt: addSecondsToDate(new Date(), 3600),
    signer: { method: 'x5c', alg: 'ES256', x5c: [provider.certDer] },
    walletName: 'TEST wallet',
  });
  const clientAuthentication =
    o.attest === false
      ? clientAuthenticationNone({ clientId: 'test-wallet' })
      : clientAuthenticationClientAttestationJwt({ clientAttestationJwt: attestation, callbacks: base });
  const client = new Openid4vciClient({ callbacks: { ...base, clientAuthentication } });
  return {
    client,
    dpop,
    holder,
    attestation,
    signer: (k) => ({ method: 'jwk', alg: 'ES256', publicJwk: k.publicJwk as Jwk }),
  };
}

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
