// The means policy over HTTP: which means a zorgapplicatie is offered (level, allowed and excluded
// means with their dates), step-up, fallback when a means is down or hangs, the preferred means on
// the device and login_hint. The mechanics are tested with two means: the DigiD stand-in (high)
// and the proeftuin's test means (substantial), whose switch makes it up, down or slow; the
// proeftuin's other means are switched off by the operator for those tests, so that every list is
// exact. One test checks what a person is offered with every proeftuin means on.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { EIDAS_MEANS_ID } from '../src/means/eidas/eidas.ts';
import { LOA } from '../src/means/loa.ts';
import { formatPolicyDate } from '../src/means/policy.ts';
import { UZI_PAS_MEANS_ID } from '../src/means/uzi-pas/uzi-pas.ts';
import { WALLET_MEANS_ID } from '../src/means/wallet/wallet-means.ts';
import { YIVI_MEANS_ID } from '../src/means/yivi/yivi.ts';
import { ZIEKENHUISPAS_MEANS_ID, ZORGID_MEANS_ID } from '../src/proeftuin/oidc-means-op.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { Bsn } from '../src/means/bsn.ts';
import { Browser } from './helpers/browser.ts';
import {
  BACKENDS,
  freePort,
  openTestDatabase,
  REGISTRATION_TOKEN,
  startDezi,
  type TestDezi,
} from './helpers/dezi.ts';
import { digidLogin, startLogin } from './helpers/login.ts';
import {
  DIGID,
  offeredMeans,
  openTestMeans,
  setTestMeansMode,
  TEST_MEANS,
  testMeansLogin,
  unusableMeans,
} from './helpers/means.ts';
import { fetchUserinfo, redeem, registerRp, type TestRp } from './helpers/rp.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;
const DE_VRIES = SEED_PERSONS.find((p) => p.achternaam === 'Vries')!;
/** The proeftuin's means besides DigiD and the test means: off while the policy mechanics are tested. */
const OTHER_MEANS = [
  YIVI_MEANS_ID,
  ZORGID_MEANS_ID,
  ZIEKENHUISPAS_MEANS_ID,
  UZI_PAS_MEANS_ID,
  WALLET_MEANS_ID,
  EIDAS_MEANS_ID,
];

/** A date relative to today (UTC), far enough from midnight in any zone for the tests. */
function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

