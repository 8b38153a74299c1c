// Pushed authorization requests (PAR) and signed request objects (JAR), as the NL GOV profile asks.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from 'jose';
import * as client from 'openid-client';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { Browser } from './helpers/browser.ts';
import { startDezi, type TestDezi } from './helpers/dezi.ts';
import { digidLogin } from './helpers/login.ts';
import { fetchUserinfo, redeem, registerRp, type AuthRequest, type TestRp } from './helpers/rp.ts';

const JANSEN = SEED_PERSONS[0]!;

describe('PAR and JAR', () => {
  let dezi: TestDezi;
  before(async () => {
    dezi = await startDezi();
  });
  after(async () => dezi?.stop());

  async function params() {
    const verifier = client.randomPKCECodeVerifier();
    const request: Omit<AuthRequest, 'url'> = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier,
    };
    return {
      request,
      parameters: {
        redirect_uri: '',
        scope: 'openid',
        state: request.state,
        nonce: request.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
    };
  }

  async function completeLogin(rp: TestRp, url: URL, request: Omit<AuthRequest, 'url'>) {
    const browser = new Browser();
    const page = await browser.goto(url.href, rp.redirectUri);
    const done = await digidLogin(browser, page, JANSEN.bsn, rp.redirectUri);
    assert.equal(done.status, 303, done.body.slice(0, 300));
    const tokens = await redeem(rp, done.location!, { ...request, url: url.href });
    const info = await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub);
    assert.equal(info.verklaring.dezi_nummer, JANSEN.deziNummer);
  }

  test('a pushed authorization request logs in; the browser URL carries only a request_uri', async () => {
    const rp = await registerRp(dezi.url);
    const { request, parameters } = await params();
    const url = await client.buildAuthorizationUrlWithPAR(rp.config, {
      ...parameters,
      redirect_uri: rp.redirectUri,
    });
    assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request_uri']);
    await completeLogin(rp, url, request);
  });

  test('a signed request object logs in; one signed with a foreign key is refused', async () => {
    const rp = await registerRp(dezi.url);
    const { request, parameters } = await params();
    const url = await client.buildAuthorizationUrlWithJAR(
      rp.config,
      { ...parameters, redirect_uri: rp.redirectUri },
      { key: rp.signingKey, kid: rp.signingKid },
    );
    assert.ok(url.searchParams.get('request'));
    await completeLogin(rp, url, request);

    const foreign = await generateKeyPair('RS256');
    const forged = await client.buildAuthorizationUrlWithJAR(
      rp.config,
      { ...parameters, redirect_uri: rp.redirectUri },
      { key: foreign.privateKey, kid: rp.signingKid },
    );
    const res = await new Browser().request(forged.href);
    const location = res.location ? new URL(res.location) : null;
    const error = location?.searchParams.get('error') ?? /invalid_request_object/.exec(res.body)?.[0];
    assert.equal(error, 'invalid_request_object');
    assert.equal(location?.searchParams.get('code') ?? null, null);
  });

  test('a client registered to require PAR cannot use a plain authorization request', async () => {
    const rp = await registerRp(dezi.url, { require_pushed_authorization_requests: true });
    const { parameters } = await params();
    const plain = client.buildAuthorizationUrl(rp.config, { ...parameters, redirect_uri: rp.redirectUri });
    const res = await new Browser().request(plain.href);
    const location = new URL(res.location!);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.match(location.searchParams.get('error_description')!, /pushed authorization request/i);
  });
});
