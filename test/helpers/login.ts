// Drives a whole login the way a person does: the zorgapplicatie's redirect, "Hoe wilt u inloggen?",
// the DigiD stand-in, and "Waar werk je? Wat ben je?" when there is a choice.
import assert from 'node:assert/strict';
import { Browser, radioValues, type Exchange } from './browser.ts';
import { authorizationRequest, type AuthRequest, type TestRp } from './rp.ts';

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