for (const backend of BACKENDS)
  describe(`means policy over HTTP (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let dezi: TestDezi;
    let rp: TestRp;

    before(async () => {
      database = await openTestDatabase(backend);
      dezi = await startDezi({ db: database.db, config: { disabledMeans: OTHER_MEANS } });
      rp = await registerRp(dezi.url);
    });

    after(async () => {
      await dezi?.stop();
      await database?.close();
    });

    afterEach(async () => {
      await setTestMeansMode(dezi.url, 'up');
    });

    async function policyAudit(clientId: string) {
      return database.db.query<{ outcome: string; actor: string | null; detail: Record<string, unknown> }>(
        "SELECT outcome, actor, detail FROM audit_events WHERE action = 'login.policy' AND client_id = $1",
        [clientId],
      );
    }

    async function redeemFinal(
      client: TestRp,
      final: { status: number; location: string | null; url: string },
      request: Parameters<typeof redeem>[2],
    ) {
      assert.equal(
        final.status,
        303,
        `expected a redirect to the client, got ${final.status} at ${final.url}`,
      );
      assert.ok(final.location!.startsWith(client.redirectUri), final.location!);
      return redeem(client, final.location!, request);
    }

    test('acr_values sets the minimum: high offers DigiD only, substantial both; the ID token says what was reached', async () => {
      const browser = new Browser();
      const none = await startLogin(browser, rp);
      assert.deepEqual(offeredMeans(none.page.body), [DIGID], 'without acr_values the minimum is high');
      const high = await startLogin(browser, rp, { acr_values: LOA.high });
      assert.deepEqual(offeredMeans(high.page.body), [DIGID]);
      const unknown = await startLogin(browser, rp, { acr_values: 'urn:example:unknown' });
      assert.deepEqual(offeredMeans(unknown.page.body), [DIGID], 'unknown values are ignored');
      // Every listed level is acceptable: the lowest is the minimum.
      const either = await startLogin(browser, rp, { acr_values: `${LOA.high} ${LOA.substantial}` });
      assert.deepEqual(offeredMeans(either.page.body), [DIGID, TEST_MEANS]);

      const { request, page } = await startLogin(browser, rp, { acr_values: LOA.substantial });
      assert.deepEqual(offeredMeans(page.body), [DIGID, TEST_MEANS]);
      assert.match(page.body, /Betrouwbaarheidsniveau: substantieel/);
      assert.match(page.body, /<img class="dezi-means__icon" src="data:image\/svg\+xml,[^"]+" alt=""/);
      const final = await testMeansLogin(browser, page, JANSEN.deziNummer, rp.redirectUri);
      const tokens = await redeemFinal(rp, final, request);
      const claims = tokens.claims()!;
      assert.equal(claims.acr, LOA.substantial, 'acr is the level the means delivered');
      assert.equal(claims.amr, undefined, 'the means id stays in the session, out of the token');
      const info = await fetchUserinfo(rp, tokens.access_token, claims.sub);
      assert.equal(info.envelope.loa_authn, LOA.substantial);
      assert.equal(info.verklaring.dezi_nummer, JANSEN.deziNummer);
      // The test means keeps the BSN to its back channel: no page, URL or header of the round trip,
      // the stand-in's own pages included, and no log line shows it.
      for (const h of browser.history) {
        const seen = `${h.url} ${h.location ?? ''} ${JSON.stringify(h.headers)} ${h.body}`;
        assert.ok(!seen.includes(JANSEN.bsn), `BSN at ${h.url}`);
      }
      assert.ok(browser.history.some((h) => h.url.includes('/proeftuin/testmiddel/login')));
      // Standing alone: digits inside a longer number (a float responseTime) are not a BSN.
      assert.ok(!new RegExp(`(?<!\\d)${JANSEN.bsn}(?!\\d)`).test(dezi.logs.text()), 'BSN in a log line');
    });

    test('with every proeftuin means on, a person is offered each means that reaches the level, none that does not', async () => {
      const port = await freePort();
      const full = await startDezi({
        db: database.db,
        config: {
          uziPas: {
            listener: { host: '127.0.0.1', port, tls: null },
            proxy: null,
            certificateUrl: `https://localhost:${port}/uzi-pas/certificaat`,
            caFiles: [],
            crlSources: [],
            crlRefreshSeconds: 3600,
            crlGraceSeconds: 0,
            testPkiDir: null,
          },
        },
      });
      try {
        const client = await registerRp(full.url);
        const browser = new Browser();
        const high = [
          DIGID,
          YIVI_MEANS_ID,
          WALLET_MEANS_ID,
          ZORGID_MEANS_ID,
          ZIEKENHUISPAS_MEANS_ID,
          EIDAS_MEANS_ID,
          UZI_PAS_MEANS_ID,
        ];
        const none = await startLogin(browser, client);
        assert.deepEqual(offeredMeans(none.page.body), high, 'without acr_values the minimum is high');
        assert.deepEqual(unusableMeans(none.page.body), []);
        const atHigh = await startLogin(browser, client, { acr_values: LOA.high });
        assert.deepEqual(offeredMeans(atHigh.page.body), high);
        const substantial = await startLogin(browser, client, { acr_values: LOA.substantial });
        assert.deepEqual(offeredMeans(substantial.page.body), [
          DIGID,
          YIVI_MEANS_ID,
          WALLET_MEANS_ID,
          ZORGID_MEANS_ID,
          ZIEKENHUISPAS_MEANS_ID,
          EIDAS_MEANS_ID,
          TEST_MEANS,
          UZI_PAS_MEANS_ID,
        ]);
        // A means below the level stays below it with the others on: the form cannot force it.
        const refused = await browser.submit(
          atHigh.page,
          '/means',
          { means: TEST_MEANS },
          client.redirectUri,
        );
        assert.equal(refused.status, 403);
      } finally {
        await full.stop();
      }
    });

    test('a client registered with default_acr_values gets that minimum when a request names none', async () => {
      const relaxed = await registerRp(dezi.url, { default_acr_values: [LOA.substantial] });
      assert.deepEqual(relaxed.config.clientMetadata().default_acr_values, [LOA.substantial]);
      const browser = new Browser();
      assert.deepEqual(offeredMeans((await startLogin(browser, relaxed)).page.body), [DIGID, TEST_MEANS]);
      const strict = await startLogin(browser, relaxed, { acr_values: LOA.high });
      assert.deepEqual(offeredMeans(strict.page.body), [DIGID], 'the request overrides the default');
    });

    test('a means below the level cannot be forced by editing the form; the refusal is audited', async () => {
      const browser = new Browser();
      const { page } = await startLogin(browser, rp, { acr_values: LOA.high });
      const refused = await browser.submit(page, '/means', { means: TEST_MEANS }, rp.redirectUri);
      assert.equal(refused.status, 403);
      assert.match(refused.body, /Dit inlogmiddel wordt niet geaccepteerd/);
      assert.match(refused.body, /Kies een ander inlogmiddel/);
      assert.ok(!browser.history.some((h) => h.url.includes('/proeftuin/testmiddel')), 'never sent there');
      const audit = await policyAudit(rp.clientId);
      assert.ok(
        audit.some(
          (a) =>
            a.outcome === 'failure' &&
            a.actor === null &&
            a.detail.reason === 'means_below_loa' &&
            a.detail.means === TEST_MEANS &&
            a.detail.minimum_loa === LOA.high,
        ),
        JSON.stringify(audit),
      );
      // An unknown or malformed means is not a policy question: the choice is shown again.
      for (const bad of ['bestaat-niet', '<script>', '']) {
        const again = await browser.submit(page, '/means', { means: bad }, rp.redirectUri);
        assert.equal(again.status, 400, bad);
        assert.deepEqual(offeredMeans(again.body), [DIGID]);
      }
      // The login itself goes on.
      const done = await digidLogin(browser, page, JANSEN.bsn, rp.redirectUri);
      assert.equal(done.status, 303);
    });

    test('when no means the client accepts reaches the level, the client gets access_denied at once', async () => {
      const only = await registerRp(dezi.url, { dezi_allowed_means: [{ means: TEST_MEANS }] });
      const browser = new Browser();
      const { page } = await startLogin(browser, only, { acr_values: LOA.high });
      assert.equal(page.status, 303);
      const back = new URL(page.location!);
      assert.ok(page.location!.startsWith(only.redirectUri));
      assert.equal(back.searchParams.get('error'), 'access_denied');
      assert.equal(
        back.searchParams.get('error_description'),
        `no login means accepted for this client reaches ${LOA.high}`,
      );
      assert.equal(back.searchParams.get('code'), null);
      const audit = await policyAudit(only.clientId);
      assert.deepEqual(
        audit.map((a) => a.detail.reason),
        ['loa_unreachable'],
      );
      // At its own level the same client is served, with only its allowed means.
      const ok = await startLogin(browser, only, { acr_values: LOA.substantial });
      assert.deepEqual(offeredMeans(ok.page.body), [TEST_MEANS]);
    });

    test('duale periode: a means accepted until a date is refused after it, with the date explained', async () => {
      const ended = daysFromNow(-3);
      const later = daysFromNow(3);
      const allowedUntil = await registerRp(dezi.url, {
        default_acr_values: [LOA.substantial],
        dezi_allowed_means: [{ means: DIGID }, { means: TEST_MEANS, until: ended }],
      });
      const excludedFrom = await registerRp(dezi.url, {
        default_acr_values: [LOA.substantial],
        dezi_excluded_means: [{ means: TEST_MEANS, from: ended }],
      });
      const excludedLater = await registerRp(dezi.url, {
        default_acr_values: [LOA.substantial],
        dezi_excluded_means: [{ means: TEST_MEANS, from: later }],
      });
      const notYet = await registerRp(dezi.url, {
        default_acr_values: [LOA.substantial],
        dezi_allowed_means: [{ means: DIGID }, { means: TEST_MEANS, from: later }],
      });
      const excludedAlways = await registerRp(dezi.url, {
        default_acr_values: [LOA.substantial],
        dezi_excluded_means: [{ means: TEST_MEANS }],
      });
      const since = formatPolicyDate(ended, 'nl');
      const browser = new Browser();
      for (const client of [allowedUntil, excludedFrom]) {
        const { page } = await startLogin(browser, client);
        assert.deepEqual(offeredMeans(page.body), [DIGID]);
        assert.deepEqual(unusableMeans(page.body), [
          `Testmiddel (proeftuin) Niet meer geaccepteerd sinds ${since}`,
        ]);
        // Posted anyway (a stale page): refused, with the explanation, and audited.
        const refused = await browser.submit(page, '/means', { means: TEST_MEANS }, client.redirectUri);
        assert.equal(refused.status, 403);
        assert.match(
          refused.body,
          new RegExp(
            `Inloggen met Testmiddel \\(proeftuin\\) wordt sinds ${since} niet meer geaccepteerd door deze zorgapplicatie\\. Kies een ander inlogmiddel\\.`,
          ),
        );
        const en = await browser.request(`${page.url}?lang=en`);
        assert.match(en.body, new RegExp(`No longer accepted since ${formatPolicyDate(ended, 'en')}`));
        await browser.request(`${page.url}?lang=nl`);
        const audit = await policyAudit(client.clientId);
        assert.deepEqual(
          audit.map((a) => [a.detail.reason, a.detail.means]),
          [['means_no_longer_accepted', TEST_MEANS]],
        );
      }
      for (const client of [notYet, excludedAlways]) {
        const { page } = await startLogin(browser, client);
        assert.deepEqual(offeredMeans(page.body), [DIGID], 'not (yet) accepted: simply not offered');
        assert.deepEqual(unusableMeans(page.body), []);
        const refused = await browser.submit(page, '/means', { means: TEST_MEANS }, client.redirectUri);
        assert.equal(refused.status, 403);
        assert.match(refused.body, /Deze zorgapplicatie accepteert dit inlogmiddel niet/);
      }
      // Before its end date the means is accepted as usual.
      const fresh = new Browser();
      const { request, page } = await startLogin(fresh, excludedLater);
      assert.deepEqual(offeredMeans(page.body), [DIGID, TEST_MEANS]);
      const final = await testMeansLogin(fresh, page, JANSEN.deziNummer, excludedLater.redirectUri);
      await redeemFinal(excludedLater, final, request);

      // The same browser now has a session made with the test means: the client that no longer
      // accepts it does not re-use that session but asks for a means, and explains the preferred one.
      const next = await startLogin(fresh, allowedUntil);
      assert.equal(next.page.status, 200);
      assert.match(next.page.body, /Hoe wilt u inloggen\?/);
      assert.doesNotMatch(next.page.body, /Waar werk je/);
      assert.match(
        next.page.body,
        new RegExp(`Inloggen met Testmiddel \\(proeftuin\\) wordt sinds ${since} niet meer geaccepteerd`),
      );
      const done = await digidLogin(fresh, next.page, JANSEN.bsn, allowedUntil.redirectUri);
      const tokens = await redeemFinal(allowedUntil, done, next.request);
      // DigiD is asked for the lowest DigiD level that reaches the login's minimum (substantieel),
      // and acr says what was reached.
      assert.equal(tokens.claims()!.acr, LOA.substantial);
    });

    test('step-up: a session at substantial does not serve a request for high; the person logs in again', async () => {
      const client = await registerRp(dezi.url, { client_name: 'Step-up EPD' });
      const browser = new Browser();
      const first = await startLogin(browser, client, { acr_values: LOA.substantial });
      const firstDone = await testMeansLogin(browser, first.page, JANSEN.deziNummer, client.redirectUri);
      assert.equal((await redeemFinal(client, firstDone, first.request)).claims()!.acr, LOA.substantial);

      // The same level again: answered at once from the session.
      const again = await startLogin(browser, client, { acr_values: LOA.substantial });
      assert.equal((await redeemFinal(client, again.page, again.request)).claims()!.acr, LOA.substantial);

      // Without a new login, high cannot be had.
      const silent = await startLogin(browser, client, { acr_values: LOA.high, prompt: 'none' });
      assert.equal(new URL(silent.page.location!).searchParams.get('error'), 'login_required');

      const high = await startLogin(browser, client, { acr_values: LOA.high });
      assert.equal(high.page.status, 200, 'the interaction is not skipped');
      assert.deepEqual(offeredMeans(high.page.body), [DIGID]);
      const done = await digidLogin(browser, high.page, JANSEN.bsn, client.redirectUri);
      const tokens = await redeemFinal(client, done, high.request);
      assert.equal(tokens.claims()!.acr, LOA.high);

      // A session at high serves a request for substantial, and says high.
      const lower = await startLogin(browser, client, { acr_values: LOA.substantial });
      assert.equal((await redeemFinal(client, lower.page, lower.request)).claims()!.acr, LOA.high);

      // Another zorgapplicatie asking for high after a substantial session: a new login too.
      const other = new Browser();
      const sub = await startLogin(other, client, { acr_values: LOA.substantial });
      await redeemFinal(
        client,
        await testMeansLogin(other, sub.page, DE_VRIES.deziNummer, client.redirectUri),
        sub.request,
      );
      const second = await startLogin(other, rp, { acr_values: LOA.high });
      assert.deepEqual(offeredMeans(second.page.body), [DIGID]);
      const secondSub = await startLogin(other, rp, { acr_values: LOA.substantial });
      assert.equal(secondSub.page.status, 303, 'substantial is served from the session');
    });

    test('a means that is down is shown as temporarily unavailable; the login continues with another', async () => {
      await setTestMeansMode(dezi.url, 'down');
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp, {
        acr_values: LOA.substantial,
        login_hint: `means:${TEST_MEANS}`,
      });
      assert.equal(page.status, 200);
      assert.deepEqual(offeredMeans(page.body), [DIGID]);
      assert.deepEqual(unusableMeans(page.body), ['Testmiddel (proeftuin) Tijdelijk niet beschikbaar']);
      assert.match(
        page.body,
        /Testmiddel \(proeftuin\) is tijdelijk niet beschikbaar\. Kies een ander inlogmiddel/,
      );
      // Posting it anyway leads to the page with the other means, in the same login.
      const fallback = await browser.submit(page, '/means', { means: TEST_MEANS }, rp.redirectUri);
      assert.equal(fallback.status, 200);
      assert.match(fallback.body, /Inlogmiddel tijdelijk niet beschikbaar/);
      assert.deepEqual(offeredMeans(fallback.body), [DIGID]);
      const done = await digidLogin(browser, fallback, JANSEN.bsn, rp.redirectUri);
      await redeemFinal(rp, done, request);
    });

    test('a person known from the session sees the means they linked as the alternative to one that is down', async () => {
      const browser = new Browser();
      const first = await startLogin(browser, rp, { acr_values: LOA.substantial });
      await redeemFinal(
        rp,
        await testMeansLogin(browser, first.page, DE_VRIES.deziNummer, rp.redirectUri),
        first.request,
      );
      const person = (await dezi.register.findPersonByBsn(Bsn.parse(DE_VRIES.bsn)))!;
      await dezi.register.linkMeans(person.id, DIGID, 'gekoppeld-onderwerp-de-vries');

      await setTestMeansMode(dezi.url, 'down');
      const again = await startLogin(browser, rp, { acr_values: LOA.substantial, prompt: 'login' });
      assert.equal(again.page.status, 200);
      assert.deepEqual(offeredMeans(again.page.body), [DIGID]);
      assert.match(again.page.body, /Gekoppeld aan uw zorgidentiteit/);
      // The means this device used last is the one that is down: said first, plainly.
      assert.match(again.page.body, /Testmiddel \(proeftuin\) is tijdelijk niet beschikbaar/);
      assert.deepEqual(unusableMeans(again.page.body), ['Testmiddel (proeftuin) Tijdelijk niet beschikbaar']);
      // Without a session the same device sees the alternatives without that label.
      const stranger = await startLogin(new Browser(), rp, { acr_values: LOA.substantial });
      assert.doesNotMatch(stranger.page.body, /Gekoppeld aan uw zorgidentiteit/);
    });

    test('a means that fails as unavailable during the login offers the other means in the same interaction', async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp, { acr_values: LOA.substantial });
      const standIn = await openTestMeans(browser, page, rp.redirectUri);
      await setTestMeansMode(dezi.url, 'down');
      const fallback = await browser.submit(
        standIn,
        '/proeftuin/testmiddel/login',
        { person: JANSEN.deziNummer, action: 'login' },
        rp.redirectUri,
      );
      assert.equal(fallback.status, 200);
      assert.match(fallback.body, /Testmiddel \(proeftuin\) reageert op dit moment niet/);
      assert.deepEqual(offeredMeans(fallback.body), [DIGID]);
      const audit = await database.db.query<{ detail: Record<string, unknown> }>(
        "SELECT detail FROM audit_events WHERE action = 'login' AND outcome = 'failure' AND client_id = $1",
        [rp.clientId],
      );
      assert.ok(audit.some((a) => a.detail.reason === 'means_unavailable' && a.detail.means === TEST_MEANS));
      const done = await digidLogin(browser, fallback, JANSEN.bsn, rp.redirectUri);
      const tokens = await redeemFinal(rp, done, request);
      assert.equal(tokens.claims()!.acr, LOA.substantial, 'DigiD at the level this login asked for');
    });

    test('an upstream that hangs: the login page comes within the health timeout, a hung exchange ends in the fallback page', async () => {
      await setTestMeansMode(dezi.url, 'slow');
      const browser = new Browser();
      let t0 = Date.now();
      const { page } = await startLogin(browser, rp, { acr_values: LOA.substantial });
      const pageMs = Date.now() - t0;
      assert.ok(pageMs < 4000, `the login page took ${pageMs} ms`);
      assert.deepEqual(offeredMeans(page.body), [DIGID]);
      assert.deepEqual(unusableMeans(page.body), ['Testmiddel (proeftuin) Tijdelijk niet beschikbaar']);

      // The health answer is cached: the next page does not wait again.
      t0 = Date.now();
      await startLogin(browser, rp, { acr_values: LOA.substantial });
      assert.ok(Date.now() - t0 < 1000, 'a cached health answer');

      // Up again, the person reaches the stand-in; then its back channel hangs.
      await setTestMeansMode(dezi.url, 'up');
      const second = await startLogin(browser, rp, { acr_values: LOA.substantial });
      const standIn = await openTestMeans(browser, second.page, rp.redirectUri);
      await setTestMeansMode(dezi.url, 'slow');
      t0 = Date.now();
      const fallback = await browser.submit(
        standIn,
        '/proeftuin/testmiddel/login',
        { person: JANSEN.deziNummer, action: 'login' },
        rp.redirectUri,
      );
      const hungMs = Date.now() - t0;
      assert.ok(hungMs >= 4500 && hungMs < 9000, `the hung exchange ended after ${hungMs} ms`);
      assert.equal(fallback.status, 200);
      assert.match(fallback.body, /reageert op dit moment niet/);
      assert.deepEqual(offeredMeans(fallback.body), [DIGID]);
      assert.ok(
        dezi.logs.lines.some((l) => l.includes('means login failed') && l.includes('did not answer')),
        'the timeout is logged',
      );
    });

    test('the preferred means is remembered on the device without personal data; login_hint pre-selects too', async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp, { acr_values: LOA.substantial });
      assert.deepEqual(offeredMeans(page.body), [DIGID, TEST_MEANS], 'registry order without a preference');
      const final = await testMeansLogin(browser, page, JANSEN.deziNummer, rp.redirectUri);
      await redeemFinal(rp, final, request);
      const setCookie = browser.history
        .flatMap((h) => (h.headers['set-cookie'] ?? '').split(/,(?=\s*\w+=)/))
        .find((c) => c.trim().startsWith('dezi_means='));
      assert.ok(setCookie, 'the preferred means cookie was set');
      const attributes = setCookie.split(';').map((a) => a.trim());
      assert.equal(attributes[0], `dezi_means=${TEST_MEANS}`, 'the means id and nothing else');
      assert.ok(attributes.includes('HttpOnly'));
      assert.ok(attributes.includes('SameSite=Lax'));
      assert.ok(attributes.includes('Path=/interaction'));
      assert.ok(
        attributes.some((a) => /^Max-Age=\d{8}$/.test(a)),
        'long-lived',
      );
      assert.ok(!attributes.includes('Secure'), 'not Secure on a plain-http proeftuin');

      // A new login on this device (prompt=login, so the session is not re-used): the test means first.
      const other = await registerRp(dezi.url, {
        client_name: 'Tweede EPD',
        redirect_uris: ['https://epd.tweede.test/cb'],
      });
      const again = await startLogin(browser, other, { acr_values: LOA.substantial, prompt: 'login' });
      assert.deepEqual(offeredMeans(again.page.body), [TEST_MEANS, DIGID]);
      assert.match(again.page.body, /Laatst gebruikt op dit apparaat/);
      const fresh = await startLogin(new Browser(), other, { acr_values: LOA.substantial });
      assert.deepEqual(offeredMeans(fresh.page.body), [DIGID, TEST_MEANS], 'a new device has no preference');
      const jarPage = await startLoginWithCookie(other, `dezi_means=${TEST_MEANS}`);
      assert.deepEqual(offeredMeans(jarPage.body), [TEST_MEANS, DIGID]);
      for (const junk of ['dezi_means=bestaat-niet', 'dezi_means=%3Cscript%3E', 'dezi_means=']) {
        assert.deepEqual(
          offeredMeans((await startLoginWithCookie(other, junk)).body),
          [DIGID, TEST_MEANS],
          junk,
        );
      }

      // login_hint "means:<id>" wins over the device's preference; other hints are ignored.
      const hinted = await startLoginWithCookie(other, `dezi_means=${TEST_MEANS}`, {
        login_hint: `means:${DIGID}`,
      });
      assert.deepEqual(offeredMeans(hinted.body), [DIGID, TEST_MEANS]);
      assert.match(hinted.body, /Voorgesteld door Tweede EPD/);
      for (const hint of ['j.jansen@example.test', 'means:', 'means:BESTAAT', `means:${TEST_MEANS}x`]) {
        const page = await startLoginWithCookie(other, '', { login_hint: hint });
        assert.deepEqual(offeredMeans(page.body), [DIGID, TEST_MEANS], hint);
      }
      const hintedBelow = await startLoginWithCookie(other, '', {
        login_hint: `means:${TEST_MEANS}`,
        acr_values: LOA.high,
      });
      assert.deepEqual(offeredMeans(hintedBelow.body), [DIGID], 'a hint cannot add a means below the level');
    });

    /** The login page as a browser sees it that also sends this cookie. */
    async function startLoginWithCookie(client: TestRp, cookie: string, params: Record<string, string> = {}) {
      const browser = new Browser();
      const { page } = await startLogin(browser, client, { acr_values: LOA.substantial, ...params });
      if (!cookie) return page;
      const own = browser
        .cookies()
        .filter((c) => new URL(page.url).pathname.startsWith(c.path))
        .map((c) => `${c.name}=${c.value}`);
      const res = await fetch(page.url, {
        headers: { accept: 'text/html', cookie: [...own, cookie].join('; ') },
      });
      assert.equal(res.status, 200);
      return { body: await res.text() };
    }

    test('registration checks the means policy metadata', async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ dezi_allowed_means: 'uzi-pas' }, /dezi_allowed_means must be an array/],
        [{ dezi_allowed_means: [{ means: 'UZI pas' }] }, /dezi_allowed_means\[0\]\.means must be a means id/],
        [
          { dezi_excluded_means: [{ means: 'uzi-pas', from: '1 juli 2027' }] },
          /dezi_excluded_means\[0\]\.from must be a date/,
        ],
        [{ dezi_excluded_means: [{ means: 'uzi-pas', until: '2027-02-30' }] }, /until must be a date/],
        [
          { dezi_allowed_means: [{ means: 'uzi-pas', from: '2027-07-01', until: '2027-01-01' }] },
          /from must be before until/,
        ],
        [{ dezi_allowed_means: [{ means: 'uzi-pas', tot: '2027-07-01' }] }, /unknown member tot/],
        [{ dezi_allowed_means: [null] }, /must be an object/],
        [{ default_acr_values: ['urn:example:gold'] }, /default_acr_values/],
      ];
      const { keyMaterial } = await import('./helpers/rp.ts');
      const { jwks } = await keyMaterial();
      for (const [extra, message] of cases) {
        const res = await fetch(`${dezi.url}/register`, {
          method: 'POST',
          headers: { authorization: `Bearer ${REGISTRATION_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            client_name: 'Fout',
            redirect_uris: ['https://fout.test/cb'],
            token_endpoint_auth_method: 'private_key_jwt',
            jwks,
            ...extra,
          }),
        });
        const body = (await res.json()) as { error: string; error_description: string };
        assert.equal(res.status, 400, JSON.stringify(extra));
        assert.equal(body.error, 'invalid_client_metadata');
        assert.match(body.error_description, message);
      }
      const good = await registerRp(dezi.url, {
        dezi_allowed_means: [{ means: 'uzi-pas', until: '2027-07-01' }, { means: DIGID }],
        dezi_excluded_means: [{ means: TEST_MEANS, from: '2026-01-01T00:00:00+01:00' }],
      });
      assert.deepEqual(good.config.clientMetadata().dezi_allowed_means, [
        { means: 'uzi-pas', until: '2027-07-01' },
        { means: DIGID },
      ]);
    });

    test('a means disabled by the operator is not offered and cannot be chosen', async () => {
      const second = await startDezi({
        db: database.db,
        config: { disabledMeans: [TEST_MEANS, ...OTHER_MEANS] },
      });
      try {
        const client = await registerRp(second.url, { default_acr_values: [LOA.substantial] });
        const browser = new Browser();
        const { page } = await startLogin(browser, client);
        assert.deepEqual(offeredMeans(page.body), [DIGID]);
        assert.deepEqual(unusableMeans(page.body), []);
        const forced = await browser.submit(page, '/means', { means: TEST_MEANS }, client.redirectUri);
        assert.equal(forced.status, 400);
        assert.deepEqual(offeredMeans(forced.body), [DIGID]);
        assert.ok(!browser.history.some((h) => h.url.includes('/proeftuin/testmiddel/login')));
      } finally {
        await second.stop();
      }
    });

    test('the test means switch needs the proeftuin token and a known mode', async () => {
      const url = `${dezi.url}/proeftuin/testmiddel/mode`;
      const put = (auth: string, body: unknown) =>
        fetch(url, {
          method: 'PUT',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      assert.equal((await put('Bearer wrong', { mode: 'down' })).status, 401);
      assert.equal((await put(`Bearer ${REGISTRATION_TOKEN}`, { mode: 'broken' })).status, 400);
      assert.deepEqual(await (await fetch(url)).json(), { mode: 'up' });
      const token = await fetch(`${dezi.url}/proeftuin/testmiddel/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'x'.repeat(43) }),
      });
      assert.equal(token.status, 401, 'the back channel needs its token');
      // The stand-in serves only this Dezi's callbacks, and only with a CSRF token.
      const state = 'a'.repeat(43);
      const callback = `${dezi.url}/interaction/abcdefghijkl/callback/${TEST_MEANS}`;
      const queries: Record<string, string>[] = [
        { state: 'kort', return_to: callback },
        { state, return_to: 'https://elders.test/interaction/x' },
        { state, return_to: `${callback}?extra=1` },
        { state },
      ];
      for (const query of queries) {
        const res = await fetch(`${dezi.url}/proeftuin/testmiddel/login?${new URLSearchParams(query)}`, {
          headers: { accept: 'text/html' },
        });
        assert.equal(res.status, 400, JSON.stringify(query));
      }
      const forged = await fetch(`${dezi.url}/proeftuin/testmiddel/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ state, return_to: callback, person: JANSEN.deziNummer, action: 'login' }),
      });
      assert.equal(forged.status, 400, 'no CSRF token, no code');
    });
  });
