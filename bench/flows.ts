// The relying party and the person, as the load driver plays them: the authorization request with
// PKCE, whatever pages the servers show (Dezi: "Hoe wilt u inloggen?", then the login means' pages
// (the DigiD stand-in's or the OIDC means supplier's, in their own process), "Waar werk je? Wat ben
// je?"; the reference: none), the token request with private_key_jwt, and userinfo (Dezi: decrypted
// and its envelope verified, as a zorgapplicatie must).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  compactDecrypt,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import { X509Certificate } from 'node:crypto';
import { setGlobalConfig } from '@openid4vc/utils';
import { receiveCredential, testWallet } from '../src/proeftuin/test-wallet-client.ts';
import { presentCredential } from '../src/proeftuin/test-wallet-presenter.ts';
import type { TestWalletProvider } from '../src/proeftuin/test-wallet-provider.ts';
import { decodeEntities, findForm, radioValues } from '../test/helpers/browser.ts';
import { Client, type Recorder, type Response, type Upstreams } from './lib.ts';

export const REDIRECT_URI = 'https://zorgapp.bench/callback';
/** Where the OIDC means supplier's account page posts (bench/upstreams.ts). */
const OP_INTERACTION_PATH = '/op/interaction/';

/** Who logs in, and with which means: a BSN at DigiD, a UZI-nummer at the OIDC means supplier. */
export interface Person {
  bsn: string;
  uziNummer: string;
  means: string;
  /** With the wallet: the credential the person's wallet holds. */
  wallet?: HeldCredential;
}

/** A verklaring in a wallet: the SD-JWT VC, the holder's key, the anchor the wallet trusts Dezi by. */
export interface HeldCredential {
  credential: string;
  holder: JWK;
  trusted: X509Certificate[];
}

export interface Rp {
  clientId: string;
  issuer: string;
  signingKey: CryptoKey;
  decryptionKey: CryptoKey;
  jwks: { keys: JWK[] };
  /** The server's published keys, fetched once (a relying party caches them). */
  serverKeys?: ReturnType<typeof createLocalJWKSet>;
}

