// OpenID Connect login means end to end: the production adapter (openid-client) against the
// proeftuin's stand-in supplier (a second oidc-provider) and against a misbehaving provider that
// signs what the test tells it to. Nothing is issued unless the ID token is right.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LOA } from '../src/means/loa.ts';
import { registry } from '../src/ops/metrics.ts';
import {
  STAND_IN_ACCOUNTS,
  STAND_IN_ACR,
  ZIEKENHUISPAS_MEANS_ID,
  ZORGID_MEANS_ID,
} from '../src/proeftuin/oidc-means-op.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { Browser, type Exchange } from './helpers/browser.ts';
import { BACKENDS, freePort, openTestDatabase, startDezi, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import {
  FAKE_ACR,
  FAKE_OP_MEANS_ID,
  fakeOpenIdProvider,
  type OpBehaviour,
} from './helpers/fake-upstreams.ts';
import { chooseEmployment, codeIssued, digidLogin, oidcMeansLogin, startLogin } from './helpers/login.ts';
import { DIGID, offeredMeans, unusableMeans } from './helpers/means.ts';
import { fetchUserinfo, redeem, registerRp, type AuthRequest, type TestRp } from './helpers/rp.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;
const DE_VRIES = SEED_PERSONS.find((p) => p.achternaam === 'Vries')!;
const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!;
/** The broker's login counter (dezi_logins_total) for this means and outcome. */
async function loginCount(means: string, outcome: 'success' | 'failure'): Promise<number> {
  const metric = await registry.getSingleMetric('dezi_logins_total')!.get();
  return metric.values.find((v) => v.labels.means === means && v.labels.outcome === outcome)?.value ?? 0;
}

const [PSEUDONYM, UZI, TOO_LOW] = STAND_IN_ACCOUNTS as [
  (typeof STAND_IN_ACCOUNTS)[0],
  (typeof STAND_IN_ACCOUNTS)[0],
  (typeof STAND_IN_ACCOUNTS)[0],
];

for (const backend of BACKENDS)
  describe(`OpenID Connect means through the stand-in supplier (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;

    withDezi(backend, { rp: true }, (started) => ({ dezi, rp } = started));

    async function redeemed(final: Exchange, request: AuthRequest) {
      assert.equal(final.status, 303, final.body.slice(0, 400));
      assert.ok(final.location!.startsWith(rp.redirectUri), final.location!);
      const tokens = await redeem(rp, final.location!, request);
      const claims = tokens.claims()!;
      return { claims, userinfo: await fetchUserinfo(rp, tokens.access_token, claims.sub) };
    }

    test('both means are offered, with their names', async () => {
      const { page } = await startLogin(new Browser(), rp);
      assert.match(page.body, new RegExp(`value="${ZORGID_MEANS_ID}"`));
      assert.match(page.body, new RegExp(`value="${ZIEKENHUISPAS_MEANS_ID}"`));
      assert.match(page.body, /Ziekenhuispas \(proeftuin, NEN 7518\)/);
    });

    test('a pseudonymous sub linked in the register logs in its person at high', async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp);
      const final = await oidcMeansLogin(browser, page, ZORGID_MEANS_ID, PSEUDONYM.sub, rp.redirectUri);
      const { claims, userinfo } = await redeemed(final, request);
      assert.equal(claims.acr, LOA.high);
      assert.equal(userinfo.verklaring.dezi_nummer, JANSEN.deziNummer);
      // The supplier was asked for its own acr values that reach high, with PKCE and a nonce.
      const authorize = new URL(
        browser.history.find((h) => h.url.includes('/proeftuin/oidc-means/auth'))!.url,
      );
      assert.equal(authorize.searchParams.get('acr_values'), STAND_IN_ACR.hoog);
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      assert.ok(authorize.searchParams.get('nonce'));
      assert.equal(
        authorize.searchParams.get('redirect_uri'),
        `${dezi.url}/means/oidc/${ZORGID_MEANS_ID}/callback`,
      );
    });

    test('a UZI-nummer claim logs in its person through the hospital pass', async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp);
      const final = await oidcMeansLogin(browser, page, ZIEKENHUISPAS_MEANS_ID, UZI.sub, rp.redirectUri);
      const { userinfo } = await redeemed(final, request);
      assert.equal(userinfo.verklaring.dezi_nummer, DE_VRIES.deziNummer);
    });

    test('an unlinked pseudonym finds no person: the page on linking it, nothing issued', async () => {
      const browser = new Browser();
      const { page } = await startLogin(browser, rp);
      const final = await oidcMeansLogin(browser, page, ZORGID_MEANS_ID, UZI.sub, rp.redirectUri);
      assert.equal(final.status, 403);
      assert.match(final.body, /Dit inlogmiddel is nog niet gekoppeld/);
      assert.ok(!codeIssued(browser, rp.redirectUri));
    });

    test('an account authenticated at too low an acr: a clear page, nothing issued', async () => {
      const browser = new Browser();
      const { page } = await startLogin(browser, rp);
      const final = await oidcMeansLogin(browser, page, ZORGID_MEANS_ID, TOO_LOW.sub, rp.redirectUri);
      assert.equal(final.status, 400);
      assert.match(final.body, /Betrouwbaarheidsniveau te laag/);
      assert.ok(!codeIssued(browser, rp.redirectUri));
      assert.match(dezi.logs.text(), /"kind":"insufficient_loa"/);
    });

    test('a hospital pass answering below the level: says so, offers the means that reach it, the same login goes on', async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp);
      const meansPage = offeredMeans(page.body);
      assert.ok(meansPage.includes(ZIEKENHUISPAS_MEANS_ID));
      const failuresBefore = await loginCount(ZIEKENHUISPAS_MEANS_ID, 'failure');
      const final = await oidcMeansLogin(browser, page, ZIEKENHUISPAS_MEANS_ID, TOO_LOW.sub, rp.redirectUri);
      assert.equal(final.status, 400);
      assert.match(final.url, /\/interaction\/[A-Za-z0-9_-]+\/uitkomst$/);
      assert.match(final.body, /<h1[^>]*>Betrouwbaarheidsniveau te laag<\/h1>/);
      assert.match(
        final.body,
        /U bent met Ziekenhuispas \(proeftuin, NEN 7518\) ingelogd op betrouwbaarheidsniveau laag, maar Testzorgapplicatie vraagt ten minste betrouwbaarheidsniveau hoog\./,
      );
      assert.doesNotMatch(final.body, /Inloggen is niet gelukt|geen geldig antwoord/);
      // The means that reach high and this client accepts, as "Hoe wilt u inloggen?" lists them,
      // without the one that just answered too low.
      const offered = offeredMeans(final.body);
      assert.deepEqual(
        offered,
        meansPage.filter((id) => id !== ZIEKENHUISPAS_MEANS_ID),
      );
      assert.ok(offered.length >= 2 && offered.includes(DIGID), offered.join());
      for (const id of offered) assert.equal(dezi.means.get(id)!.loa, LOA.high, id);
      assert.equal(
        [...final.body.matchAll(/Betrouwbaarheidsniveau: hoog/g)].length,
        offered.length,
        'each offered means shows its level',
      );

      // In English, by the page's own switch: the same outcome, the callback not requested again.
      const callbacks = () => browser.history.filter((h) => h.url.includes('/callback/')).length;
      const calls = callbacks();
      const href = /class="[^"]*dezi-lang-switch"\s+href="([^"]+)"/
        .exec(final.body)![1]!
        .replace(/&amp;/g, '&');
      const english = await browser.request(new URL(href, final.url).href);
      assert.equal(english.status, 400);
      assert.match(english.body, /<h1[^>]*>Level of assurance too low<\/h1>/);
      assert.match(
        english.body,
        /You logged in with Hospital pass \(proeftuin, NEN 7518\) at level of assurance low, but Testzorgapplicatie requires at least level of assurance high\./,
      );
      assert.deepEqual(offeredMeans(english.body), offered);
      assert.equal(callbacks(), calls);

      // The refusal is in the audit trail, without personal data, and counted.
      const audit = await dezi.db.query<{ actor: string | null; detail: Record<string, unknown> }>(
        `SELECT actor, detail FROM audit_events WHERE action = 'login' AND outcome = 'failure'
           AND client_id = $1 AND detail->>'reason' = 'means_loa_too_low' AND detail->>'means' = $2`,
        [rp.clientId, ZIEKENHUISPAS_MEANS_ID],
      );
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.actor, null);
      assert.deepEqual(audit[0]!.detail, {
        reason: 'means_loa_too_low',
        means: ZIEKENHUISPAS_MEANS_ID,
        loa_authn: LOA.low,
        minimum_loa: LOA.high,
      });
      assert.equal(await loginCount(ZIEKENHUISPAS_MEANS_ID, 'failure'), failuresBefore + 1);

      // F. el Amrani goes on with DigiD in the same login: the choice of employment, and the code.
      const digid = await browser.submit(english, '/means', { means: DIGID }, rp.redirectUri);
      const choice = await browser.submit(
        digid,
        '/proeftuin/digid/authenticate',
        { bsn: AMRANI.bsn, action: 'login' },
        rp.redirectUri,
      );
      assert.match(choice.url, /\/kies$/);
      const done = await chooseEmployment(browser, choice, '90000222', rp.redirectUri);
      const { claims, userinfo } = await redeemed(done, request);
      assert.equal(claims.acr, LOA.high);
      assert.equal(userinfo.verklaring.dezi_nummer, AMRANI.deziNummer);
      assert.equal(userinfo.verklaring.abonnee_nummer, '90000222');
    });

    test('cancelling at the supplier: a clear page, nothing issued', async () => {
      const browser = new Browser();
      const { page } = await startLogin(browser, rp);
      const final = await oidcMeansLogin(
        browser,
        page,
        ZORGID_MEANS_ID,
        PSEUDONYM.sub,
        rp.redirectUri,
        'cancel',
      );
      assert.equal(final.status, 400);
      assert.match(final.body, /Inloggen geannuleerd/);
      assert.ok(!codeIssued(browser, rp.redirectUri));
    });

    test('a replayed callback is refused', async () => {
      const browser = new Browser();
      const { page } = await startLogin(browser, rp);
      const final = await oidcMeansLogin(browser, page, ZORGID_MEANS_ID, PSEUDONYM.sub, rp.redirectUri);
      assert.equal(final.status, 303);
      const callback = browser.history.find((h) =>
        h.url.includes(`/means/oidc/${ZORGID_MEANS_ID}/callback`),
      )!;
      // The login is complete, so its interaction is gone as well as its means state.
      const replay = await browser.goto(callback.url, rp.redirectUri);
      assert.equal(replay.status, 400);
      assert.match(replay.body, /Uw inlogsessie is verlopen/);
      assert.equal(browser.history.filter((h) => h.location?.startsWith(rp.redirectUri)).length, 1);
    });

    test('a tampered, foreign or missing state is refused at the redirect URI', async () => {
      const browser = new Browser();
      const { page } = await startLogin(browser, rp);
      const supplier = await browser.submit(page, '/means', { means: ZORGID_MEANS_ID });
      const state = new URL(
        browser.history.find((h) => h.url.includes('/proeftuin/oidc-means/auth'))!.url,
      ).searchParams.get('state')!;
      const base = `${dezi.url}/means/oidc`;
      const tampered = `${state.slice(0, -4)}${state.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
      for (const url of [
        `${base}/${ZORGID_MEANS_ID}/callback?code=x&state=${tampered}`,
        `${base}/${ZIEKENHUISPAS_MEANS_ID}/callback?code=x&state=${state}`, // sealed for the other means
        `${base}/${ZORGID_MEANS_ID}/callback?code=x`,
        `${base}/unknown-means/callback?code=x&state=${state}`,
      ]) {
        const res = await browser.request(url);
        assert.equal(res.status, 400, url);
        assert.match(res.body, /hoort niet bij een inlogpoging/);
      }
      // The genuine state from another browser reaches a login that browser does not hold.
      const other = new Browser();
      const foreign = await other.goto(`${base}/${ZORGID_MEANS_ID}/callback?code=x&state=${state}`);
      assert.equal(foreign.status, 400);
      assert.match(foreign.body, /inlogsessie is verlopen/);
      assert.ok(!codeIssued(browser, rp.redirectUri) && !codeIssued(other, rp.redirectUri));
      assert.equal(supplier.status, 200);
    });

    test('the stand-in supplier publishes its discovery under its mount path', async () => {
      const meta = (await (
        await fetch(`${dezi.url}/proeftuin/oidc-means/.well-known/openid-configuration`)
      ).json()) as Record<string, unknown>;
      assert.equal(meta.issuer, `${dezi.url}/proeftuin/oidc-means`);
      assert.deepEqual(meta.token_endpoint_auth_methods_supported, ['private_key_jwt']);
      assert.deepEqual(meta.acr_values_supported, Object.values(STAND_IN_ACR));
      assert.ok(String(meta.token_endpoint).startsWith(`${dezi.url}/proeftuin/oidc-means/`));
    });
  });

