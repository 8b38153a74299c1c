// One SAML login as the broker drives it, for the adapter tests of every SAML means (DigiD, eIDAS):
// start (the AuthnRequest from the redirect), and finish with a Response POSTed to the ACS and parked.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import type { LoA } from '../../src/means/loa.ts';
import type { LoginMeans } from '../../src/means/means.ts';
import type { SamlRequestStore } from '../../src/means/saml/requests.ts';

/** Starts a login; its state, the redirect, and the AuthnRequest it carries (XML and ID). */
export async function beginSamlLogin(means: LoginMeans, minimumLoa: LoA, callbackUrl: string) {
  const state = randomBytes(32).toString('base64url');
  const { redirectTo } = await means.start({ state, callbackUrl, minimumLoa });
  const url = new URL(redirectTo);
  const xml = inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest')!, 'base64')).toString();
  const requestId = /\sID="([^"]+)"/.exec(xml)![1]!;
  return { state, requestId, url, xml };
}

/** The Response POSTed to the ACS (parked there), then the login's callback: what the broker calls. */
export async function finishByPost(
  means: LoginMeans,
  store: SamlRequestStore,
  o: { state: string; response: string; minimumLoa: LoA; callbackUrl: string },
) {
  assert.equal(await store.park(o.state, o.response), o.callbackUrl);
  return means.finish({
    query: { RelayState: o.state, SAMLResponse: 'parked' },
    body: {},
    expectedState: o.state,
    minimumLoa: o.minimumLoa,
  });
}
