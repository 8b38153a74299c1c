// Drives a whole login the way a person does: the zorgapplicatie's redirect, "Hoe wilt u inloggen?",
// the DigiD stand-in, and "Waar werk je? Wat ben je?" when there is a choice.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type { JWK } from 'jose';
import { Bsn } from '../../src/means/bsn.ts';
import { receiveCredential, testWallet } from '../../src/proeftuin/test-wallet-client.ts';
import { presentCredential } from '../../src/proeftuin/test-wallet-presenter.ts';
import { testWalletProvider } from '../../src/proeftuin/test-wallet-provider.ts';
import type { Dezi } from '../../src/server.ts';
import { Browser, decodeEntities, radioValues, type Exchange } from './browser.ts';
import { authorizationRequest, type AuthRequest, type TestRp } from './rp.ts';
import { tlsFetch } from './tls-fetch.ts';
import { loadTestUziPki, TEST_CARD_PASSWORD } from '../../src/proeftuin/uzi-pki.ts';

export interface LoginOutcome {
  request: AuthRequest;
  /** The redirect to the zorgapplicatie, or the page where the login stopped. */
  final: Exchange;
  browser: Browser;
  /** The employment-choice page, when one was shown. */
  choicePage?: Exchange;
}

export async function startLogin(browser: Browser, rp: TestRp, params: Record<string, string> = {}) {
  const request = await authorizationRequest(rp, params);
  const page = await browser.goto(request.url, rp.redirectUri);
  return { request, page };
}

/** From the login page: choose DigiD, log in with the BSN; returns the page or redirect after that. */
export async function digidLogin(
  browser: Browser,
  loginPage: Exchange,
  bsn: string,
  stopAt: string,
): Promise<Exchange> {
  assert.equal(loginPage.status, 200, loginPage.body.slice(0, 500));
  const digid = await browser.submit(loginPage, '/means', { means: 'digid' }, stopAt);
  assert.equal(digid.status, 200, digid.body.slice(0, 500));
  return browser.submit(digid, '/proeftuin/digid/authenticate', { bsn, action: 'login' }, stopAt);
}

/** Logs in to Mijn Dezi with DigiD as this person, in a browser of its own; ends on Mijn Dezi's page. */
export async function mijnDeziLogin(
  issuer: string,
  bsn: string,
): Promise<{ browser: Browser; page: Exchange }> {
  const browser = new Browser();
  const page = await digidLogin(
    browser,
    await browser.goto(`${issuer}/mijn-dezi/inloggen`),
    bsn,
    'http://never.invalid/',
  );
  assert.match(page.url, /\/mijn-dezi$/);
  return { browser, page };
}

export async function login(
  rp: TestRp,
  bsn: string,
  o: {
    browser?: Browser;
    params?: Record<string, string>;
    choose?: (values: string[], page: Exchange) => string;
  } = {},
): Promise<LoginOutcome> {
  const browser = o.browser ?? new Browser();
  const { request, page } = await startLogin(browser, rp, o.params);
  let final = await digidLogin(browser, page, bsn, rp.redirectUri);
  let choicePage: Exchange | undefined;
  if (final.status === 200 && final.url.endsWith('/kies')) {
    choicePage = final;
    const values = radioValues(final.body, 'employment');
    const chosen = o.choose ? o.choose(values, final) : values[0]!;
    final = await browser.submit(final, '/kies', { employment: chosen }, rp.redirectUri);
  }
  return { request, final, browser, choicePage };
}

/** From the login page: choose Yivi; returns Dezi's QR page. */
export async function yiviPage(browser: Browser, loginPage: Exchange): Promise<Exchange> {
  assert.equal(loginPage.status, 200, loginPage.body.slice(0, 500));
  return browser.submit(loginPage, '/means', { means: 'yivi' });
}

/**
 * From the login page: choose Yivi, play the Yivi app on the proeftuin stand-in (disclose the
 * attribute of the test person with this Dezi-nummer, or decline), and continue on Dezi's page.
 */
export async function yiviLogin(
  browser: Browser,
  loginPage: Exchange,
  deziNummer: string,
  stopAt: string,
  action: 'disclose' | 'cancel' = 'disclose',
): Promise<Exchange> {
  const qrPage = await yiviPage(browser, loginPage);
  assert.equal(qrPage.status, 200, qrPage.body.slice(0, 500));
  const app = /href="(\/proeftuin\/yivi-server\/app\?session=[^"]+)"/.exec(qrPage.body);
  assert.ok(app, 'the proeftuin QR page links to the stand-in Yivi app');
  const phoneBrowser = new Browser(); // the phone is another device: it shares no cookies
  const phone = await phoneBrowser.goto(new URL(app[1]!, qrPage.url).href);
  assert.equal(phone.status, 200, phone.body.slice(0, 500));
  const shared = await phoneBrowser.submit(phone, '/proeftuin/yivi-server/app', {
    person: deziNummer,
    action,
  });
  assert.equal(shared.status, 200, shared.body.slice(0, 500));
  return browser.goto(`${qrPage.url}/verder`, stopAt);
}

/** From the login page: choose an OIDC means, pick a test account at the stand-in supplier (or cancel). */
export async function oidcMeansLogin(
  browser: Browser,
  loginPage: Exchange,
  meansId: string,
  account: string,
  stopAt: string,
  action: 'login' | 'cancel' = 'login',
): Promise<Exchange> {
  assert.equal(loginPage.status, 200, loginPage.body.slice(0, 500));
  const supplier = await browser.submit(loginPage, '/means', { means: meansId }, stopAt);
  assert.equal(supplier.status, 200, supplier.body.slice(0, 500));
  return browser.submit(supplier, '/proeftuin/oidc-means/interaction/', { account, action }, stopAt);
}

