// Switching language never costs a person their login. Every page of a login offers its URL in the
// other language; these tests follow that link as a person clicks it (parsed from the page) on every
// kind of page a means callback leads to, and on the stand-ins' own pages: the page comes back in
// the other language with the same outcome, the login goes on, and the callback that carried a
// one-time artifact, code or result was not requested again.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeArtifact } from '../src/means/saml/artifact.ts';
import { LOA } from '../src/means/loa.ts';
import {
  OIDC_MEANS_STAND_IN_PATH,
  STAND_IN_ACCOUNTS,
  ZORGID_MEANS_ID,
} from '../src/proeftuin/oidc-means-op.ts';
import { SEED_PERSONS, UNKNOWN_TEST_BSN } from '../src/proeftuin/seed-data.ts';
import { Browser, radioValues, type Exchange } from './helpers/browser.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import {
  chooseEmployment,
  codeIssued,
  digidLogin,
  oidcMeansLogin,
  startLogin,
  yiviLogin,
  yiviPage,
} from './helpers/login.ts';
import {
  DIGID,
  offeredMeans,
  openTestMeans,
  setTestMeansMode,
  TEST_MEANS,
  testMeansLogin,
} from './helpers/means.ts';
import { fetchUserinfo, redeem, type AuthRequest, type TestRp } from './helpers/rp.ts';

const person = (achternaam: string) => SEED_PERSONS.find((p) => p.achternaam === achternaam)!;
const JANSEN = person('Jansen');
const AMRANI = person('Amrani');
const BOS = person('Bos');
const VAN_DIJK = person('Dijk');
const [PSEUDONYM, UZI] = STAND_IN_ACCOUNTS as [(typeof STAND_IN_ACCOUNTS)[0], (typeof STAND_IN_ACCOUNTS)[0]];
/** Both of F. el Amrani's employments: De Linde and Zuidwijk. */
const ZUIDWIJK = '90000222';

const unescape = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");