export async function rpKeys() {
  const sig = await generateKeyPair('RS256', { extractable: true });
  const enc = await generateKeyPair('RSA-OAEP', { extractable: true });
  const jwks = {
    keys: [
      { ...(await exportJWK(sig.publicKey)), kid: 'sig-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(enc.publicKey)), kid: 'enc-1', alg: 'RSA-OAEP', use: 'enc' },
    ],
  };
  return { signingKey: sig.privateKey, decryptionKey: enc.privateKey, jwks };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/**
 * The signed revocation list (spec §6.3), as a large consumer polls it: a GET, the JWS checked to be
 * one (three parts) and of the media type the spec names. Verifying the signature is the poller's
 * CPU, not Dezi's, and is left out of the load driver.
 */
export async function revocationList(up: Upstreams, rp: Rp, rec: Recorder | null) {
  const res = await new Client(up, rec).send(
    'GET /revocatiecontrole/v1',
    'GET',
    `${rp.issuer}/revocatiecontrole/v1`,
    {
      accept: 'application/jose',
    },
  );
  if (res.status !== 200)
    throw new Error(`revocation list answered ${res.status}: ${res.body.slice(0, 200)}`);
  if (res.body.split('.').length !== 3) throw new Error('the revocation list is not a compact JWS');
}

/** Step names: the path with its identifiers taken out. */
function stepName(method: string, url: string): string {
  const path = new URL(url).pathname
    .replace(/^\/interaction\/[^/]+/, '/interaction/:uid')
    .replace(/^\/authorize\/[^/]+/, '/authorize/:uid')
    .replace(/^\/op\/interaction\/[^/]+/, '/op/interaction/:uid')
    .replace(/^\/auth\/[^/]+/, '/auth/:uid')
    .replace(/\/callback\/[^/]+$/, '/callback/:means');
  return `${method} ${path}`;
}

async function follow(c: Client, res: Response, url: string): Promise<{ res: Response; url: string }> {
  for (let hops = 0; hops < 10; hops++) {
    if (res.status < 300 || res.status >= 400 || !res.location) return { res, url };
    if (res.location.startsWith(REDIRECT_URI)) return { res, url };
    url = res.location;
    res = await c.send(stepName('GET', url), 'GET', url);
  }
  throw new Error('too many redirects');
}

async function submit(
  c: Client,
  page: { res: Response; url: string },
  action: string,
  fields: Record<string, string>,
) {
  const form = findForm(page.res.body, action);
  const url = new URL(form.action, page.url).href;
  const res = await c.send(stepName('POST', url), 'POST', url, { form: { ...form.fields, ...fields } });
  return follow(c, res, url);
}

/** Authorization request to the code: the pages in between are answered as a person would. */
export async function authorize(up: Upstreams, rp: Rp, rec: Recorder | null, who: Person | null) {
  const c = new Client(up, rec);
  const { verifier, challenge } = pkce();
  const state = randomBytes(16).toString('base64url');
  const params = new URLSearchParams({
    client_id: rp.clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid',
    state,
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const start = `${rp.issuer}/authorize?${params}`;
  let page = await follow(c, await c.send('GET /authorize', 'GET', start), start);
  // The outcome page ends a login that failed: a person would not pick the same means again at once.
  for (let n = 0; n < 6 && page.res.status === 200 && !page.url.includes('/uitkomst'); n++) {
    const body = page.res.body;
    if (body.includes('/means"')) page = await submit(c, page, '/means', { means: who!.means });
    else if (body.includes('openid4vp://')) page = await walletAnswers(c, page, rec, who!);
    else if (body.includes('/authenticate"'))
      page = await submit(c, page, '/authenticate', { bsn: who!.bsn, action: 'login' });
    else if (body.includes(OP_INTERACTION_PATH))
      page = await submit(c, page, OP_INTERACTION_PATH, { account: who!.uziNummer, action: 'login' });
    else if (body.includes('/kies"')) {
      const choices = radioValues(body, 'employment');
      page = await submit(c, page, '/kies', { employment: choices[n % choices.length]! });
    } else throw new Error(`unexpected page at ${page.url}`);
  }
  const location = page.res.location;
  if (page.res.status !== 303 && page.res.status !== 302) {
    // The page's own words say why (the outcome page names the refusal).
    const said = page.res.body
      .replace(/^[\s\S]*?<main[^>]*>/, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 200);
    throw new Error(`login ended with ${page.res.status} at ${page.url}: ${said}`);
  }
  const callback = new URL(location!);
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code: ${callback.search}`);
  return { code, verifier };
}

/**
 * The wallet on "this device": it fetches Dezi's signed request, posts its encrypted answer (the
 * wallet's own HTTP, timed as one step), and the browser follows the redirect it is given.
 */
async function walletAnswers(
  c: Client,
  page: { res: Response; url: string },
  rec: Recorder | null,
  who: Person,
) {
  const link = /href="(openid4vp:\/\/[^"]+)"/.exec(page.res.body);
  if (!link || !who.wallet) throw new Error('a wallet page, but no wallet');
  const t0 = performance.now();
  const shown = await presentCredential({
    request: decodeEntities(link[1]!),
    credential: who.wallet.credential,
    holderPrivateJwk: who.wallet.holder,
    trusted: who.wallet.trusted,
  });
  rec?.record('wallet: GET request, POST response', performance.now() - t0);
  if (shown.status !== 200 || typeof shown.body.redirect_uri !== 'string')
    throw new Error(`the wallet's answer got ${shown.status}: ${JSON.stringify(shown.body).slice(0, 200)}`);
  const back = shown.body.redirect_uri;
  return follow(c, await c.send(stepName('GET', back), 'GET', back), back);
}

/**
 * Puts a verklaring into a wallet for this person, as they would: Mijn Dezi with DigiD, "Zet in mijn
 * wallet" for their first employment, and the wallet receives it (OpenID4VCI, pre-authorized code).
 */
export async function walletCredentialFor(
  up: Upstreams,
  issuer: string,
  who: { bsn: string },
  provider: TestWalletProvider,
  trusted: X509Certificate[],
): Promise<HeldCredential> {
  // The benchmark's Dezi runs on loopback over http, as the proeftuin does; @openid4vc insists on
  // https unless told otherwise (src/wallet/issuance.ts tells it the same for the same reason).
  if (issuer.startsWith('http:')) setGlobalConfig({ allowInsecureUrls: true });
  const c = new Client(up, null);
  const start = `${issuer}/mijn-dezi/inloggen`;
  let page = await follow(c, await c.send('GET /mijn-dezi/inloggen', 'GET', start), start);
  for (let n = 0; n < 6 && !new URL(page.url).pathname.endsWith('/mijn-dezi'); n++) {
    if (page.res.body.includes('/means"')) page = await submit(c, page, '/means', { means: 'digid' });
    else if (page.res.body.includes('/authenticate"'))
      page = await submit(c, page, '/authenticate', { bsn: who.bsn, action: 'login' });
    else throw new Error(`unexpected page at ${page.url} (${page.res.status})`);
  }
  const walletPage = await follow(
    c,
    await c.send('GET /mijn-dezi/wallet', 'GET', `${issuer}/mijn-dezi/wallet`),
    `${issuer}/mijn-dezi/wallet`,
  );
  const offerPage = await submit(c, walletPage, '/mijn-dezi/wallet/aanbod', {});
  const offer = /href="(openid-credential-offer:\/\/[^"]+)"/.exec(offerPage.res.body);
  const code = /<strong id="tx-code">(\d{6})<\/strong>/.exec(offerPage.res.body);
  if (!offer || !code) throw new Error(`no offer at ${offerPage.url} (${offerPage.res.status})`);
  const wallet = await testWallet(provider);
  return {
    credential: await receiveCredential(wallet, decodeEntities(offer[1]!), code[1]!),
    holder: wallet.holder.privateJwk,
    trusted,
  };
}

export async function clientAssertion(rp: Rp): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: 'sig-1' })
    .setIssuer(rp.clientId)
    .setSubject(rp.clientId)
    .setAudience(rp.issuer)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(rp.signingKey);
}

