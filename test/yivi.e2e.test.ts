// Yivi end to end: the production adapter against the proeftuin's stand-in Yivi server (the happy
// paths, replay, another login's session) and against a misbehaving IRMA server (down, slow,
// forged or wrong results). Nothing is issued unless the signed result is right.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { importSPKI, jwtVerify } from 'jose';
import { LOA } from '../src/means/loa.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { YIVI_STAND_IN_JWT_ISSUER } from '../src/proeftuin/yivi-server.ts';
import { YIVI_MEANS_ID, YIVI_PAGE_PATH } from '../src/means/yivi/yivi.ts';
import { Browser } from './helpers/browser.ts';
import { BACKENDS, freePort, openTestDatabase, startDezi, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import {
  FAKE_BSN_ATTRIBUTE,
  FAKE_HIGH_ATTRIBUTE,
  FAKE_IRMA_TOKEN,
  fakeIrmaServer,
} from './helpers/fake-upstreams.ts';
import { codeIssued, digidLogin, startLogin, yiviLogin, yiviPage } from './helpers/login.ts';
import { DIGID, offeredMeans, unusableMeans } from './helpers/means.ts';
import { fetchUserinfo, redeem, registerRp, type TestRp } from './helpers/rp.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;
const DE_VRIES = SEED_PERSONS.find((p) => p.achternaam === 'Vries')!;
const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!;
const SUBSTANTIAL = { acr_values: LOA.substantial };

for (const backend of BACKENDS)
  describe(`Yivi login (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;

    withDezi(backend, { rp: true }, (started) => ({ dezi, rp } = started));

    async function redeemed(
      browser: Browser,
      final: { status: number; location: string | null },
      request: Awaited<ReturnType<typeof startLogin>>['request'],
    ) {
      assert.equal(final.status, 303, `expected a redirect to the client`);
      assert.ok(final.location!.startsWith(rp.redirectUri), final.location!);
      const tokens = await redeem(rp, final.location!, request);
      const claims = tokens.claims()!;
      return { claims, userinfo: await fetchUserinfo(rp, tokens.access_token, claims.sub) };
    }

    test('the QR page: an SVG QR code, the deep link, an external script only, Dutch first', async () => {
      const browser = new Browser();
      const { page } = await startLogin(browser, rp, SUBSTANTIAL);
      assert.match(page.body, /value="yivi"/, 'Yivi is offered');
      const qr = await yiviPage(browser, page);
      assert.equal(qr.status, 200);
      assert.match(qr.url, /\/means\/yivi\/[A-Za-z0-9_-]{43}$/);
      assert.match(qr.body, /Inloggen met Yivi/);
      const link = /href="(https:\/\/irma\.app\/-\/session#[^"]+)"/.exec(qr.body);
      assert.ok(link, 'deep link');
      const ptr = JSON.parse(decodeURIComponent(new URL(link[1]!.replace(/&amp;/g, '&')).hash.slice(1)));
      assert.equal(ptr.irmaqr, 'disclosing');
      assert.ok(ptr.u.startsWith(`${dezi.url}/proeftuin/yivi-server/irma/session/`));
      assert.doesNotMatch(qr.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
      assert.match(qr.body, /<script\s+src="\/static\/poll\.js\?v=[0-9a-f]{12}"/);
      const svg = await browser.request(`${qr.url}/qr.svg`);
      assert.equal(svg.status, 200);
      assert.equal(svg.headers['content-type'], 'image/svg+xml');
      assert.match(svg.body, /^<svg /);
      const script = await browser.request(`${dezi.url}/static/poll.js`);
      assert.equal(script.status, 200);
      assert.match(script.headers['content-type']!, /javascript/);
      const status = await fetch(`${qr.url}/status`);
      assert.deepEqual(await status.json(), { status: 'INITIALIZED' });
      // "Continue" before the app has answered: the same page, with an explanation.
      const early = await browser.request(`${qr.url}/verder`);
      assert.equal(early.status, 200);
      assert.match(early.body, /heeft nog niets gedeeld/);
      const english = await browser.request(`${qr.url}?lang=en`);
      assert.match(english.body, /Log in with Yivi/);
      assert.ok(!codeIssued(browser, rp.redirectUri));
    });

    test('a BSN disclosed at substantial logs the person in; the ID token says substantial', async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp, SUBSTANTIAL);
      const final = await yiviLogin(browser, page, JANSEN.deziNummer, rp.redirectUri);
      const { claims, userinfo } = await redeemed(browser, final, request);
      assert.equal(claims.acr, LOA.substantial);
      assert.equal(userinfo.envelope.loa_authn, LOA.substantial);
      assert.equal(userinfo.verklaring.dezi_nummer, JANSEN.deziNummer);
      // The BSN went from the app to the Yivi server and back over the back channel only.
      for (const h of browser.history) {
        assert.ok(!h.url.includes(JANSEN.bsn) && !(h.location ?? '').includes(JANSEN.bsn), h.url);
        assert.ok(!h.body.includes(JANSEN.bsn), `BSN in the page at ${h.url}`);
      }
      assert.ok(!dezi.logs.text().includes(JANSEN.bsn), 'BSN in a log line');
    });

    test('at the default level (high) only the high attribute is asked for, and its UZI-nummer logs in', async () => {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp);
      const final = await yiviLogin(browser, page, DE_VRIES.deziNummer, rp.redirectUri);
      const { claims, userinfo } = await redeemed(browser, final, request);
      assert.equal(claims.acr, LOA.high);
      assert.equal(userinfo.verklaring.dezi_nummer, DE_VRIES.deziNummer);
    });

    test('declining in the app: a clear page, nothing issued', async () => {
      const browser = new Browser();
      const { page } = await startLogin(browser, rp, SUBSTANTIAL);
      const final = await yiviLogin(browser, page, JANSEN.deziNummer, rp.redirectUri, 'cancel');
      assert.equal(final.status, 400);
      assert.match(final.body, /Inloggen geannuleerd/);
      assert.ok(!codeIssued(browser, rp.redirectUri));
    });

    test('a replayed result is refused, and a session of another login is refused', async () => {
      const browser = new Browser();
      const { page } = await startLogin(browser, rp, SUBSTANTIAL);
      // Two employers: the login waits at "Waar werk je?", the interaction still alive.
      const choice = await yiviLogin(browser, page, AMRANI.deziNummer, rp.redirectUri);
      assert.equal(choice.status, 200);
      assert.match(choice.url, /\/kies$/);
      const callback = browser.history.find((h) => /\/callback\/yivi\?session=/.test(h.url))!;
      assert.ok(callback, 'the broker callback was used');

      // The same browser replays the callback: the session was taken once.
      const replay = await browser.goto(callback.url);
      assert.match(replay.url, /\/uitkomst$/);
      assert.equal(replay.status, 400);
      assert.match(replay.body, /Inloggen is niet gelukt/);
      assert.ok(!codeIssued(browser, rp.redirectUri));

      // Another login in another browser presents the first login's session handle.
      const other = new Browser();
      const second = await startLogin(other, rp, SUBSTANTIAL);
      const qr = await yiviPage(other, second.page);
      assert.equal(qr.status, 200);
      const handle = new URL(callback.url).searchParams.get('session')!;
      const uid = /\/interaction\/([A-Za-z0-9_-]+)/.exec(second.page.url)![1]!;
      const foreign = await other.goto(`${dezi.url}/interaction/${uid}/callback/yivi?session=${handle}`);
      assert.match(foreign.url, /\/uitkomst$/);
      assert.equal(foreign.status, 400);
      assert.match(foreign.body, /Inloggen is niet gelukt/);
      assert.ok(!codeIssued(other, rp.redirectUri));
      // A forged handle of the right shape finds nothing either.
      const forged = await browser.request(`${dezi.url}/means/yivi/${'A'.repeat(43)}`);
      assert.equal(forged.status, 400);
    });

    test('the stand-in Yivi server speaks the requestor API: token required, request checked, signed result', async () => {
      const base = `${dezi.url}/proeftuin/yivi-server`;
      const request = {
        '@context': 'https://irma.app/ld/request/disclosure/v2',
        disclose: [[['pbdf.gemeente.personalData.bsn']]],
      };
      const noToken = await fetch(`${base}/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      assert.equal(noToken.status, 403);
      const token = dezi.secrets.hmac('means-state', 'proeftuin-yivi-requestor-token');
      const malformed = await fetch(`${base}/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: token },
        body: JSON.stringify({ disclose: 'bsn' }),
      });
      assert.equal(malformed.status, 400);
      const started = await fetch(`${base}/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: token },
        body: JSON.stringify(request),
      });
      assert.equal(started.status, 200);
      const s = (await started.json()) as { token: string; sessionPtr: { u: string; irmaqr: string } };
      assert.equal(s.sessionPtr.irmaqr, 'disclosing');
      assert.equal(await (await fetch(`${base}/session/${s.token}/status`)).json(), 'INITIALIZED');
      const jwt = await (await fetch(`${base}/session/${s.token}/result-jwt`)).text();
      const key = await importSPKI(await (await fetch(`${base}/publickey`)).text(), 'RS256');
      const { payload } = await jwtVerify(jwt, key, {
        issuer: YIVI_STAND_IN_JWT_ISSUER,
        subject: 'disclosure_result',
      });
      assert.equal(payload.token, s.token);
      assert.equal(payload.status, 'INITIALIZED');
      // Server-sent events: the current status first, then every change.
      const events = await fetch(`${base}/session/${s.token}/statusevents`);
      assert.equal(events.headers.get('content-type'), 'text/event-stream');
      const reader = events.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      assert.equal(first, 'data: "INITIALIZED"\n\n');
      assert.equal((await fetch(`${base}/session/${s.token}`, { method: 'DELETE' })).status, 204);
      const second = new TextDecoder().decode((await reader.read()).value);
      assert.equal(second, 'data: "CANCELLED"\n\n');
      await reader.cancel();
      assert.equal(await (await fetch(`${base}/session/${s.token}/status`)).json(), 'CANCELLED');
      assert.equal((await fetch(`${base}/session/unknown-token-0000000000/status`)).status, 400);
      const phone = await new Browser().request(`${base}/app?session=unknown-token-0000000000`);
      assert.equal(phone.status, 400);
    });
  });