/** The language switch the page offers, as an absolute URL. */
function langSwitch(page: Exchange): string {
  const m = /class="[^"]*dezi-lang-switch"\s+href="([^"]+)"/.exec(page.body);
  assert.ok(m, `no language switch on ${page.url}:\n${page.body.slice(0, 600)}`);
  return new URL(unescape(m[1]!), page.url).href;
}

/** Clicks the language switch; the page must come back in the other language, at the same address. */
async function switchLanguage(browser: Browser, page: Exchange, to: 'nl' | 'en'): Promise<Exchange> {
  const href = langSwitch(page);
  const url = new URL(href);
  assert.equal(url.searchParams.get('lang'), to);
  assert.doesNotMatch(url.pathname, /\/callback\//, `the switch leads back into a callback: ${href}`);
  for (const oneTime of ['SAMLart', 'SAMLResponse', 'code', 'result']) {
    assert.ok(!url.searchParams.has(oneTime), `the switch carries ${oneTime} again: ${href}`);
  }
  const switched = await browser.request(href);
  assert.match(switched.body, new RegExp(`<html lang="${to}">`), switched.body.slice(0, 600));
  return switched;
}

/** The requests the browser made to a broker callback (each carried a one-time value). */
const callbacks = (browser: Browser) =>
  browser.history.filter((h) => /\/interaction\/[^/]+\/callback\//.test(h.url));

/** The link of a button-styled anchor with this text. */
function linkTo(page: Exchange, text: RegExp): string {
  for (const [, href, label] of page.body.matchAll(/<a\b[^>]*href="([^"]+)"[^>]*>([^<]*)<\/a>/g)) {
    if (text.test(label!)) return new URL(unescape(href!), page.url).href;
  }
  assert.fail(`no link ${text} on ${page.url}`);
}

for (const backend of BACKENDS)
  describe(`switching language keeps the login (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;

    withDezi(backend, { rp: true }, (started) => ({ dezi, rp } = started));

    async function verklaring(final: Exchange, request: AuthRequest) {
      assert.equal(final.status, 303, final.body.slice(0, 600));
      assert.ok(final.location!.startsWith(rp.redirectUri), final.location!);
      const tokens = await redeem(rp, final.location!, request);
      return (await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub)).verklaring;
    }

    /**
     * On "Waar werk je? Wat ben je?" reached from a means' callback: the switch shows the same
     * choice in English (and back), the person chooses there, and the code is issued; the callback
     * was requested once.
     */
    async function choiceSurvivesTheSwitch(browser: Browser, request: AuthRequest, choice: Exchange) {
      assert.equal(choice.status, 200, choice.body.slice(0, 600));
      assert.match(choice.url, /\/interaction\/[^/]+\/kies$/);
      assert.match(choice.body, /Waar werk je\? Wat ben je\?/);
      const employments = radioValues(choice.body, 'employment');
      assert.equal(employments.length, 2);
      const english = await switchLanguage(browser, choice, 'en');
      assert.equal(english.status, 200);
      assert.match(english.body, /Where do you work\? What is your role\?/);
      assert.deepEqual(radioValues(english.body, 'employment'), employments);
      const dutch = await switchLanguage(browser, english, 'nl');
      assert.match(dutch.body, /Waar werk je\? Wat ben je\?/);
      const english2 = await switchLanguage(browser, dutch, 'en');
      const final = await chooseEmployment(browser, english2, ZUIDWIJK, rp.redirectUri);
      const v = await verklaring(final, request);
      assert.equal(v.dezi_nummer, AMRANI.deziNummer);
      assert.equal(v.abonnee_nummer, ZUIDWIJK);
      assert.equal(callbacks(browser).length, 1, 'the callback was requested once');
      assert.ok(
        browser.history.every((h) => !/Inloggen is niet gelukt|Login failed/.test(h.body)),
        'no failed login on the way',
      );
    }

    test('the choice of employment after DigiD: switch, choose in English, the code; the artifact used once', async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp);
      const choice = await digidLogin(browser, page, AMRANI.bsn, rp.redirectUri);
      const acs = browser.history.filter((h) => h.url.includes('/means/digid/acs?'));
      assert.equal(acs.length, 1);
      assert.ok(new URL(callbacks(browser)[0]!.url).searchParams.has('SAMLart'));
      await choiceSurvivesTheSwitch(browser, request, choice);
      assert.equal(browser.history.filter((h) => h.url.includes('/means/digid/acs?')).length, 1);
    });

    test('the choice of employment after Yivi: the same', async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp);
      const choice = await yiviLogin(browser, page, AMRANI.deziNummer, rp.redirectUri);
      await choiceSurvivesTheSwitch(browser, request, choice);
    });

    test('the choice of employment after the test means: the same', async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp, { acr_values: LOA.substantial });
      const choice = await testMeansLogin(browser, page, AMRANI.deziNummer, rp.redirectUri);
      await choiceSurvivesTheSwitch(browser, request, choice);
    });

    /** A refusal reached from a means' callback, in Dutch, then English, then Dutch: the same outcome. */
    async function sameOutcomeBothWays(
      browser: Browser,
      page: Exchange,
      o: { status: number; nl: RegExp; en: RegExp },
    ): Promise<Exchange> {
      assert.equal(page.status, o.status, page.body.slice(0, 600));
      assert.match(page.body, o.nl);
      const before = callbacks(browser).length;
      assert.equal(before, 1);
      const english = await switchLanguage(browser, page, 'en');
      assert.equal(english.status, o.status);
      assert.match(english.body, o.en);
      const dutch = await switchLanguage(browser, english, 'nl');
      assert.equal(dutch.status, o.status);
      assert.match(dutch.body, o.nl);
      const again = await switchLanguage(browser, dutch, 'en');
      assert.equal(again.status, o.status);
      assert.match(again.body, o.en);
      assert.equal(callbacks(browser).length, before, 'the callback was not requested again');
      return again;
    }

    test('not in the register: the same page in English, with the offer to register, which still works', async () => {
      const browser = new Browser();
      const { page } = await startLogin(browser, rp);
      const unknown = await digidLogin(browser, page, UNKNOWN_TEST_BSN, rp.redirectUri);
      assert.match(unknown.body, /Registreer u in het Dezi-register/);
      const english = await sameOutcomeBothWays(browser, unknown, {
        status: 403,
        nl: /U staat niet in het Dezi-register/,
        en: /You are not in the Dezi register/,
      });
      const offer = linkTo(english, /Register in the Dezi register/);
      assert.equal(new URL(offer).pathname, '/registreren/gegevens');
      const form = await browser.goto(offer);
      assert.equal(form.status, 200, form.body.slice(0, 600));
      assert.match(form.body, /Confirm your details/);
      assert.match(form.body, /name="achternaam"/);
      // The login itself is still there: cancelling it returns to the zorgapplicatie.
      const back = await browser.submit(english, '/annuleren', {}, rp.redirectUri);
      assert.equal(new URL(back.location!).searchParams.get('error'), 'access_denied');
      assert.ok(!codeIssued(browser, rp.redirectUri));
    });

    test('not active, and no employment: the same page in English', async () => {
      for (const [who, nl, en] of [
        [VAN_DIJK, /Uw zorgidentiteit is niet actief/, /Your health-care identity is not active/],
        [BOS, /Geen actieve koppeling/, /No active employment/],
      ] as const) {
        const browser = new Browser();
        const { page } = await startLogin(browser, rp);
        const refused = await digidLogin(browser, page, who.bsn, rp.redirectUri);
        const english = await sameOutcomeBothWays(browser, refused, { status: 403, nl, en });
        const back = await browser.submit(english, '/annuleren', {}, rp.redirectUri);
        assert.equal(new URL(back.location!).searchParams.get('error'), 'access_denied');
      }
    });

    test('cancelled at DigiD: the same page in English, and "Try again" still logs in', async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp);
      const digid = await browser.submit(page, '/means', { means: DIGID }, rp.redirectUri);
      const cancelled = await browser.submit(
        digid,
        '/proeftuin/digid/authenticate',
        { action: 'cancel' },
        rp.redirectUri,
      );
      const english = await sameOutcomeBothWays(browser, cancelled, {
        status: 400,
        nl: /Inloggen geannuleerd/,
        en: /Login cancelled/,
      });
      const retry = await browser.goto(linkTo(english, /Try again/));
      assert.match(retry.body, /How do you want to log in\?/);
      const v = await verklaring(await digidLogin(browser, retry, JANSEN.bsn, rp.redirectUri), request);
      assert.equal(v.dezi_nummer, JANSEN.deziNummer);
    });

    test('a DigiD answer that is refused: the same page in English, and the login goes on', async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp);
      const acsUrl = `${dezi.url}/means/digid/acs`;
      const toAcs = await digidLogin(browser, page, JANSEN.bsn, acsUrl);
      assert.ok(toAcs.location!.startsWith(acsUrl));
      // An artifact of the right IdP that it never issued: resolution finds nothing.
      const forged = new URL(toAcs.location!);
      forged.searchParams.set('SAMLart', encodeArtifact(`${dezi.url}/proeftuin/digid/metadata`, 0));
      const failed = await browser.goto(forged.href, rp.redirectUri);
      const english = await sameOutcomeBothWays(browser, failed, {
        status: 400,
        nl: /Inloggen is niet gelukt/,
        en: /Login failed/,
      });
      const retry = await browser.goto(linkTo(english, /Try again/));
      const v = await verklaring(await digidLogin(browser, retry, JANSEN.bsn, rp.redirectUri), request);
      assert.equal(v.dezi_nummer, JANSEN.deziNummer);
    });

    test('a means that stops answering: the page with the other means in English, and one of them logs in', async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp, { acr_values: LOA.substantial });
      const standIn = await openTestMeans(browser, page, rp.redirectUri);
      await setTestMeansMode(dezi.url, 'down');
      let english: Exchange;
      try {
        const fallback = await browser.submit(
          standIn,
          '/proeftuin/testmiddel/login',
          { person: JANSEN.deziNummer, action: 'login' },
          rp.redirectUri,
        );
        english = await sameOutcomeBothWays(browser, fallback, {
          status: 200,
          nl: /Testmiddel \(proeftuin\) reageert op dit moment niet/,
          en: /Test means \(proeftuin\) is not responding at the moment/,
        });
      } finally {
        await setTestMeansMode(dezi.url, 'up');
      }
      const others = offeredMeans(english.body);
      assert.ok(others.includes(DIGID) && !others.includes(TEST_MEANS), others.join());
      const v = await verklaring(await digidLogin(browser, english, JANSEN.bsn, rp.redirectUri), request);
      assert.equal(v.dezi_nummer, JANSEN.deziNummer);
    });

    test('an OpenID Connect means finds nobody: the page on linking it, the same in English', async () => {
      const browser = new Browser();
      const { page } = await startLogin(browser, rp);
      const unknown = await oidcMeansLogin(browser, page, ZORGID_MEANS_ID, UZI.sub, rp.redirectUri);
      await sameOutcomeBothWays(browser, unknown, {
        status: 403,
        nl: /Dit inlogmiddel is nog niet gekoppeld/,
        en: /This login means is not linked yet/,
      });
    });

    test("a portal login that the portal refuses after the means: its page in English, the means' answer not replayed", async () => {
      const browser = new Browser();
      const page = await browser.goto(`${dezi.url}/mijn-dezi/inloggen`);
      const refused = await oidcMeansLogin(browser, page, ZORGID_MEANS_ID, UZI.sub, `${dezi.url}/nergens`);
      assert.match(refused.url, /\/mijn-dezi\//);
      await sameOutcomeBothWays(browser, refused, {
        status: 403,
        nl: /Dit inlogmiddel is niet gekoppeld/,
        en: /This login means is not linked/,
      });
    });

    test("the OpenID means stand-in's page: the switch stays at the stand-in, and its login goes on", async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp);
      const supplier = await browser.submit(page, '/means', { means: ZORGID_MEANS_ID }, rp.redirectUri);
      assert.equal(supplier.status, 200);
      assert.match(supplier.body, /Inloggen bij de inlogmiddelleverancier/);
      const href = new URL(langSwitch(supplier));
      assert.equal(href.pathname, new URL(supplier.url).pathname);
      assert.ok(href.pathname.startsWith(`${OIDC_MEANS_STAND_IN_PATH}/interaction/`), href.pathname);
      const english = await switchLanguage(browser, supplier, 'en');
      assert.equal(english.status, 200, english.body.slice(0, 600));
      assert.match(english.body, /Log in at the means supplier/);
      const final = await browser.submit(
        english,
        `${OIDC_MEANS_STAND_IN_PATH}/interaction/`,
        { account: PSEUDONYM.sub, action: 'login' },
        rp.redirectUri,
      );
      assert.equal((await verklaring(final, request)).dezi_nummer, JANSEN.deziNummer);
    });

    test("the DigiD stand-in's page: switched to English, the login goes on", async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp);
      const digid = await browser.submit(page, '/means', { means: DIGID }, rp.redirectUri);
      assert.match(digid.url, /\/proeftuin\/digid\/sso\?/);
      const english = await switchLanguage(browser, digid, 'en');
      assert.equal(english.status, 200, english.body.slice(0, 600));
      assert.match(english.body, /Log in with DigiD \(proeftuin\)/);
      const final = await browser.submit(
        english,
        '/proeftuin/digid/authenticate',
        { bsn: JANSEN.bsn, action: 'login' },
        rp.redirectUri,
      );
      assert.equal((await verklaring(final, request)).dezi_nummer, JANSEN.deziNummer);
    });

    test("the test means' page: switched to English, the login goes on", async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp, { acr_values: LOA.substantial });
      const standIn = await openTestMeans(browser, page, rp.redirectUri);
      const english = await switchLanguage(browser, standIn, 'en');
      assert.equal(english.status, 200, english.body.slice(0, 600));
      assert.match(english.body, /Log in with the test means/);
      const final = await browser.submit(
        english,
        '/proeftuin/testmiddel/login',
        { person: JANSEN.deziNummer, action: 'login' },
        rp.redirectUri,
      );
      assert.equal((await verklaring(final, request)).dezi_nummer, JANSEN.deziNummer);
    });

    test("Yivi: Dezi's QR page and the stand-in app, switched to English, and the login goes on", async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp);
      const qr = await yiviPage(browser, page);
      const qrEnglish = await switchLanguage(browser, qr, 'en');
      assert.equal(qrEnglish.status, 200);
      assert.equal(new URL(langSwitch(qr)).pathname, new URL(qr.url).pathname);
      const app = /href="(\/proeftuin\/yivi-server\/app\?session=[^"]+)"/.exec(qrEnglish.body)!;
      const phone = new Browser();
      const appPage = await phone.goto(new URL(unescape(app[1]!), qr.url).href);
      assert.equal(appPage.status, 200);
      const appEnglish = await switchLanguage(phone, appPage, 'en');
      assert.equal(appEnglish.status, 200, appEnglish.body.slice(0, 600));
      assert.match(appEnglish.body, /Whose data do you share\?/);
      const shared = await phone.submit(appEnglish, '/proeftuin/yivi-server/app', {
        person: JANSEN.deziNummer,
        action: 'disclose',
      });
      assert.match(shared.body, /Shared\./);
      const final = await browser.goto(linkTo(qrEnglish, /I have shared, continue/), rp.redirectUri);
      assert.equal((await verklaring(final, request)).dezi_nummer, JANSEN.deziNummer);
    });
  });