/** Whether the browser was ever sent to the zorgapplicatie with an authorization code. */
export function codeIssued(browser: Browser, redirectUri: string): boolean {
  return browser.history.some(
    (h) => h.location?.startsWith(redirectUri) && new URL(h.location).searchParams.has('code'),
  );
}

/**
 * A browser that holds the proeftuin's TEST UZI-pas with this id (`uzi-<UZI-nummer>`) and trusts the
 * TEST root, as a person's browser with a card reader does. The PKI is the process's in-memory one,
 * the same that a Dezi with testPkiDir null uses.
 */
export async function uziPasBrowser(cardId: string): Promise<Browser> {
  const pki = await loadTestUziPki(null, ['localhost']);
  const card = pki.cards.find((c) => c.id === cardId);
  assert.ok(card, `no test card ${cardId}`);
  return new Browser({
    fetch: tlsFetch({ pfx: card.p12, passphrase: TEST_CARD_PASSWORD, ca: [pki.root.certPem] }),
  });
}

/** From the login page: choose UZI-pas; the browser presents its card at the certificate listener. */
export async function uziPasLogin(browser: Browser, loginPage: Exchange, stopAt: string): Promise<Exchange> {
  assert.equal(loginPage.status, 200, loginPage.body.slice(0, 500));
  return browser.submit(loginPage, '/means', { means: 'uzi-pas' }, stopAt);
}

/** On "Waar werk je? Wat ben je?": choose the employment at the abonnee with this URA (abonneenummer). */
export async function chooseEmployment(
  browser: Browser,
  choicePage: Exchange,
  abonneeNummer: string,
  stopAt: string,
): Promise<Exchange> {
  const choice = choicePage.body
    .split('dezi-option">')
    .slice(1)
    .find((li) => new RegExp(`URA ${abonneeNummer}(?!\\d)`).test(li));
  assert.ok(choice, `no employment at URA ${abonneeNummer} on the choice page`);
  const employment = /name="employment"[^>]*value="([^"]+)"/.exec(choice)![1]!;
  return browser.submit(choicePage, '/kies', { employment }, stopAt);
}

/** Dezi's own TEST CA: the anchor the test wallet checks the verifier's certificate against. */
export function walletTrust(dezi: Dezi): X509Certificate[] {
  return [new X509Certificate(Buffer.from(dezi.wallet!.key.x5c.at(-1)!, 'base64'))];
}

/** A verklaring in a test wallet, and who and which employment it was issued for. */
export interface HeldCredential {
  credential: string;
  holder: JWK;
  trusted: X509Certificate[];
  deziNummer: string;
  employmentId: string;
  abonneeNummer: string;
}

/**
 * Puts a verklaring for the person's first active employment into a fresh test wallet (the
 * pre-authorized flow, @openid4vc's client): what a wallet login then presents.
 */
export async function walletCredential(dezi: Dezi, bsn: string): Promise<HeldCredential> {
  const person = (await dezi.register.findPersonByBsn(Bsn.parse(bsn)))!;
  const [employment] = await dezi.register.activeEmployments(person.id);
  const offer = await dezi.issuance!.createOffer(person, employment!.id);
  assert.ok(offer, 'an offer for an active employment');
  const wallet = await testWallet(await testWalletProvider());
  return {
    credential: await receiveCredential(wallet, offer.offer, offer.txCode),
    holder: wallet.holder.privateJwk,
    trusted: walletTrust(dezi),
    deziNummer: person.deziNummer,
    employmentId: employment!.id,
    abonneeNummer: employment!.abonnee.abonneeNummer,
  };
}

/**
 * From the login page: choose the wallet, and present the credential from "this device" (the link):
 * the wallet's redirect brings the browser back, with its response code.
 */
export async function walletLogin(
  browser: Browser,
  loginPage: Exchange,
  held: { credential: string; holder: JWK; trusted: X509Certificate[] },
  stopAt: string,
): Promise<Exchange> {
  const page = await browser.submit(loginPage, '/means', { means: 'wallet' });
  assert.equal(page.status, 200, page.body.slice(0, 500));
  const link = /href="(openid4vp:\/\/[^"]+)"/.exec(page.body);
  assert.ok(link, 'the link that opens the wallet on this device');
  const shown = await presentCredential({
    request: decodeEntities(link[1]!),
    credential: held.credential,
    holderPrivateJwk: held.holder,
    trusted: held.trusted,
  });
  assert.equal(shown.status, 200, JSON.stringify(shown.body));
  return browser.goto(String(shown.body.redirect_uri), stopAt);
}

/**
 * From the login page: choose the European eID, pick this test identity at the eIDAS node stand-in,
 * and post its Response to the ACS (what the stand-in's autopost.js does); the page or redirect after.
 */
export async function eidasLogin(
  browser: Browser,
  loginPage: Exchange,
  identity: string,
  stopAt: string,
): Promise<Exchange> {
  assert.equal(loginPage.status, 200, loginPage.body.slice(0, 500));
  const node = await browser.submit(loginPage, '/means', { means: 'eidas' }, stopAt);
  assert.equal(node.status, 200, node.body.slice(0, 500));
  const posting = await browser.submit(node, '/proeftuin/eidas/authenticate', { identity, action: 'login' });
  assert.equal(posting.status, 200, posting.body.slice(0, 500));
  return browser.submit(posting, '/means/eidas/acs', {}, stopAt);
}
