// OpenID4VCI 1.0, the authorization code flow started by the wallet (issue 11, §1): @openid4vc's own
// client pushes the request (PAR with PKCE S256, DPoP, the wallet attestation), the person logs in to
// Mijn Dezi at high through Dezi's own login and chooses the employment, the wallet gets code, state
// and iss at its redirect_uri and redeems the code for the credential. Then the messages a wallet
// written to the spec would not send, built by hand, each refused.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { ContentType } from '@openid4vc/utils';
import { createHash, randomBytes } from 'node:crypto';
import { Bsn } from '../src/means/bsn.ts';
import { LOA } from '../src/means/loa.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { TEST_WALLET_CLIENT_ID } from '../src/proeftuin/test-wallet-client.ts';
import { newTestWalletProvider, testWalletProvider } from '../src/proeftuin/test-wallet-provider.ts';
import type { Actor } from '../src/audit/audit.ts';
import { CREDENTIAL_CONFIGURATION_ID, WALLET_PATHS } from '../src/wallet/issuance.ts';
import { Browser, pageText, type Exchange } from './helpers/browser.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { digidLogin, mijnDeziLogin } from './helpers/login.ts';
import {
  assertIssuedTo,
  dpopProof,
  newP256,
  testWallet,
  walletAudit,
  type KeyPair,
  type TestWallet,
} from './helpers/wallet.ts';
import { finishAuthorization, startAuthorization } from '../src/proeftuin/test-wallet-client.ts';

// JSON read back from the wire: its shape is what the assertions check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Wire = any;

const REDIRECT = 'https://wallet.example/cb';
const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;
const VISSER = SEED_PERSONS.find((p) => p.achternaam === 'Visser')!;
const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!; // two employments
const OPERATOR: Actor = { kind: 'operator', name: 'wallet-authcode-test' };

