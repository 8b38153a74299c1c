// MijnMitz end to end over HTTP: a citizen who is in no Dezi-register logs in with DigiD (the
// proeftuin's SAML stand-in, through Dezi's real DigiD adapter), gives, changes and withdraws choices,
// sees what applies (decide()) and the history; failed logins, CSRF, a second citizen, the session's
// end, and the BSN nowhere but in Mitz's sealed store.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Bsn, passesElfproef } from '../src/means/bsn.ts';
import { LOA } from '../src/means/loa.ts';
import { MeansError, type LoginMeans, type MeansCallback } from '../src/means/means.ts';
import { ALL, CATEGORIE_CODES, GEGEVENSCATEGORIE_CODES } from '../src/mitz/codes.ts';
import { decide, type Choice } from '../src/mitz/decision.ts';
import { SEED_PERSONS, UNKNOWN_TEST_BSN } from '../src/proeftuin/seed-data.ts';
import { Browser, findForm, type Exchange } from './helpers/browser.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';

/** Test BSNs that pass the elfproef and belong to nobody in the seed (so to no Dezi-register person). */
function* freshBsns(): Generator<string> {
  const taken = new Set([...SEED_PERSONS.map((p) => p.bsn), UNKNOWN_TEST_BSN]);
  for (let n = 999990300; ; n++) if (passesElfproef(String(n)) && !taken.has(String(n))) yield String(n);
}

const decisionIn = (body: string, g: string, r: string) =>
  new RegExp(`id="geldt-${g}-${r}"\\s+data-besluit="([^"]+)"`).exec(body)?.[1];

/** What a person reads on a page: the text outside tags, entities decoded, spaces collapsed. */
const visibleText = (body: string) =>
  body
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