for (const backend of BACKENDS)
  describe(`Yivi against a misbehaving IRMA server (${backend})`, () => {
    let dezi: TestDezi;
    let irma: Awaited<ReturnType<typeof fakeIrmaServer>>;
    let rp: TestRp;

    before(async () => {
      irma = await fakeIrmaServer();
    });

    withDezi(
      backend,
      { config: () => ({ yivi: irma.config }), rp: true },
      (started) => ({ dezi, rp } = started),
    );

    after(async () => {
      await irma?.close();
    });

    /** A login through Yivi up to the broker's answer; the fake server has "disclosed" already. */
    async function attempt(params: Record<string, string> = SUBSTANTIAL) {
      const browser = new Browser();
      const { request, page } = await startLogin(browser, rp, params);
      const qr = await yiviPage(browser, page);
      const onQrPage = qr.status === 200 && new URL(qr.url).pathname.startsWith(`${YIVI_PAGE_PATH}/`);
      const final = onQrPage ? await browser.goto(`${qr.url}/verder`, rp.redirectUri) : qr;
      return { browser, request, final };
    }

    async function refused(
      behaviour: Parameters<typeof irma.behave>[0],
      status: number,
      text: RegExp,
      params?: Record<string, string>,
    ) {
      irma.behave(behaviour);
      const { browser, final } = await attempt(params);
      assert.equal(final.status, status, final.body.slice(0, 400));
      assert.match(final.body, text);
      assert.ok(!codeIssued(browser, rp.redirectUri), 'nothing issued');
      return final;
    }

    /**
     * The Yivi server fails as unavailable: the same login lands on the fallback page with the
     * other means, nothing is issued, the login page shows Yivi as down until the next health
     * check, and the login goes on with DigiD.
     */
    async function fellBack(behaviour: Parameters<typeof irma.behave>[0]) {
      irma.behave(behaviour);
      const { browser, request, final } = await attempt();
      assert.equal(final.status, 200, final.body.slice(0, 400));
      assert.match(final.body, /Inlogmiddel tijdelijk niet beschikbaar/);
      assert.match(final.body, /Yivi reageert op dit moment niet/);
      const others = offeredMeans(final.body);
      assert.ok(!others.includes(YIVI_MEANS_ID) && others.includes(DIGID), others.join());
      assert.ok(!codeIssued(browser, rp.redirectUri), 'nothing issued');

      const next = await startLogin(new Browser(), rp, SUBSTANTIAL);
      assert.ok(!offeredMeans(next.page.body).includes(YIVI_MEANS_ID));
      assert.deepEqual(unusableMeans(next.page.body), ['Yivi Tijdelijk niet beschikbaar']);

      const done = await digidLogin(browser, final, JANSEN.bsn, rp.redirectUri);
      assert.equal(done.status, 303, done.body.slice(0, 400));
      await redeem(rp, done.location!, request);

      // The next health check finds the Yivi server answering: offered again.
      irma.behave({});
      dezi.means.forgetHealth(YIVI_MEANS_ID);
      const again = await startLogin(new Browser(), rp, SUBSTANTIAL);
      assert.ok(offeredMeans(again.page.body).includes(YIVI_MEANS_ID));
      assert.deepEqual(unusableMeans(again.page.body), []);
    }

    test('a correct result logs in (the fake is sound), with the requestor token sent', async () => {
      irma.behave({});
      const { browser, request, final } = await attempt();
      assert.equal(final.status, 303, final.body.slice(0, 400));
      const tokens = await redeem(rp, final.location!, request);
      assert.equal(tokens.claims()!.acr, LOA.substantial);
      assert.ok(codeIssued(browser, rp.redirectUri));
      assert.ok(irma.calls.includes('POST /session'));
    });

    test('slow to start a session: the fallback page within the timeout', async () => {
      const started = Date.now();
      irma.behave({ startDelayMs: 20_000 });
      const { final } = await attempt();
      assert.ok(Date.now() - started < 15_000, 'the timeout ended the wait');
      assert.equal(final.status, 200);
      assert.match(final.body, /Inlogmiddel tijdelijk niet beschikbaar/);
      dezi.means.forgetHealth(YIVI_MEANS_ID);
      await fellBack({ startDelayMs: 20_000 });
    });

    test('POST /session answered with an error or without a usable session: the fallback page', async () => {
      await fellBack({ startAnswer: { status: 500, body: { error: 'INTERNAL' } } });
      await fellBack({ startAnswer: { status: 403, body: { error: 'UNAUTHORIZED' } } });
      await fellBack({ startAnswer: { status: 200, body: { token: 'x' } } });
      await fellBack({
        startAnswer: {
          status: 200,
          body: {
            token: 'abcdefghijklmnop',
            sessionPtr: { u: 'javascript:alert(1)', irmaqr: 'disclosing' },
          },
        },
      });
    });

    test('slow result: the fallback page', async () => {
      await fellBack({ resultDelayMs: 20_000 });
    });

    test('a result-jwt signed with another key', async () => {
      await refused({ signWithWrongKey: true }, 400, /Inloggen is niet gelukt/);
    });

    test('a result of another session (token of another login)', async () => {
      await refused(
        { result: (p) => ({ ...p, token: 'another-session-token-0000' }) },
        400,
        /Inloggen is niet gelukt/,
      );
    });

    test('a result that is not DONE, and a proof that is not VALID', async () => {
      await refused({ result: (p) => ({ ...p, status: 'CONNECTED' }) }, 400, /Inloggen is niet gelukt/);
      await refused({ result: (p) => ({ ...p, proofStatus: 'INVALID' }) }, 400, /Inloggen is niet gelukt/);
      await refused({ result: (p) => ({ ...p, proofStatus: 'EXPIRED' }) }, 400, /Inloggen is niet gelukt/);
    });

    test('a cancelled session per the signed result', async () => {
      await refused(
        { result: (p) => ({ ...p, status: 'CANCELLED', disclosed: undefined }) },
        400,
        /Inloggen geannuleerd/,
      );
    });

    test('an attribute that was not asked for, one not present, two at once, and an invalid BSN', async () => {
      const attr = (a: Record<string, unknown>) => (p: Record<string, unknown>) => ({
        ...p,
        disclosed: [[a]],
      });
      await refused(
        { result: attr({ id: 'pbdf.pbdf.email.email', rawvalue: 'a@b.nl', status: 'PRESENT' }) },
        400,
        /niet gelukt/,
      );
      await refused(
        { result: attr({ id: FAKE_BSN_ATTRIBUTE, rawvalue: null, status: 'NULL' }) },
        400,
        /niet gelukt/,
      );
      await refused(
        { result: attr({ id: FAKE_BSN_ATTRIBUTE, rawvalue: '123456789', status: 'PRESENT' }) },
        400,
        /niet gelukt/,
      );
      await refused(
        {
          result: (p) => ({
            ...p,
            disclosed: [
              [{ id: FAKE_BSN_ATTRIBUTE, rawvalue: JANSEN.bsn, status: 'PRESENT' }],
              [{ id: FAKE_HIGH_ATTRIBUTE, rawvalue: JANSEN.deziNummer, status: 'PRESENT' }],
            ],
          }),
        },
        400,
        /niet gelukt/,
      );
    });

    test('an old result, a wrong issuer and a wrong subject are refused', async () => {
      await refused(
        { result: (p) => ({ ...p, iat: Math.floor(Date.now() / 1000) - 3600 }) },
        400,
        /niet gelukt/,
      );
      await refused({ result: (p) => ({ ...p, iss: 'someone-else' }) }, 400, /niet gelukt/);
      await refused({ result: (p) => ({ ...p, sub: 'signature_result' }) }, 400, /niet gelukt/);
    });

    test('an attribute below the requested level is refused although Dezi asked only for the high one', async () => {
      // At high, Dezi asks for the high attribute only; a server that discloses the BSN anyway fails.
      await refused({}, 400, /Betrouwbaarheidsniveau te laag.*betrouwbaarheidsniveau substantieel/s, {});
    });

    test('the requestor token never reaches the browser', async () => {
      irma.behave({});
      const { browser } = await attempt();
      for (const h of browser.history) {
        assert.ok(!h.body.includes(FAKE_IRMA_TOKEN) && !h.url.includes(FAKE_IRMA_TOKEN));
      }
    });
    test('the Yivi server goes down after the session started: "continue" shows a clear Yivi page (last: it stays down)', async () => {
      irma.behave({});
      const browser = new Browser();
      const { page } = await startLogin(browser, rp, SUBSTANTIAL);
      const qr = await yiviPage(browser, page);
      await irma.close(); // down after the session started
      const down = await browser.request(`${qr.url}/verder`);
      assert.equal(down.status, 502);
      assert.match(down.body, /Yivi is niet bereikbaar/);
      const status = await fetch(`${qr.url}/status`);
      assert.equal(status.status, 502);
      assert.ok(!codeIssued(browser, rp.redirectUri));
    });
  });

