// The proeftuin's test wallet as a client, written with code nobody on the project wrote: @openid4vc's
// Openid4vciClient and Openid4vciWalletProvider, signing with jose. Its keys: a DPoP key, a holder key,
// and the wallet provider's (the proeftuin's test provider, or another one a test brings to be refused).
// The web test wallet (test-wallet.ts) and the tests use it alike.
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import {
  authorizationCodeGrantIdentifier,
  clientAuthenticationClientAttestationJwt,
  clientAuthenticationNone,
  type CallbackContext,
  type ClientAuthenticationCallback,
  type Jwk,
  type JwtSigner,
  type RequestDpopOptions,
} from '@openid4vc/oauth2';
import {
  Openid4vciClient,
  Openid4vciWalletProvider,
  type CredentialOfferObject,
  type IssuerMetadataResult,
} from '@openid4vc/openid4vci';
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

/** The client id the test wallet's attestation names (its `sub`), and so its client_id at PAR. */
export const TEST_WALLET_CLIENT_ID = 'test-wallet';

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
  /** Adds the attestation and its proof of possession to a request's headers, as the library does. */
  authenticate: ClientAuthenticationCallback;
  signer: (k: KeyPair) => { method: 'jwk'; alg: 'ES256'; publicJwk: Jwk };
}

/**
 * A wallet attested by this provider. With attest false it sends no attestation at all (a client
 * that is not a wallet); a test may name another client id or bring the DPoP key of another wallet,
 * and a wallet that comes back from the browser brings its own keys again.
 */
export async function testWallet(
  provider: TestWalletProvider,
  o: { attest?: boolean; clientId?: string; dpop?: KeyPair; holder?: KeyPair } = {},
): Promise<TestWallet> {
  const dpop = o.dpop ?? (await newP256());
  const clientId = o.clientId ?? TEST_WALLET_CLIENT_ID;
  const holder = o.holder ?? (await newP256());
  const base = {
    ...walletCrypto,
    signJwt: signJwtWith([dpop, holder], provider),
    verifyJwt: async () => ({ verified: false as const }),
    fetch,
  };
  const attestation = await new Openid4vciWalletProvider({ callbacks: base }).createWalletAttestationJwt({
    clientId,
    issuer: 'https://wallet-provider.proeftuin.example',
    confirmation: { jwk: dpop.publicJwk as Jwk },
    expiresAt: addSecondsToDate(new Date(), 3600),
    signer: { method: 'x5c', alg: 'ES256', x5c: [provider.certDer] },
    walletName: 'TEST wallet',
  });
  const clientAuthentication =
    o.attest === false
      ? clientAuthenticationNone({ clientId })
      : clientAuthenticationClientAttestationJwt({ clientAttestationJwt: attestation, callbacks: base });
  const client = new Openid4vciClient({ callbacks: { ...base, clientAuthentication } });
  return {
    client,
    dpop,
    holder,
    attestation,
    authenticate: clientAuthentication,
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
  return credentialWith(wallet, issuerMetadata, configurationId, accessTokenResponse.access_token, dpop);
}

/** With an access token: a c_nonce, a key proof over it with the holder key, the credential. */
async function credentialWith(
  wallet: TestWallet,
  issuerMetadata: IssuerMetadataResult,
  configurationId: string,
  accessToken: string,
  dpop: RequestDpopOptions | undefined,
): Promise<string> {
  const { c_nonce } = await wallet.client.requestNonce({ issuerMetadata });
  const { jwt } = await wallet.client.createCredentialRequestJwtProof({
    credentialConfigurationId: configurationId,
    issuerMetadata,
    signer: wallet.signer(wallet.holder),
    nonce: c_nonce,
  });
  const { credentialResponse } = await wallet.client.retrieveCredentials({
    issuerMetadata,
    accessToken,
    credentialConfigurationId: configurationId,
    dpop,
    proofs: { jwt: [jwt] },
  });
  const [first] = (credentialResponse.credentials ?? []) as { credential: string }[];
  if (typeof first?.credential !== 'string') throw new Error('the issuer sent no credential');
  return first.credential;
}

/** The offer a wallet that starts on its own acts as if it had: the issuer, a configuration, the grant. */
async function ownStart(wallet: TestWallet, issuer: string) {
  const issuerMetadata = await wallet.client.resolveIssuerMetadata(issuer);
  const configurationId = Object.keys(
    issuerMetadata.credentialIssuer.credential_configurations_supported,
  )[0]!;
  const credentialOffer: CredentialOfferObject = {
    credential_issuer: issuer,
    credential_configuration_ids: [configurationId],
    grants: { [authorizationCodeGrantIdentifier]: {} },
  };
  return { issuerMetadata, configurationId, credentialOffer };
}

/**
 * The authorization code flow as a wallet starts it on its own, without an offer: PAR with PKCE, DPoP
 * and the attestation, by the library. Returns the URL to open in the person's browser and the PKCE
 * verifier to keep until the browser comes back (finishAuthorization).
 */
export async function startAuthorization(
  wallet: TestWallet,
  issuer: string,
  redirectUri: string,
): Promise<{ url: string; codeVerifier: string }> {
  const { issuerMetadata, configurationId, credentialOffer } = await ownStart(wallet, issuer);
  const { authorizationRequestUrl, pkce } = await wallet.client.createAuthorizationRequestUrlFromOffer({
    clientId: TEST_WALLET_CLIENT_ID,
    credentialOffer,
    issuerMetadata,
    redirectUri,
    scope: configurationId,
    dpop: { signer: wallet.signer(wallet.dpop) },
  });
  if (!pkce) throw new Error('the authorization server offers no PKCE');
  return { url: authorizationRequestUrl, codeVerifier: pkce.codeVerifier };
}

/**
 * With the redirect the browser came back with: `iss` checked (RFC 9207) by the library, the code
 * redeemed with the verifier and the same DPoP key (a stale nonce is retried by the library), then
 * the credential. `@openid4vc`'s OpenID4VCI client sends no state: PKCE ties the answer to the request.
 */
export async function finishAuthorization(
  wallet: TestWallet,
  issuer: string,
  o: { redirectUri: string; codeVerifier: string; redirect: string },
): Promise<string> {
  const { issuerMetadata, configurationId, credentialOffer } = await ownStart(wallet, issuer);
  const response = wallet.client.parseAndVerifyAuthorizationResponseRedirectUrl({
    url: o.redirect,
    authorizationServerMetadata: issuerMetadata.authorizationServers[0]!,
  });
  if (response.error !== undefined) throw new Error(`the authorization was refused: ${response.error}`);
  const token = await wallet.client.retrieveAuthorizationCodeAccessTokenFromOffer({
    issuerMetadata,
    credentialOffer,
    authorizationCode: response.code as string,
    pkceCodeVerifier: o.codeVerifier,
    redirectUri: o.redirectUri,
    dpop: { signer: wallet.signer(wallet.dpop) },
  });
  return credentialWith(
    wallet,
    issuerMetadata,
    configurationId,
    token.accessTokenResponse.access_token,
    token.dpop,
  );
}