for (const backend of BACKENDS)
  describe(`OpenID Connect means against a misbehaving provider (${backend})`, () => {
    let dezi: TestDezi;
    let op: Awaited<ReturnType<typeof fakeOpenIdProvider>>;
    let rp: TestRp;

    before(async () => {
      op = await fakeOpenIdProvider();
    });

    withDezi(
      backend,
      { config: () => ({ oidcMeans: [op.config] }), rp: true },
      (started) => ({ dezi, rp } = started),
    );

    after(async () => {
      await op?.close();
    });

    async function attempt(behaviour: OpBehaviour) {
      op.behave(behaviour);
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp);
      const final = await browser.submit(page, '/means', { means: FAKE_OP_MEANS_ID }, rp.redirectUri);
      return { browser, request, final };
    }

    async function refused(behaviour: OpBehaviour, status = 400, text = /Inloggen is niet gelukt/) {
      const { browser, final } = await attempt(behaviour);
      assert.equal(final.status, status, final.body.slice(0, 400));
      assert.match(final.body, text);
      assert.ok(!codeIssued(browser, rp.redirectUri), 'nothing issued');
    }

    /**
     * The supplier fails as unavailable: the same login lands on the fallback page with the other
     * means, nothing is issued, the login page shows the supplier as down until the next health
     * check, and the login goes on with DigiD.
     */
    async function fellBack(behaviour: OpBehaviour) {
      const { browser, request, final } = await attempt(behaviour);
      assert.equal(final.status, 200, final.body.slice(0, 400));
      assert.match(final.body, /Inlogmiddel tijdelijk niet beschikbaar/);
      assert.match(final.body, /Test-OP reageert op dit moment niet/);
      const others = offeredMeans(final.body);
      assert.ok(!others.includes(FAKE_OP_MEANS_ID), others.join());
      assert.ok(others.includes(DIGID), others.join());
      assert.ok(!codeIssued(browser, rp.redirectUri), 'nothing issued');

      const next = await startLogin(new Browser(), rp);
      assert.ok(!offeredMeans(next.page.body).includes(FAKE_OP_MEANS_ID));
      assert.deepEqual(unusableMeans(next.page.body), ['Test-OP Tijdelijk niet beschikbaar']);

      const done = await digidLogin(browser, final, JANSEN.bsn, rp.redirectUri);
      assert.equal(done.status, 303, done.body.slice(0, 400));
      const tokens = await redeem(rp, done.location!, request);
      assert.equal(tokens.claims()!.acr, LOA.high);

      // The next health check finds the supplier's discovery answering: offered again.
      op.behave({});
      dezi.means.forgetHealth(FAKE_OP_MEANS_ID);
      const again = await startLogin(new Browser(), rp);
      assert.ok(offeredMeans(again.page.body).includes(FAKE_OP_MEANS_ID));
      assert.deepEqual(unusableMeans(again.page.body), []);
    }

    test('a correct ID token logs in (the fake is sound), with private_key_jwt and PKCE', async () => {
      const { request, final } = await attempt({});
      assert.equal(final.status, 303, final.body.slice(0, 400));
      const tokens = await redeem(rp, final.location!, request);
      assert.equal(tokens.claims()!.acr, LOA.high);
      const sent = op.tokenRequests.at(-1)!;
      assert.equal(sent.client_assertion_type, 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      assert.ok(sent.client_assertion && sent.code_verifier);
    });

    test('wrong audience', () => refused({ idToken: (c) => ({ ...c, aud: 'someone-else' }) }));
    test('wrong nonce', () => refused({ idToken: (c) => ({ ...c, nonce: 'not-the-nonce' }) }));
    test('no nonce', () => refused({ idToken: ({ nonce: _n, ...c }) => c }));
    test('expired ID token', () =>
      refused({ idToken: (c) => ({ ...c, iat: c.iat! - 3600, exp: c.iat! - 1800 }) }));
    test('wrong issuer', () => refused({ idToken: (c) => ({ ...c, iss: 'https://evil.example' }) }));
    test('wrong signature', () => refused({ signWithWrongKey: true }));
    test('acr too low', () =>
      refused({ idToken: (c) => ({ ...c, acr: FAKE_ACR.laag }) }, 400, /Betrouwbaarheidsniveau te laag/));
    test('unknown acr, and none', async () => {
      await refused({ idToken: (c) => ({ ...c, acr: 'urn:unknown' }) });
      await refused({ idToken: ({ acr: _a, ...c }) => c });
    });
    test('no subject claim, and a malformed UZI-nummer', async () => {
      await refused({ idToken: ({ uzi_nummer: _u, ...c }) => c });
      await refused({ uziNummer: '12345' });
    });
    test('token endpoint errors: 5xx is unavailable, invalid_grant is a failed login', async () => {
      await fellBack({ tokenAnswer: { status: 500, body: { error: 'server_error' } } });
      await refused({ tokenAnswer: { status: 400, body: { error: 'invalid_grant' } } });
      await refused({ tokenAnswer: { status: 200, body: { access_token: 'at', token_type: 'Bearer' } } });
    });
    test('slow token endpoint: the fallback page with the other means', () =>
      fellBack({ tokenDelayMs: 20_000 }));

    test('state mismatch: the answer of one login delivered to another', async () => {
      op.behave({});
      // Login A goes to the provider; its answer (code + sealed state) is captured, not used.
      const a = new Browser();
      const first = await startLogin(a, rp);
      const toOp = await a.submit(first.page, '/means', { means: FAKE_OP_MEANS_ID }, dezi.url);
      const answerA = toOp.location!;
      assert.ok(answerA.includes(`/means/oidc/${FAKE_OP_MEANS_ID}/callback`));
      const stateA = new URL(answerA).searchParams.get('state')!;
      // Login B in another browser, then A's answer at B's broker callback.
      const b = new Browser();
      const second = await startLogin(b, rp);
      await b.submit(second.page, '/means', { means: FAKE_OP_MEANS_ID }, dezi.url);
      const uidB = /\/interaction\/([A-Za-z0-9_-]+)/.exec(second.page.url)![1]!;
      const mixed = await b.goto(
        `${dezi.url}/interaction/${uidB}/callback/${FAKE_OP_MEANS_ID}?code=${new URL(answerA).searchParams.get('code')}&state=${stateA}`,
      );
      assert.match(mixed.url, /\/uitkomst$/);
      assert.equal(mixed.status, 400);
      assert.match(mixed.body, /Inloggen is niet gelukt/);
      assert.ok(!codeIssued(b, rp.redirectUri));
    });

    test('a callback replayed while the login still waits for the choice of employment', async () => {
      const { browser, final } = await attempt({ uziNummer: AMRANI.deziNummer });
      assert.equal(final.status, 200);
      assert.match(final.url, /\/kies$/);
      const callback = browser.history.find((h) => h.url.includes(`/callback/${FAKE_OP_MEANS_ID}?`))!;
      const tokenRequests = op.tokenRequests.length;
      const replay = await browser.goto(callback.url);
      assert.match(replay.url, /\/uitkomst$/);
      assert.equal(replay.status, 400);
      assert.match(replay.body, /Inloggen is niet gelukt/);
      assert.equal(op.tokenRequests.length, tokenRequests, 'the code was not offered again');
      assert.ok(!codeIssued(browser, rp.redirectUri));
    });
  });