for (const backend of BACKENDS)
  describe(`Yivi server down (${backend})`, () => {
    test('connection refused: shown as down, the fallback page if chosen anyway, nothing issued', async () => {
      const database = await openTestDatabase(backend);
      const irma = await fakeIrmaServer();
      const closedPort = await freePort();
      const dezi = await startDezi({
        db: database.db,
        config: { yivi: { ...irma.config, serverUrl: `http://localhost:${closedPort}` } },
      });
      try {
        const rp = await registerRp(dezi.url);
        const browser = new Browser();
        const { request, page } = await startLogin(browser, rp, SUBSTANTIAL);
        // The health check finds no Yivi server: the login page says so instead of offering it.
        assert.ok(!offeredMeans(page.body).includes(YIVI_MEANS_ID));
        assert.deepEqual(unusableMeans(page.body), ['Yivi Tijdelijk niet beschikbaar']);
        // Chosen anyway (a stale page): the fallback page with the other means, nothing issued.
        const final = await yiviPage(browser, page);
        assert.equal(final.status, 200, final.body.slice(0, 400));
        assert.match(final.body, /Inlogmiddel tijdelijk niet beschikbaar/);
        assert.ok(!offeredMeans(final.body).includes(YIVI_MEANS_ID));
        assert.ok(!codeIssued(browser, rp.redirectUri));
        // The login is not lost: it goes on with another means.
        const done = await digidLogin(browser, final, JANSEN.bsn, rp.redirectUri);
        assert.equal(done.status, 303, done.body.slice(0, 400));
        await redeem(rp, done.location!, request);
      } finally {
        await dezi.stop();
        await irma.close();
        await database.close();
      }
    });
  });