export async function token(up: Upstreams, rp: Rp, rec: Recorder | null, code: string, verifier: string) {
  const c = new Client(up, rec);
  const res = await c.send('POST /token', 'POST', `${rp.issuer}/token`, {
    accept: 'application/json',
    form: {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      client_id: rp.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await clientAssertion(rp),
    },
  });
  if (res.status !== 200) throw new Error(`token answered ${res.status}: ${res.body.slice(0, 200)}`);
  const body = JSON.parse(res.body) as { access_token: string; id_token: string };
  if (!body.id_token) throw new Error('no id_token');
  return body.access_token;
}

/** Userinfo: Dezi's is a JWE around a signed envelope; the reference's is JSON. */
export async function userinfo(
  up: Upstreams,
  rp: Rp,
  rec: Recorder | null,
  accessToken: string,
  encrypted: boolean,
) {
  const c = new Client(up, rec);
  const res = await c.send('GET /userinfo', 'GET', `${rp.issuer}/userinfo`, {
    accept: encrypted ? 'application/jwt' : 'application/json',
    headers: { authorization: `Bearer ${accessToken}` },
  });
  if (res.status !== 200) throw new Error(`userinfo answered ${res.status}: ${res.body.slice(0, 200)}`);
  if (!encrypted) {
    if (!JSON.parse(res.body).sub) throw new Error('userinfo without sub');
    return;
  }
  if (!rp.serverKeys) {
    const jwks = await new Client(up, null).send(
      'GET /jwks',
      'GET',
      `${rp.issuer}/openid/connect/jwks.json`,
      {
        accept: 'application/json',
      },
    );
    rp.serverKeys = createLocalJWKSet(JSON.parse(jwks.body) as JSONWebKeySet);
  }
  const { plaintext } = await compactDecrypt(res.body, rp.decryptionKey);
  const { payload } = await jwtVerify(new TextDecoder().decode(plaintext), rp.serverKeys, {
    issuer: rp.issuer,
    audience: rp.clientId,
  });
  if (typeof payload.verklaring !== 'string') throw new Error('envelope without verklaring');
}

/** One whole flow: authorize → pages → code → token → userinfo. */
export async function fullFlow(
  up: Upstreams,
  rp: Rp,
  rec: Recorder | null,
  who: Person | null,
  encrypted: boolean,
) {
  const { code, verifier } = await authorize(up, rp, rec, who);
  const accessToken = await token(up, rp, rec, code, verifier);
  await userinfo(up, rp, rec, accessToken, encrypted);
}