for (const backend of BACKENDS)
  describe(`OpenID4VCI, authorization code (${backend})`, () => {
    let dezi: TestDezi;
    withDezi(backend, {}, (f) => {
      ({ dezi } = f);
    });
    const url = (path: string) => `${dezi.url}${path}`;
    const asIssuer = () => url(WALLET_PATHS.authorizationServer);

    /** The person's browser from the wallet's URL to the redirect: login at high if needed, the choice. */
    async function authorizeInBrowser(
      browser: Browser,
      authorizationUrl: string,
      bsn: string,
      choose: (page: Exchange) => Promise<Exchange> = (page) =>
        browser.submit(page, WALLET_PATHS.authorize, {}, REDIRECT),
    ): Promise<Exchange> {
      let page = await browser.goto(authorizationUrl, REDIRECT);
      if (!page.url.includes(WALLET_PATHS.authorize)) page = await digidLogin(browser, page, bsn, REDIRECT);
      assert.equal(page.status, 200, page.body.slice(0, 400));
      assert.match(page.url, /\/wallet\/authorize\?/);
      return choose(page);
    }

    // --- hand-built messages ------------------------------------------------------------------

    async function dpopNonce(): Promise<string> {
      const res = await fetch(url(WALLET_PATHS.token), {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'none' }),
      });
      await res.body?.cancel();
      return res.headers.get('dpop-nonce')!;
    }

    /** The attestation headers the library's client authentication adds, for a hand-built request. */
    async function attestationHeaders(wallet: TestWallet, endpoint: string): Promise<Record<string, string>> {
      const headers = new Headers();
      const asMetadata = (await (await fetch(url(WALLET_PATHS.authorizationServerMetadata))).json()) as Wire;
      await wallet.authenticate({
        url: endpoint,
        method: 'POST',
        authorizationServerMetadata: asMetadata,
        body: {},
        contentType: ContentType.XWwwFormUrlencoded,
        headers,
      });
      return Object.fromEntries(headers.entries());
    }

    const pkce = () => {
      const verifier = randomBytes(32).toString('base64url');
      return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
    };

    async function push(
      wallet: TestWallet,
      o: {
        params?: Record<string, string>;
        attest?: boolean;
        dpopKey?: KeyPair | null;
        challenge?: string;
      } = {},
    ): Promise<{ status: number; body: Wire }> {
      const form = {
        response_type: 'code',
        client_id: TEST_WALLET_CLIENT_ID,
        redirect_uri: REDIRECT,
        scope: CREDENTIAL_CONFIGURATION_ID,
        state: 'st',
        code_challenge: o.challenge ?? pkce().challenge,
        code_challenge_method: 'S256',
        ...o.params,
      };
      const headers: Record<string, string> = {
        'content-type': 'application/x-www-form-urlencoded',
        ...(o.attest === false ? {} : await attestationHeaders(wallet, url(WALLET_PATHS.par))),
      };
      if (o.dpopKey !== null)
        headers.dpop = await dpopProof(o.dpopKey ?? wallet.dpop, {
          htm: 'POST',
          htu: url(WALLET_PATHS.par),
          nonce: await dpopNonce(),
        });
      const res = await fetch(url(WALLET_PATHS.par), {
        method: 'POST',
        headers,
        body: new URLSearchParams(Object.fromEntries(Object.entries(form).filter(([, v]) => v !== ''))),
      });
      return { status: res.status, body: (await res.json()) as Wire };
    }

    const authorizeUrl = (requestUri: string, clientId = TEST_WALLET_CLIENT_ID) =>
      `${url(WALLET_PATHS.authorize)}?${new URLSearchParams({ client_id: clientId, request_uri: requestUri })}`;

    /** PAR by hand, then the person's login and choice: the code and its verifier. */
    async function codeFor(wallet: TestWallet, bsn = JANSEN.bsn, browser = new Browser()) {
      const { verifier, challenge } = pkce();
      const pushed = await push(wallet, { challenge });
      assert.equal(pushed.status, 201, JSON.stringify(pushed.body));
      const back = await authorizeInBrowser(browser, authorizeUrl(pushed.body.request_uri), bsn);
      const response = new URL(back.location!).searchParams;
      assert.equal(response.get('state'), 'st', 'the state pushed, back unchanged');
      assert.equal(response.get('iss'), asIssuer());
      return { code: response.get('code')!, verifier };
    }

    async function redeem(
      wallet: TestWallet,
      o: { code: string; verifier?: string; redirectUri?: string; dpopKey?: KeyPair },
    ): Promise<{ status: number; body: Wire }> {
      const res = await fetch(url(WALLET_PATHS.token), {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(await attestationHeaders(wallet, url(WALLET_PATHS.token))),
          dpop: await dpopProof(o.dpopKey ?? wallet.dpop, {
            htm: 'POST',
            htu: url(WALLET_PATHS.token),
            nonce: await dpopNonce(),
          }),
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: o.code,
          redirect_uri: o.redirectUri ?? REDIRECT,
          ...(o.verifier ? { code_verifier: o.verifier } : {}),
        }),
      });
      return { status: res.status, body: (await res.json()) as Wire };
    }

    // --- the flow -----------------------------------------------------------------------------

    test('the metadata names PAR, the authorization endpoint, PKCE S256 and RFC 9207', async () => {
      const as = (await (await fetch(url(WALLET_PATHS.authorizationServerMetadata))).json()) as Wire;
      assert.equal(as.authorization_endpoint, url(WALLET_PATHS.authorize));
      assert.equal(as.pushed_authorization_request_endpoint, url(WALLET_PATHS.par));
      assert.equal(as.require_pushed_authorization_requests, true);
      assert.deepEqual(as.code_challenge_methods_supported, ['S256']);
      assert.equal(as.authorization_response_iss_parameter_supported, true);
      assert.ok(as.grant_types_supported.includes('authorization_code'));
    });

    test('wallet → PAR → Dezi’s login at high → the choice → code and iss → token → the verklaring', async () => {
      const wallet = await testWallet(await testWalletProvider());
      const flow = await startAuthorization(wallet, dezi.url, REDIRECT);
      const start = new URL(flow.url);
      assert.equal(start.origin + start.pathname, url(WALLET_PATHS.authorize));
      assert.deepEqual([...start.searchParams.keys()].sort(), ['client_id', 'request_uri']);

      const browser = new Browser();
      const amrani = (await dezi.register.findPersonByBsn(Bsn.parse(AMRANI.bsn)))!;
      const [, second] = await dezi.register.activeEmployments(amrani.id);
      const back = await authorizeInBrowser(browser, flow.url, AMRANI.bsn, async (page) => {
        assert.match(pageText(page.body), /Uw wallet-app vraagt om uw Dezi-verklaring/);
        assert.equal([...page.body.matchAll(/action="\/wallet\/authorize"/g)].length, 2);
        assert.equal(page.headers['cache-control'], 'no-store');
        return browser.submit(page, WALLET_PATHS.authorize, { employment: second!.id }, REDIRECT);
      });
      assert.equal(back.status, 303);
      const response = new URL(back.location!);
      assert.equal(response.origin + response.pathname, REDIRECT);
      assert.equal(response.searchParams.get('iss'), asIssuer(), 'RFC 9207 iss, the issuer of the metadata');
      assert.match(response.searchParams.get('code')!, /^[A-Za-z0-9_-]{43}$/);

      const credential = await finishAuthorization(wallet, dezi.url, {
        redirectUri: REDIRECT,
        codeVerifier: flow.codeVerifier,
        redirect: back.location!,
      });
      const claims = await assertIssuedTo(credential, wallet.holder, amrani.deziNummer);
      assert.equal(decodeJwt(credential.split('~')[0]!).vct, dezi.wallet!.vct);
      assert.equal(claims.abonnee_nummer, second!.abonnee.abonneeNummer, 'the chosen employment');
      assert.deepEqual(await walletAudit(dezi.db, amrani.deziNummer), [
        'wallet.authorize:success',
        'wallet.token:success',
        'wallet.credential.issue:success',
      ]);
    });

    test('a person already logged in to Mijn Dezi at high chooses at once', async () => {
      const { browser } = await mijnDeziLogin(dezi.url, JANSEN.bsn);
      const wallet = await testWallet(await testWalletProvider());
      const flow = await startAuthorization(wallet, dezi.url, REDIRECT);
      const page = await browser.goto(flow.url, REDIRECT);
      assert.equal(page.status, 200);
      assert.match(page.url, /\/wallet\/authorize\?/);
      const back = await browser.submit(page, WALLET_PATHS.authorize, {}, REDIRECT);
      const credential = await finishAuthorization(wallet, dezi.url, {
        redirectUri: REDIRECT,
        codeVerifier: flow.codeVerifier,
        redirect: back.location!,
      });
      assert.match(credential, /~/);
    });

    test('the person declines: the wallet gets access_denied with state and iss; the request is used up; in English too', async () => {
      const { browser } = await mijnDeziLogin(dezi.url, JANSEN.bsn);
      const wallet = await testWallet(await testWalletProvider());
      const pushed = await push(wallet);
      const english = await browser.goto(`${authorizeUrl(pushed.body.request_uri)}&lang=en`, REDIRECT);
      assert.equal(english.status, 200);
      assert.match(pageText(english.body), /Your wallet app asks for your Dezi-verklaring/);
      assert.match(pageText(english.body), /Do not put it in my wallet/);
      const page = await browser.goto(authorizeUrl(pushed.body.request_uri), REDIRECT);
      const declined = await browser.submit(page, `${WALLET_PATHS.authorize}/annuleren`, {}, REDIRECT);
      assert.equal(declined.status, 303);
      const response = new URL(declined.location!).searchParams;
      assert.deepEqual(Object.fromEntries(response), {
        error: 'access_denied',
        state: 'st',
        iss: asIssuer(),
      });
      const again = await browser.goto(authorizeUrl(pushed.body.request_uri), REDIRECT);
      assert.equal(again.status, 400);
      assert.equal(again.location, null);
    });

    // --- refusals at PAR ----------------------------------------------------------------------

    test('PAR: no attestation → invalid_client; an untrusted provider → invalid_client', async () => {
      const wallet = await testWallet(await testWalletProvider());
      const none = await push(wallet, { attest: false });
      assert.equal(none.body.error, 'invalid_client');
      const stranger = await push(await testWallet(await newTestWalletProvider()));
      assert.equal(stranger.body.error, 'invalid_client');
      assert.ok([400, 401].includes(stranger.status));
    });

    test('PAR: PKCE plain or missing, a bad redirect_uri, another scope, a request_uri, no DPoP: refused', async () => {
      const wallet = await testWallet(await testWalletProvider());
      const cases: [Parameters<typeof push>[1], string][] = [
        [{ params: { code_challenge_method: 'plain' } }, 'invalid_request'],
        [{ params: { code_challenge: '', code_challenge_method: '' } }, 'invalid_request'],
        [{ params: { code_challenge_method: '' } }, 'invalid_request'],
        [{ params: { redirect_uri: 'http://wallet.example/cb' } }, 'invalid_request'],
        [{ params: { redirect_uri: 'javascript:alert(1)' } }, 'invalid_request'],
        [{ params: { redirect_uri: 'https://wallet.example/cb#x' } }, 'invalid_request'],
        [{ params: { redirect_uri: '' } }, 'invalid_request'],
        [{ params: { scope: 'openid' } }, 'invalid_scope'],
        [{ params: { response_type: 'token' } }, 'unsupported_response_type'],
        [{ params: { request_uri: 'urn:ietf:params:oauth:request_uri:x' } }, 'invalid_request'],
        [{ params: { request: 'eyJhbGciOiJub25lIn0.eyJzY29wZSI6IngifQ.' } }, 'invalid_request'],
        [{ dpopKey: null }, 'invalid_dpop_proof'],
      ];
      for (const [o, error] of cases) {
        const res = await push(wallet, o);
        assert.equal(res.status, 400, JSON.stringify(o));
        assert.equal(res.body.error, error, `${JSON.stringify(o)}: ${JSON.stringify(res.body)}`);
      }
      // Accepted: a private-use scheme and http on loopback (RFC 8252 §7.1, §7.3).
      for (const redirect_uri of ['nl.example.wallet:/cb', 'http://127.0.0.1:4000/cb'])
        assert.equal((await push(wallet, { params: { redirect_uri } })).status, 201, redirect_uri);
    });

    test('PAR: malformed messages get a 4xx OAuth error, never a 500', async () => {
      const cases: RequestInit[] = [
        { body: '' },
        { body: 'response_type=' },
        { body: '{"client_id": 1}', headers: { 'content-type': 'application/json' } },
        { body: 'x'.repeat(100_000) },
        { body: 'response_type=code&client_id=test-wallet', headers: { dpop: 'not.a.jwt' } },
        {
          body: 'response_type=code&client_id=test-wallet',
          headers: { 'oauth-client-attestation': 'a.b.c', 'oauth-client-attestation-pop': 'd.e.f' },
        },
        { body: 'response_type=code&client_id=test-wallet&client_id=other' },
      ];
      for (const init of cases) {
        const res = await fetch(url(WALLET_PATHS.par), { method: 'POST', ...init });
        const body = await res.text();
        assert.ok(
          res.status >= 400 && res.status < 500,
          `${String(init.body).slice(0, 60)}: ${res.status} ${body}`,
        );
        assert.doesNotMatch(body, /at .*\.(ts|mjs):\d+/);
      }
    });

    // --- refusals at the authorization endpoint ---------------------------------------------------

    test('authorize without PAR, with an unknown or expired request_uri, or for another client: a page, no redirect', async () => {
      const wallet = await testWallet(await testWalletProvider());
      const pushed = await push(wallet);
      const browser = new Browser();
      const plain = `${url(WALLET_PATHS.authorize)}?${new URLSearchParams({
        response_type: 'code',
        client_id: TEST_WALLET_CLIENT_ID,
        redirect_uri: REDIRECT,
        scope: CREDENTIAL_CONFIGURATION_ID,
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      })}`;
      for (const target of [
        plain,
        authorizeUrl('urn:ietf:params:oauth:request_uri:unknown'),
        authorizeUrl(pushed.body.request_uri, 'another-wallet'),
      ]) {
        const page = await browser.request(target);
        assert.equal(page.status, 400, target);
        assert.equal(page.location, null);
        assert.match(pageText(page.body), /Dit verzoek van uw wallet werkt niet/);
        assert.doesNotMatch(page.body, /href="https:\/\/wallet\.example/);
      }
      // Expired: the pushed request outlived its time.
      await dezi.db.query(
        `UPDATE single_use SET expires_at = now() - interval '1 second' WHERE namespace = 'wallet-par'`,
      );
      const expired = await browser.request(authorizeUrl(pushed.body.request_uri));
      assert.equal(expired.status, 400);
      const [row] = await dezi.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'wallet.authorize' AND outcome = 'failure'`,
      );
      assert.ok(row!.n >= 4);
    });

    test('logged in at substantial only: sent to log in at high, then the choice', async () => {
      const { browser } = await mijnDeziLogin(dezi.url, JANSEN.bsn);
      await dezi.db.query(`UPDATE portal_sessions SET loa_authn = $1`, [LOA.substantial]);
      const wallet = await testWallet(await testWalletProvider());
      const pushed = await push(wallet);
      const first = await browser.request(authorizeUrl(pushed.body.request_uri));
      assert.equal(first.status, 303);
      const login = new URL(first.location!);
      assert.equal(login.pathname, '/authorize');
      assert.equal(login.searchParams.get('acr_values'), LOA.high);
      // A choice posted from the lower session is refused too.
      const page = await browser.goto(first.location!, REDIRECT);
      const back = await digidLogin(browser, page, JANSEN.bsn, REDIRECT);
      assert.match(back.url, /\/wallet\/authorize\?/);
      await dezi.db.query(`UPDATE portal_sessions SET loa_authn = $1`, [LOA.substantial]);
      const low = await browser.submit(back, WALLET_PATHS.authorize, {}, REDIRECT);
      assert.equal(low.status, 403);
      assert.match(pageText(low.body), /Log in met niveau hoog/);
    });

    test('a person with no active employment: a page that says so', async () => {
      const person = (await dezi.register.findPersonByBsn(Bsn.parse(VISSER.bsn)))!;
      const wallet = await testWallet(await testWalletProvider());
      const pushed = await push(wallet);
      const { browser } = await mijnDeziLogin(dezi.url, VISSER.bsn);
      for (const e of await dezi.register.activeEmployments(person.id))
        await dezi.register.endEmployment(e.id, OPERATOR);
      const page = await browser.goto(authorizeUrl(pushed.body.request_uri), REDIRECT);
      assert.equal(page.status, 409);
      assert.match(pageText(page.body), /U heeft geen actieve werkgever/);
      assert.equal(page.location, null);
    });

    // --- refusals at the token endpoint -----------------------------------------------------------

    test('token: a wrong or missing code_verifier, another redirect_uri, another DPoP key, another client', async () => {
      const wallet = await testWallet(await testWalletProvider());
      const { code, verifier } = await codeFor(wallet, AMRANI.bsn);
      const wrong = await redeem(wallet, { code, verifier: pkce().verifier });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.body.error, 'invalid_grant');
      assert.equal((await redeem(wallet, { code })).body.error, 'invalid_request', 'no verifier');
      const elsewhere = await redeem(wallet, { code, verifier, redirectUri: 'https://wallet.example/other' });
      assert.equal(elsewhere.body.error, 'invalid_grant');
      const otherKey = await redeem(wallet, { code, verifier, dpopKey: await newP256() });
      assert.equal(otherKey.body.error, 'invalid_dpop_proof');
      // Another wallet (its own attestation and DPoP key) with this code: not its code.
      const other = await testWallet(await testWalletProvider());
      const stolen = await redeem(other, { code, verifier });
      assert.ok(['invalid_grant', 'invalid_dpop_proof'].includes(stolen.body.error), stolen.body.error);
      // The right wallet still can, once.
      const ok = await redeem(wallet, { code, verifier });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.token_type, 'DPoP');
    });

    test('token: a code replayed is refused, and the access token it gave is revoked', async () => {
      const wallet = await testWallet(await testWalletProvider());
      const { code, verifier } = await codeFor(wallet);
      const first = await redeem(wallet, { code, verifier });
      assert.equal(first.status, 200);
      const again = await redeem(wallet, { code, verifier });
      assert.equal(again.status, 400);
      assert.equal(again.body.error, 'invalid_grant');
      const res = await fetch(url(WALLET_PATHS.credential), {
        method: 'POST',
        headers: {
          authorization: `DPoP ${first.body.access_token}`,
          dpop: await dpopProof(wallet.dpop, {
            htm: 'POST',
            htu: url(WALLET_PATHS.credential),
            nonce: await dpopNonce(),
            accessToken: first.body.access_token,
          }),
          'content-type': 'application/json',
        },
        body: '{}',
      });
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as Wire).error, 'invalid_token');
    });

    test('token: a code of another client is refused', async () => {
      const wallet = await testWallet(await testWalletProvider());
      const { code, verifier } = await codeFor(wallet);
      // The same DPoP key, another attested client id: the code was not issued to it.
      const other = await testWallet(await testWalletProvider(), {
        clientId: 'another-wallet',
        dpop: wallet.dpop,
      });
      const res = await redeem(other, { code, verifier });
      assert.equal(res.body.error, 'invalid_grant');
      assert.match(res.body.error_description, /another client/);
    });
  });
