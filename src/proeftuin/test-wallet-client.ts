// The proeftuin's test wallet as a client, written with code nobody on the project wrote: @openid4vc's
// Openid4vciClient and Openid4vciWalletProvider, signing with jose. Its keys: a DPoP key, a holder key,
// and the wallet provider's (the proeftuin's test provider, or another one a test brings to be refused).
// The web test wallet (test-wallet.ts) and the tests use it alike.
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
import { walletCrypto } from '../wallet/jwt-callbacks.ts';
import type { TestWalletProvider } from './test-wallet-provider.ts';

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
    ...walletCrypto,
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

/**
 * The whole pre-authorized flow as a wallet runs it: the offer (a link), the issuer's metadata, the
 * token with the transaction code (DPoP nonce retry by the library), a c_nonce, a key proof, the
 * credential.
 */
export async function receiveCredential(wallet: TestWallet, offer: string, txCode: string): Promise<string> {
  const credentialOffer = await wallet.client.resolveCredentialOffer(offer);
  const issuerMetadata = await wallet.client.resolveIssuerMetadata(credentialOffer.credential_issuer);
  const configurationId = credentialOffer.credential_configuration_ids[0]!;
  const { accessTokenResponse, dpop } = await wallet.client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer,
    issuerMetadata,
    txCode,
    dpop: { signer: wallet.signer(wallet.dpop) },
  });
  const { c_nonce } = await wallet.client.requestNonce({ issuerMetadata });
  const { jwt } = await wallet.client.createCredentialRequestJwtProof({
    credentialConfigurationId: configurationId,
    issuerMetadata,
    signer: wallet.signer(wallet.holder),
    nonce: c_nonce,
  });
  const { credentialResponse } = await wallet.client.retrieveCredentials({
    issuerMetadata,
    accessToken: accessTokenResponse.access_token,
    credentialConfigurationId: configurationId,
    dpop,
    proofs: { jwt: [jwt] },
  });
  const [first] = (credentialResponse.credentials ?? []) as { credential: string }[];
  if (typeof first?.credential !== 'string') throw new Error('the issuer sent no credential');
  return first.credential;
}