for (const backend of BACKENDS)
  describe(`OpenID Connect means supplier down (${backend})`, () => {
    test('connection refused at discovery: shown as down, the fallback page if chosen anyway, nothing issued', async () => {
      const database = await openTestDatabase(backend);
      const op = await fakeOpenIdProvider();
      const port = await freePort();
      const dezi = await startDezi({
        db: database.db,
        config: { oidcMeans: [{ ...op.config, issuer: `http://localhost:${port}` }] },
      });
      try {
        const rp = await registerRp(dezi.url);
        const browser = new Browser();
        const { request, page } = await startLogin(browser, rp);
        // The health check finds no supplier: the login page says so instead of offering it.
        assert.equal(page.status, 200);
        assert.ok(!offeredMeans(page.body).includes(FAKE_OP_MEANS_ID));
        assert.deepEqual(unusableMeans(page.body), ['Test-OP Tijdelijk niet beschikbaar']);
        // Posted anyway (a stale page): the fallback page with the other means, nothing issued.
        const final = await browser.submit(page, '/means', { means: FAKE_OP_MEANS_ID }, rp.redirectUri);
        assert.equal(final.status, 200, final.body.slice(0, 400));
        assert.match(final.body, /Inlogmiddel tijdelijk niet beschikbaar/);
        assert.ok(!offeredMeans(final.body).includes(FAKE_OP_MEANS_ID));
        assert.ok(offeredMeans(final.body).includes(DIGID));
        assert.ok(!codeIssued(browser, rp.redirectUri));
        assert.equal(await dezi.provider.Client.find(rp.clientId).then((c) => !!c), true);
        // The login goes on with another means.
        const done = await digidLogin(browser, final, JANSEN.bsn, rp.redirectUri);
        assert.equal(done.status, 303, done.body.slice(0, 400));
        await redeem(rp, done.location!, request);
      } finally {
        await dezi.stop();
        await op.close();
        await database.close();
      }
    });
  });