for (const backend of BACKENDS)
  describe(`MijnMitz (${backend})`, () => {
    let dezi: TestDezi;
    withDezi(backend, {}, (started) => ({ dezi } = started));
    const bsns = freshBsns();
    /** Every browser and BSN of the suite, for the last test: the BSN in none of what they saw. */
    const seen: { browser: Browser; bsn: string }[] = [];

    const url = (path: string) => `${dezi.url}${path}`;

    /** Logs in at MijnMitz with DigiD; returns the page the login ends on. */
    async function login(bsn: string, browser = new Browser(), action: 'login' | 'cancel' = 'login') {
      seen.push({ browser, bsn });
      const digid = await browser.goto(url('/mitz/inloggen'));
      assert.equal(digid.status, 200, digid.body.slice(0, 500));
      assert.match(digid.url, /\/proeftuin\/digid\/sso\?/);
      const page = await browser.submit(digid, '/proeftuin/digid/authenticate', { bsn, action });
      return { browser, page };
    }

    async function loggedIn(bsn = bsns.next().value!) {
      const { browser, page } = await login(bsn);
      assert.equal(page.status, 200, page.body.slice(0, 800));
      assert.equal(page.url, url('/mitz/mijn'));
      return { browser, page, bsn };
    }

    async function give(browser: Browser, fields: Record<string, string>): Promise<Exchange> {
      const form = await browser.goto(url('/mitz/mijn/keuze'));
      assert.equal(form.status, 200);
      return browser.submit(form, '/mitz/mijn/keuze', fields);
    }

    async function citizenIdOf(bsn: string): Promise<string> {
      // The store is keyed by the blind index; the test asks Mitz the way Mitz asks itself.
      const { Citizens } = await import('../src/mitz/citizens.ts');
      const id = await new Citizens(dezi.db, dezi.secrets).find(Bsn.parse(bsn));
      assert.ok(id, 'the citizen is in Mitz');
      return id;
    }

    async function audits(action: string, since = 0) {
      return dezi.db.query<{
        id: number;
        actor: string | null;
        actor_kind: string | null;
        outcome: string;
        target: string | null;
        detail: Record<string, unknown>;
      }>(
        'SELECT id, actor, actor_kind, outcome, target, detail FROM audit_events WHERE action = $1 AND id > $2 ORDER BY id',
        [action, since],
      );
    }

    async function auditHead(): Promise<number> {
      const [row] = await dezi.db.query<{ n: number }>(
        'SELECT coalesce(max(id), 0)::int AS n FROM audit_events',
      );
      return row!.n;
    }

    test('the home page leads to MijnMitz; the start page says what Mitz is and offers DigiD', async () => {
      const home = await new Browser().goto(url('/'));
      assert.match(home.body, /href="\/mitz"/);
      const start = await new Browser().goto(url('/mitz'));
      assert.equal(start.status, 200);
      assert.match(start.body, /<h1[^>]*>MijnMitz<\/h1>/);
      assert.match(start.body, /href="\/mitz\/inloggen"[^>]*>Inloggen met DigiD</);
      assert.match(start.body, /<html lang="nl">/);
      const en = await new Browser().goto(url('/mitz?lang=en'));
      assert.match(en.body, /<html lang="en">/);
      assert.match(en.body, />Log in with DigiD</);
      // The browser's language when the citizen chose none; Dutch when it asks for neither.
      const asked = async (header: string) =>
        (await new Browser().request(url('/mitz'), { headers: { 'accept-language': header } })).body;
      assert.match(await asked('en-GB,en;q=0.9,nl;q=0.8'), /<html lang="en">/);
      assert.match(await asked('nl-NL,en;q=0.5'), /<html lang="nl">/);
      assert.match(await asked('de-DE,fr;q=0.9'), /<html lang="nl">/);
      assert.match(await asked('de, en;q=0.3, nl;q=0.7'), /<html lang="nl">/);
    });

    test('a citizen not in the Dezi-register logs in with DigiD, gives, changes and withdraws choices; the overview follows decide(); the history shows each change', async () => {
      const before = await auditHead();
      const { browser, page, bsn } = await loggedIn();
      assert.equal(await dezi.register.findPersonByBsn(Bsn.parse(bsn)), null, 'not in the Dezi-register');
      const citizenId = await citizenIdOf(bsn);
      assert.match(page.body, /Ingelogd met DigiD/);
      for (const g of GEGEVENSCATEGORIE_CODES)
        for (const r of CATEGORIE_CODES)
          assert.equal(decisionIn(page.body, g, r), 'NotApplicable', `${g} ${r}`);

      // The session: a cookie of its own, bound to /mitz, HttpOnly, Lax; only the token's hash stored.
      const callback = browser.history.find((e) => e.url.includes('/mitz/inloggen/digid'))!;
      assert.equal(callback.status, 303);
      const setCookie = callback.headers['set-cookie']!;
      assert.match(setCookie, /mitz_sessie=[A-Za-z0-9_-]{43}; Path=\/mitz; HttpOnly; SameSite=Lax/);
      assert.doesNotMatch(setCookie, /mitz_sessie=[^;]*;[^,]*Max-Age/);
      const token = browser.cookies().find((c) => c.name === 'mitz_sessie')!.value;
      const [session] = await dezi.db.query<{ token_hash: string; citizen_id: string; idle: number }>(
        'SELECT token_hash, citizen_id, extract(epoch FROM expires_at - now())::int AS idle FROM mitz_sessions',
      );
      assert.equal(session!.citizen_id, citizenId);
      assert.notEqual(session!.token_hash, token);
      assert.ok(session!.idle > 14 * 60 && session!.idle <= 15 * 60, `idle timeout ${session!.idle} s`);

      const [ok] = await audits('mitz.login', before);
      assert.equal(ok!.outcome, 'success');
      assert.equal(ok!.actor, `citizen:${citizenId}`);
      assert.equal(ok!.actor_kind, 'citizen');
      assert.equal(ok!.target, `citizen:${citizenId}`);

      // "Ja aan iedereen" for treatment data: every kind of provider may see it, and the lower data too.
      const yes = await give(browser, { gegevenscategorie: 'GGC002', keuze: 'ja', raadpleger: ALL });
      assert.equal(yes.url, url('/mitz/mijn?melding=vastgelegd'));
      assert.match(yes.body, /Uw keuze is opgeslagen/);
      for (const g of GEGEVENSCATEGORIE_CODES)
        for (const r of CATEGORIE_CODES) assert.equal(decisionIn(yes.body, g, r), 'Permit', `${g} ${r}`);
      assert.match(visibleText(yes.body), /Ja, voor alle zorgaanbieders/);

      // "Nee" for pharmacies: the more specific choice wins for treatment data and results, not for
      // medication data (a no covers its own category and higher ones).
      const no = await give(browser, { gegevenscategorie: 'GGC012', keuze: 'nee', raadpleger: 'RPZAC005' });
      assert.equal(no.url, url('/mitz/mijn?melding=vastgelegd'));
      const choices: Choice[] = [
        { gegevenscategorie: 'GGC002', dossierhouder: ALL, raadpleger: ALL, permit: true },
        { gegevenscategorie: 'GGC012', dossierhouder: ALL, raadpleger: 'RPZAC005', permit: false },
      ];
      for (const g of GEGEVENSCATEGORIE_CODES)
        for (const r of CATEGORIE_CODES) {
          const expected = decide(choices, {
            gegevenscategorie: g,
            dossierhouder: 'RPZAC001',
            raadpleger: r,
            purpose: 'TREAT',
          });
          assert.equal(decisionIn(no.body, g, r), expected.decision, `${g} ${r}`);
        }
      assert.equal(decisionIn(no.body, 'GGC002', 'RPZAC005'), 'Deny');
      assert.equal(decisionIn(no.body, 'GGC012', 'RPZAC005'), 'Deny');
      assert.equal(decisionIn(no.body, 'GGC013', 'RPZAC005'), 'Permit');
      assert.equal(decisionIn(no.body, 'GGC002', 'RPZAC001'), 'Permit');
      assert.match(visibleText(no.body), /Nee, voor Apotheken/);
      assert.match(visibleText(no.body), /Nee, mag niet inzien/);

      // The same answer again changes nothing, and says so.
      const again = await give(browser, {
        gegevenscategorie: 'GGC012',
        keuze: 'nee',
        raadpleger: 'RPZAC005',
      });
      assert.equal(again.url, url('/mitz/mijn?melding=ongewijzigd'));

      // Withdraw, after a page that names the choice.
      const link = /href="(\/mitz\/mijn\/intrekken\?[^"]*RPZAC005[^"]*)"/.exec(again.body);
      assert.ok(link, 'the overview links to withdrawing the choice');
      const confirm = await browser.goto(url(link[1]!.replace(/&amp;/g, '&')));
      assert.equal(confirm.status, 200);
      assert.match(confirm.body, /Weet u zeker dat u deze keuze wilt intrekken\?/);
      assert.match(visibleText(confirm.body), /Uitslagen Nee, voor Apotheken/);
      const withdrawn = await browser.submit(confirm, '/mitz/mijn/intrekken');
      assert.equal(withdrawn.url, url('/mitz/mijn?melding=ingetrokken'));
      assert.equal(decisionIn(withdrawn.body, 'GGC012', 'RPZAC005'), 'Permit');
      assert.equal(decisionIn(withdrawn.body, 'GGC002', 'RPZAC005'), 'Permit');
      const [stillThere] = await dezi.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM mitz_choices WHERE citizen_id = $1',
        [citizenId],
      );
      assert.equal(stillThere!.n, 1);

      // The history: three changes, newest first, each by the citizen, in Dutch time.
      const history = await browser.goto(url('/mitz/mijn/geschiedenis'));
      assert.equal(history.status, 200);
      const items = [...history.body.matchAll(/<li class="[^"]*dezi-card[^"]*">([\s\S]*?)<\/li>/g)].map((m) =>
        visibleText(m[1]!),
      );
      assert.equal(items.length, 3, items.join('\n'));
      assert.match(items[0]!, /Uitslagen : Keuze voor Apotheken ingetrokken/);
      assert.match(items[1]!, /Uitslagen : Nee, voor Apotheken/);
      assert.match(items[2]!, /Behandelgegevens : Ja, voor alle zorgaanbieders/);
      for (const item of items) assert.match(item, /Vastgelegd door uzelf\./);
      const times = [...history.body.matchAll(/<time datetime="([^"]+)">([^<]+)<\/time>/g)];
      assert.equal(times.length, 3);
      const dutchTime = new Intl.DateTimeFormat('nl-NL', {
        timeZone: 'Europe/Amsterdam',
        dateStyle: 'long',
        timeStyle: 'short',
      });
      for (const [, iso, shown] of times) assert.equal(shown, dutchTime.format(new Date(iso!)));
      const [stored] = await dezi.db.query<{ at: Date }>(
        'SELECT max(recorded_at) AS at FROM mitz_choice_history WHERE citizen_id = $1',
        [citizenId],
      );
      assert.equal(new Date(times[0]![1]!).getTime(), new Date(stored!.at).getTime());

      // English, second.
      const en = await browser.goto(url('/mitz/mijn/geschiedenis?lang=en'));
      assert.match(en.body, /<h1[^>]*>History of your choices<\/h1>/);
      assert.match(visibleText(en.body), /Recorded by yourself\./);
      assert.match(visibleText(en.body), /Test results : Choice for Pharmacies withdrawn/);
      assert.doesNotMatch(visibleText(en.body), /door uzelf|Vastgelegd|Uitslagen/);
      const overviewEn = await browser.goto(url('/mitz/mijn'));
      assert.match(overviewEn.body, /<h1[^>]*>My choices<\/h1>/);
      assert.doesNotMatch(visibleText(overviewEn.body), /\b(Ja|Nee|mag|zorgaanbieders|Apotheken)\b/);
      await browser.goto(url('/mitz/mijn?lang=nl'));

      // Every change audited by the store, as the citizen's.
      const recorded = await audits('mitz.choice.record', before);
      const withdrawals = await audits('mitz.choice.withdraw', before);
      assert.equal(recorded.length, 2);
      assert.equal(withdrawals.length, 1);
      for (const a of [...recorded, ...withdrawals]) {
        assert.equal(a.actor, `citizen:${citizenId}`);
        assert.equal(a.target, `citizen:${citizenId}`);
        assert.equal(a.detail.recordedBy, 'citizen');
      }
      assert.deepEqual(
        { ...withdrawals[0]!.detail },
        {
          gegevenscategorie: 'GGC012',
          dossierhouder: ALL,
          raadpleger: 'RPZAC005',
          permit: null,
          recordedBy: 'citizen',
        },
      );
    });

    test('the form: errors in a summary at the top that links to the fields, the input kept, nothing recorded; a choice for one holder', async () => {
      const { browser } = await loggedIn();
      const form = await browser.goto(url('/mitz/mijn/keuze'));
      assert.match(form.body, /<h1[^>]*>Een keuze geven of wijzigen<\/h1>/);

      const empty = await browser.submit(form, '/mitz/mijn/keuze', {});
      assert.equal(empty.status, 400);
      assert.match(empty.body, /<title>Fout: Een keuze geven of wijzigen · Dezi<\/title>/);
      const summary =
        /<div\s+class="[^"]*dezi-error-summary"\s+role="alert"[\s\S]*?<\/div>/.exec(empty.body)?.[0] ?? '';
      assert.ok(
        empty.body.indexOf('error-summary') < empty.body.indexOf('action="/mitz/mijn/keuze"'),
        'the summary comes first',
      );
      assert.match(summary, /href="#gegevenscategorie-GGC002">Kies over welke gegevens uw keuze gaat\./);
      assert.match(summary, /href="#keuze-ja">Kies ja of nee\./);
      assert.match(summary, /href="#raadpleger">Kies voor welke zorgaanbieders uw keuze geldt\./);
      assert.doesNotMatch(summary, /#dossierhouder/);
      for (const id of ['gegevenscategorie-GGC002', 'keuze-ja', 'raadpleger'])
        assert.match(empty.body, new RegExp(`id="${id}"`));
      assert.match(empty.body, /<select[^>]*\sid="raadpleger"[^>]*aria-invalid="true"/);

      const partly = await browser.submit(empty, '/mitz/mijn/keuze', {
        gegevenscategorie: 'GGC012',
        raadpleger: 'RPZAC003',
        dossierhouder: 'RPZAC999',
      });
      assert.equal(partly.status, 400);
      assert.match(partly.body, /id="gegevenscategorie-GGC012"[^>]*checked/);
      assert.match(partly.body, /<option value="RPZAC003" selected>/);
      assert.match(partly.body, /href="#keuze-ja"/);
      assert.match(partly.body, /href="#dossierhouder"/);
      assert.doesNotMatch(partly.body, /href="#raadpleger"/);
      assert.match(partly.body, /<details open>/);

      const [none] = await dezi.db.query<{ n: number }>('SELECT count(*)::int AS n FROM mitz_choice_history');
      const countBefore = none!.n;

      // A "Wijzigen" link fills the form in; what is no code is left blank.
      const filled = await browser.goto(
        url('/mitz/mijn/keuze?gegevenscategorie=GGC013&keuze=nee&raadpleger=RPZAC005&dossierhouder=XX'),
      );
      assert.equal(filled.status, 200);
      assert.match(filled.body, /id="gegevenscategorie-GGC013"[^>]*checked/);
      assert.match(filled.body, /id="keuze-nee"[^>]*checked/);
      assert.match(filled.body, /<option value="RPZAC005" selected>/);
      assert.doesNotMatch(filled.body, /<details open>/);

      // Results for GPs, only when a hospital holds them: what applies depends on the holder.
      const held = await browser.submit(filled, '/mitz/mijn/keuze', {
        gegevenscategorie: 'GGC012',
        keuze: 'ja',
        raadpleger: 'RPZAC001',
        dossierhouder: 'RPZAC104',
      });
      assert.equal(held.url, url('/mitz/mijn?melding=vastgelegd'));
      assert.equal(decisionIn(held.body, 'GGC012', 'RPZAC001'), 'mixed');
      assert.equal(decisionIn(held.body, 'GGC013', 'RPZAC001'), 'mixed');
      assert.equal(decisionIn(held.body, 'GGC002', 'RPZAC001'), 'NotApplicable');
      assert.equal(decisionIn(held.body, 'GGC012', 'RPZAC003'), 'NotApplicable');
      const text = visibleText(held.body);
      assert.match(text, /Alleen gegevens bij: Ziekenhuizen, medische centra/);
      assert.match(text, /Ja, mag inzien bij: Ziekenhuizen, medische centra/);
      const [after] = await dezi.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM mitz_choice_history',
      );
      assert.equal(after!.n, countBefore + 1, 'only the valid form recorded a change');
    });

    test('a cancelled DigiD login, and a replayed, foreign or invalid callback: a readable page with a way back, audited as a failure, no session', async () => {
      const before = await auditHead();
      const { browser: cancelled, page } = await login(bsns.next().value!, new Browser(), 'cancel');
      assert.equal(page.status, 400);
      assert.equal(page.url, url('/mitz/inloggen/niet-gelukt/afgebroken'));
      assert.match(page.body, /<h1[^>]*>Inloggen afgebroken<\/h1>/);
      assert.match(page.body, /href="\/mitz\/inloggen"/);
      assert.match(page.body, /href="\/mitz"/);
      assert.ok(!cancelled.cookies().some((c) => c.name === 'mitz_sessie'));
      const en = await cancelled.goto(url('/mitz/inloggen/niet-gelukt/afgebroken?lang=en'));
      assert.match(en.body, /<h1[^>]*>Login cancelled<\/h1>/);
      await cancelled.goto(url('/mitz?lang=nl'));

      // A callback replayed: by the same browser, by another, and with the login cookie put back.
      const { browser } = await loggedIn();
      const callbackUrl = browser.history.find((e) => e.url.includes('/mitz/inloggen/digid'))!.url;
      const relayState = new URL(callbackUrl).searchParams.get('RelayState')!;
      for (const replay of [browser, new Browser()]) {
        const again = await replay.goto(callbackUrl);
        assert.equal(again.status, 400);
        assert.equal(again.url, url('/mitz/inloggen/niet-gelukt/verlopen'));
        assert.match(again.body, /<h1[^>]*>Inloggen verlopen<\/h1>/);
      }
      const withCookie = await new Browser().request(callbackUrl, {
        headers: { cookie: `mitz_inloggen=${relayState}` },
      });
      assert.equal(withCookie.location, url('/mitz/inloggen/niet-gelukt/verlopen'));
      assert.doesNotMatch(withCookie.headers['set-cookie'] ?? '', /mitz_sessie=[^;]/);

      // A callback for another login's state; then DigiD's answer that is no answer.
      const other = new Browser();
      await other.goto(url('/mitz/inloggen'));
      const ownState = other.cookies().find((c) => c.name === 'mitz_inloggen')!.value;
      const foreign = await other.goto(
        url(`/mitz/inloggen/digid?RelayState=${'A'.repeat(43)}&SAMLart=AAQAAA`),
      );
      assert.equal(foreign.url, url('/mitz/inloggen/niet-gelukt/verlopen'));
      const third = new Browser();
      await third.goto(url('/mitz/inloggen'));
      const state = third.cookies().find((c) => c.name === 'mitz_inloggen')!.value;
      assert.notEqual(state, ownState);
      const invalid = await third.goto(
        url(`/mitz/inloggen/digid?RelayState=${state}&SAMLart=bm90LWFuLWFydGlmYWN0`),
      );
      assert.equal(invalid.status, 400);
      assert.equal(invalid.url, url('/mitz/inloggen/niet-gelukt/mislukt'));
      assert.match(invalid.body, /<h1[^>]*>Inloggen is niet gelukt<\/h1>/);
      for (const b of [other, third]) assert.ok(!b.cookies().some((c) => c.name === 'mitz_sessie'));

      const unknownPage = await new Browser().goto(url('/mitz/inloggen/niet-gelukt/iets'));
      assert.equal(unknownPage.status, 404);

      const logins = await audits('mitz.login', before);
      assert.deepEqual(
        logins.map((a) => [a.outcome, a.detail.reason ?? null]),
        [
          ['failure', 'means_cancelled'],
          ['success', null],
          ['failure', 'no_login_in_flight'],
          ['failure', 'no_login_in_flight'],
          ['failure', 'no_login_in_flight'],
          ['failure', 'state_mismatch'],
          ['failure', 'means_invalid_response'],
        ],
      );
      for (const a of logins.filter((l) => l.outcome === 'failure')) {
        assert.equal(a.actor, null);
        assert.equal(a.detail.means, 'digid');
      }
    });

    test('DigiD below Substantieel, or DigiD not answering: a page that says so with a way back, audited, no session', async () => {
      // The stand-in answers at the level asked for; here the adapter's answer is what DigiD would say.
      const digid = dezi.means.get('digid')!;
      const finish = digid.finish.bind(digid);
      const before = await auditHead();
      const sessionCount = async () =>
        (await dezi.db.query<{ n: number }>('SELECT count(*)::int AS n FROM mitz_sessions'))[0]!.n;
      const sessionsBefore = await sessionCount();
      const cases = [
        {
          answer: async () => {
            throw new MeansError('insufficient_loa', 'DigiD midden is below the requested level', {
              reached: LOA.low,
            });
          },
          page: 'niveau',
          status: 403,
          title: 'DigiD-niveau te laag',
        },
        {
          // An adapter that let a lower level through is still refused.
          answer: async (c: MeansCallback) => ({ ...(await finish(c)), loaAuthn: LOA.low }),
          page: 'niveau',
          status: 403,
          title: 'DigiD-niveau te laag',
        },
        {
          answer: async () => {
            throw new MeansError('unavailable', 'artifact resolution answered 503');
          },
          page: 'onbereikbaar',
          status: 503,
          title: 'DigiD is niet bereikbaar',
        },
      ];
      try {
        for (const c of cases) {
          (digid as { finish: LoginMeans['finish'] }).finish = c.answer;
          const { browser, page } = await login(bsns.next().value!);
          assert.equal(page.url, url(`/mitz/inloggen/niet-gelukt/${c.page}`));
          assert.equal(page.status, c.status);
          assert.match(page.body, new RegExp(`<h1[^>]*>${c.title}</h1>`));
          assert.match(page.body, /href="\/mitz\/inloggen"/);
          assert.ok(!browser.cookies().some((k) => k.name === 'mitz_sessie'));
        }
        // DigiD that did not answer counts as down until its next health check: no login starts.
        const down = await new Browser().goto(url('/mitz/inloggen'));
        assert.equal(down.status, 503);
        assert.match(down.body, /<h1[^>]*>DigiD is niet bereikbaar<\/h1>/);
      } finally {
        (digid as { finish: LoginMeans['finish'] }).finish = finish;
        dezi.means.forgetHealth('digid');
      }
      assert.deepEqual(
        (await audits('mitz.login', before)).map((a) => [a.outcome, a.detail.reason]),
        [
          ['failure', 'means_insufficient_loa'],
          ['failure', 'means_insufficient_loa'],
          ['failure', 'means_unavailable'],
          ['failure', 'means_not_available'],
        ],
      );
      assert.equal(await sessionCount(), sessionsBefore);
    });

    test('a choice a professional recorded in the consulting room: the overview and the history name who, for which care provider, through which button, and the question', async () => {
      const { browser, bsn } = await loggedIn();
      const citizenId = await citizenIdOf(bsn);
      const { Choices } = await import('../src/mitz/choices.ts');
      const { Citizens } = await import('../src/mitz/citizens.ts');
      // As the dossierhoudersknop records it (SIT001: GPs' data for GPs).
      await new Choices(dezi.db, new Citizens(dezi.db, dezi.secrets)).change(
        citizenId,
        [{ gegevenscategorie: 'GGC002', dossierhouder: 'RPZAC001', raadpleger: 'RPZAC001', permit: true }],
        {
          kind: 'professional',
          knop: 'dossierhouder',
          situatie: 'SIT001',
          deziNummer: '900010001',
          naam: 'J. Jansen',
          rolCode: '01.015',
          rolNaam: 'Huisarts',
          abonneeNummer: '90000111',
          abonneeNaam: 'Huisartsenpraktijk De Linde',
          clientId: 'test-system',
        },
        { kind: 'person', deziNummer: '900010001', abonneeNummer: '90000111', clientId: 'test-system' },
      );
      const by =
        'door J. Jansen (Huisarts) van Huisartsenpraktijk De Linde, tijdens uw bezoek, via de dossierhoudersknop';
      const question =
        'De vraag was: Mogen huisartsen en huisartsenposten die u behandelen uw medische gegevens bij uw huisarts inzien?';
      const overview = visibleText((await browser.goto(url('/mitz/mijn'))).body);
      assert.match(
        overview,
        /Ja, voor Huisartsen en huisartsenposten Alleen gegevens bij: Huisartsen en huisartsenposten/,
      );
      assert.ok(overview.includes(`, ${by}.`), overview);
      assert.ok(overview.includes(question));
      const history = visibleText((await browser.goto(url('/mitz/mijn/geschiedenis'))).body);
      assert.ok(history.includes(`Vastgelegd ${by}.`), history);
      assert.ok(history.includes(question));
      assert.doesNotMatch(history, /door uzelf/);
      const en = visibleText((await browser.goto(url('/mitz/mijn/geschiedenis?lang=en'))).body);
      assert.ok(
        en.includes(
          'Recorded by J. Jansen (Huisarts) of Huisartsenpraktijk De Linde, during your visit, through the record holder’s button.',
        ),
        en,
      );
      assert.ok(en.includes('The question was: May GPs and out-of-hours GP services that treat you see'));
      await browser.goto(url('/mitz/mijn?lang=nl'));
    });

    test('CSRF: a post without the session’s token, with another session’s, or from another origin is refused and changes nothing', async () => {
      const { browser: a, bsn } = await loggedIn();
      const { browser: b } = await loggedIn();
      const citizenId = await citizenIdOf(bsn);
      const choice = { gegevenscategorie: 'GGC013', keuze: 'ja', raadpleger: ALL, dossierhouder: ALL };
      const formOf = async (browser: Browser) =>
        findForm((await browser.goto(url('/mitz/mijn/keuze'))).body, '/mitz/mijn/keuze').fields.csrf!;
      const tokenA = await formOf(a);
      const tokenB = await formOf(b);
      assert.notEqual(tokenA, tokenB);

      const refused = [
        await a.request(url('/mitz/mijn/keuze'), { form: choice }),
        await a.request(url('/mitz/mijn/keuze'), { form: { ...choice, csrf: tokenB } }),
        await a.request(url('/mitz/mijn/keuze'), {
          form: { ...choice, csrf: tokenA },
          headers: { origin: 'https://elders.example' },
        }),
        await a.request(url('/mitz/mijn/intrekken'), { form: { ...choice } }),
        await a.request(url('/mitz/uitloggen'), { form: { csrf: tokenB } }),
      ];
      for (const r of refused) {
        assert.equal(r.status, 403, r.url);
        assert.match(r.body, /Ongeldig verzoek/);
      }
      const [count] = await dezi.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM mitz_choice_history WHERE citizen_id = $1',
        [citizenId],
      );
      assert.equal(count!.n, 0);
      assert.equal((await a.goto(url('/mitz/mijn'))).status, 200, 'still logged in');

      // With the token, from our own origin, it is recorded.
      const done = await a.request(url('/mitz/mijn/keuze'), {
        form: { ...choice, csrf: tokenA },
        headers: { origin: dezi.url },
      });
      assert.equal(done.location, url('/mitz/mijn?melding=vastgelegd'));
    });

    test('a second citizen sees none of the first’s choices and cannot withdraw them', async () => {
      const { browser: first, bsn } = await loggedIn();
      await give(first, { gegevenscategorie: 'GGC002', keuze: 'nee', raadpleger: 'RPZAC003' });
      const firstId = await citizenIdOf(bsn);

      const { browser: second, page, bsn: secondBsn } = await loggedIn();
      assert.notEqual(await citizenIdOf(secondBsn), firstId);
      assert.equal(decisionIn(page.body, 'GGC002', 'RPZAC003'), 'NotApplicable');
      assert.doesNotMatch(page.body, /intrekken\?/);
      const history = await second.goto(url('/mitz/mijn/geschiedenis'));
      assert.match(history.body, /Er zijn nog geen keuzes vastgelegd\./);

      const key = 'gegevenscategorie=GGC002&raadpleger=RPZAC003&dossierhouder=*';
      const confirm = await second.goto(url(`/mitz/mijn/intrekken?${key}`));
      assert.equal(confirm.url, url('/mitz/mijn?melding=niet-gevonden'));
      const csrf = findForm((await second.goto(url('/mitz/mijn/keuze'))).body, '/mitz/mijn/keuze').fields
        .csrf!;
      const post = await second.request(url('/mitz/mijn/intrekken'), {
        form: { gegevenscategorie: 'GGC002', raadpleger: 'RPZAC003', dossierhouder: ALL, csrf },
      });
      assert.equal(post.location, url('/mitz/mijn?melding=niet-gevonden'));

      const [kept] = await dezi.db.query<{ permit: boolean }>(
        'SELECT permit FROM mitz_choices WHERE citizen_id = $1',
        [firstId],
      );
      assert.equal(kept?.permit, false);
      // The first citizen, logging in again elsewhere, is the same citizen and finds the choice.
      const { page: again } = await loggedIn(bsn);
      assert.equal(decisionIn(again.body, 'GGC002', 'RPZAC003'), 'Deny');
    });

    test('the session: it ends after 15 idle minutes or 4 hours in all, and at logout; then nothing can be changed', async () => {
      const { browser, bsn } = await loggedIn();
      const citizenId = await citizenIdOf(bsn);
      const csrf = findForm((await browser.goto(url('/mitz/mijn/keuze'))).body, '/mitz/mijn/keuze').fields
        .csrf!;
      const sessionCookie = () => browser.cookies().find((c) => c.name === 'mitz_sessie')?.value;
      const token = sessionCookie()!;

      // Idle too long.
      await dezi.db.query(
        "UPDATE mitz_sessions SET expires_at = now() - interval '1 second' WHERE citizen_id = $1",
        [citizenId],
      );
      const expired = await browser.request(url('/mitz/mijn/keuze'), {
        form: { gegevenscategorie: 'GGC013', keuze: 'ja', raadpleger: ALL, csrf },
      });
      assert.equal(expired.status, 401);
      assert.match(expired.body, /U bent niet \(meer\) ingelogd/);
      assert.match(expired.body, /href="\/mitz\/inloggen"/);
      assert.equal(sessionCookie(), undefined, 'the stale cookie is cleared');
      const [none] = await dezi.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM mitz_choices WHERE citizen_id = $1',
        [citizenId],
      );
      assert.equal(none!.n, 0);
      const page = await new Browser().request(url('/mitz/mijn'), {
        headers: { cookie: `mitz_sessie=${token}` },
      });
      assert.equal(page.location, url('/mitz?melding=verlopen'));
      const start = await browser.goto(url('/mitz?melding=verlopen'));
      assert.match(start.body, /U was een tijd niet actief/);

      // Busy, but for longer than a session may last.
      const { browser: busy, bsn: busyBsn } = await loggedIn();
      await dezi.db.query(
        "UPDATE mitz_sessions SET created_at = now() - interval '4 hours' WHERE citizen_id = $1",
        [await citizenIdOf(busyBsn)],
      );
      const first = await busy.goto(url('/mitz/mijn'));
      assert.equal(first.status, 200, 'this request still counts, and shortens the session to its end');
      assert.equal((await busy.goto(url('/mitz/mijn'))).url, url('/mitz?melding=verlopen'));

      // Logging out, through the form every page carries.
      const { browser: leaving, page: overview, bsn: leavingBsn } = await loggedIn();
      const leavingToken = leaving.cookies().find((c) => c.name === 'mitz_sessie')!.value;
      const before = await auditHead();
      const out = await leaving.submit(overview, '/mitz/uitloggen');
      assert.equal(out.url, url('/mitz?melding=uitgelogd'));
      assert.match(out.body, /U bent uitgelogd\./);
      assert.match(out.body, /href="\/mitz\/inloggen"/);
      assert.ok(!leaving.cookies().some((c) => c.name === 'mitz_sessie'));
      const replayed = await new Browser().request(url('/mitz/mijn'), {
        headers: { cookie: `mitz_sessie=${leavingToken}` },
      });
      assert.equal(replayed.status, 303);
      const [logout] = await audits('mitz.logout', before);
      assert.equal(logout?.actor, `citizen:${await citizenIdOf(leavingBsn)}`);
      const [rows] = await dezi.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM mitz_sessions WHERE citizen_id = $1',
        [await citizenIdOf(leavingBsn)],
      );
      assert.equal(rows!.n, 0);
    });

    test('no BSN in any page, URL, header, cookie, log line, audit record or clear-text column', async () => {
      assert.ok(seen.length >= 8, `${seen.length} logins seen`);
      const audit = (
        await dezi.db.query<{ t: string }>('SELECT row_to_json(a)::text AS t FROM audit_events a')
      ).map((r) => r.t);
      const mitzRows = (
        await dezi.db.query<{ t: string }>(
          `SELECT row_to_json(c)::text AS t FROM mitz_citizens c
           UNION ALL SELECT row_to_json(s)::text FROM mitz_sessions s
           UNION ALL SELECT row_to_json(h)::text FROM mitz_choice_history h
           UNION ALL SELECT row_to_json(u)::text FROM single_use u`,
        )
      ).map((r) => r.t);
      const logs = dezi.logs.text();
      for (const { browser, bsn } of seen) {
        for (const e of browser.history) {
          assert.ok(!e.url.includes(bsn), `BSN in URL ${e.url}`);
          assert.ok(!(e.location ?? '').includes(bsn), `BSN in a redirect from ${e.url}`);
          assert.ok(!JSON.stringify(e.headers).includes(bsn), `BSN in the headers of ${e.url}`);
          assert.ok(!e.body.includes(bsn), `BSN in the page ${e.url}`);
        }
        for (const c of browser.cookies()) assert.ok(!c.value.includes(bsn), `BSN in cookie ${c.name}`);
        assert.ok(!logs.includes(bsn), 'BSN in the log');
        assert.ok(!audit.some((t) => t.includes(bsn)), 'BSN in the audit trail');
        assert.ok(!mitzRows.some((t) => t.includes(bsn)), "BSN in Mitz's tables");
      }
    });
  });
