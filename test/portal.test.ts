// The portals end to end over HTTP: self-registration (from an unknown-person login and from
// /registreren), Mijn Dezi with linked means and invitations, and the abonnee portal, which
// refuses everything outside the administrator's own abonnee.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EIDAS_MEANS_ID } from '../src/means/eidas/eidas.ts';
import { LOA } from '../src/means/loa.ts';
import { WALLET_MEANS_ID } from '../src/means/wallet/wallet-means.ts';
import { YIVI_MEANS_ID } from '../src/means/yivi/yivi.ts';
import {
  STAND_IN_ACCOUNTS,
  ZIEKENHUISPAS_MEANS_ID,
  ZORGID_MEANS_ID,
} from '../src/proeftuin/oidc-means-op.ts';
import { SEED_PERSONS, UNKNOWN_TEST_BSN } from '../src/proeftuin/seed-data.ts';
import { Bsn, passesElfproef } from '../src/means/bsn.ts';
import { Browser, findForm, type Exchange } from './helpers/browser.ts';
import { bigFileWithCardioloog, CARDIOLOOG, enrolCardioloog } from './helpers/big.ts';
import { BACKENDS, openTestDatabase, startDezi, type TestDezi } from './helpers/dezi.ts';
import { linkedTestMeans } from './helpers/linked-means.ts';
import { digidLogin, oidcMeansLogin, startLogin } from './helpers/login.ts';
import { DIGID, offeredMeans, openTestMeans, TEST_MEANS } from './helpers/means.ts';
import { registerRp } from './helpers/rp.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!; // administrator of 90000111
const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!;
const SMIT = SEED_PERSONS.find((p) => p.achternaam === 'Smit')!; // 90000222 only
const BOS = SEED_PERSONS.find((p) => p.achternaam === 'Bos')!; // registered, no employment
const VISSER = SEED_PERSONS.find((p) => p.achternaam === 'Visser')!;
const VAN_DIJK = SEED_PERSONS.find((p) => p.achternaam === 'Dijk')!; // suspended

/** Test BSNs that pass the elfproef and belong to nobody in the seed. */
function* freshBsns(): Generator<string> {
  const taken = new Set([...SEED_PERSONS.map((p) => p.bsn), UNKNOWN_TEST_BSN]);
  for (let n = 999990200; ; n++) if (passesElfproef(String(n)) && !taken.has(String(n))) yield String(n);
}

const NEVER = 'http://never.invalid/';

/** What a person reads on a page: the text outside tags, scripts and styles, entities decoded. */
function visibleText(body: string): string {
  return body
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** Raw values of levels and statuses, which a Dutch page must not show … */
const ENGLISH_VALUES =
  /\b(low|substantial|high|active|suspended|deceased|ended|future|pending|accepted|withdrawn|expired)\b/gi;
/** … and their Dutch words, which an English page must not show. */
const DUTCH_VALUES =
  /\b(laag|substantieel|hoog|actief|geschorst|overleden|beëindigd|nog niet begonnen|openstaand|geaccepteerd|ingetrokken|verlopen)\b/gi;

function assertNoneOf(words: RegExp, body: string, page: string) {
  const found = visibleText(body).match(words);
  assert.equal(found, null, `${page} shows ${JSON.stringify(found)}`);
}

for (const backend of BACKENDS)
  describe(`portals (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let dezi: TestDezi;
    const bsns = freshBsns();
    const testMeans = linkedTestMeans();
    const bigRegisterFile = bigFileWithCardioloog();

    before(async () => {
      database = await openTestDatabase(backend);
      dezi = await startDezi({ db: database.db, config: { bigRegisterFile } });
      dezi.means.register(testMeans);
    });

    after(async () => {
      await dezi?.stop();
      await database?.close();
    });

    /** Logs in to a portal through the broker and DigiD; returns the page the portal lands on. */
    async function portalLogin(browser: Browser, path: string, bsn: string): Promise<Exchange> {
      const meansPage = await browser.goto(`${dezi.url}${path}`);
      assert.match(meansPage.url, /\/interaction\//);
      return digidLogin(browser, meansPage, bsn, NEVER);
    }

    function assertNoBsn(browser: Browser, bsn: string) {
      for (const e of browser.history) {
        assert.ok(!e.url.includes(bsn), `BSN in URL ${e.url}`);
        if (!e.url.includes('/proeftuin/digid/')) assert.ok(!e.body.includes(bsn), `BSN in page ${e.url}`);
        assert.ok(!JSON.stringify(e.headers).includes(bsn), `BSN in headers of ${e.url}`);
        assert.ok(!(e.location ?? '').includes(bsn), 'BSN in a redirect');
      }
      for (const c of browser.cookies()) assert.ok(!c.value.includes(bsn), `BSN in cookie ${c.name}`);
      assert.ok(!dezi.logs.text().includes(bsn), 'BSN in the log');
    }

    async function auditHasNo(bsn: string) {
      const rows = await dezi.db.query<{ t: string }>('SELECT row_to_json(a)::text AS t FROM audit_events a');
      assert.ok(!rows.some((r) => r.t.includes(bsn)), 'BSN in the audit trail');
    }

    function register(browser: Browser, page: Exchange, fields: Record<string, string>) {
      return browser.submit(page, '/registreren/gegevens', fields, NEVER);
    }

    test('an unknown person at a zorgapplicatie is offered self-registration and gets a Dezi-nummer', async () => {
      const rp = await registerRp(dezi.url);
      const browser = new Browser();
      const { page } = await startLogin(browser, rp);
      const unknown = await digidLogin(browser, page, UNKNOWN_TEST_BSN, rp.redirectUri);
      assert.equal(unknown.status, 403);
      assert.match(unknown.body, /U staat niet in het Dezi-register/);
      assert.match(unknown.body, /href="\/registreren\/gegevens"/);

      const form = await browser.goto(`${dezi.url}/registreren/gegevens`);
      assert.equal(form.status, 200);
      assert.match(form.body, /Bevestig uw gegevens/);

      const invalid = await register(browser, form, {
        voorletters: '12',
        voorvoegsel: 'VAN',
        achternaam: '',
      });
      assert.equal(invalid.status, 400);
      assert.match(invalid.body, /id="voorletters-error"/);
      assert.match(invalid.body, /id="achternaam-error"/);
      assert.match(invalid.body, /id="bevestig-error"/);
      assert.match(invalid.body, /aria-invalid="true"/);
      assert.equal(
        await dezi.register.findPersonByBsn(Bsn.parse(UNKNOWN_TEST_BSN)),
        null,
        'nothing registered from an invalid form',
      );

      const done = await register(browser, invalid, {
        voorletters: 'k m',
        voorvoegsel: 'Van der',
        achternaam: 'Nieuwenhuis',
        bevestig: 'ja',
      });
      assert.equal(done.status, 200, done.body.slice(0, 500));
      assert.match(done.url, /\/mijn-dezi\?melding=geregistreerd$/);
      const person = (await dezi.register.findPersonByBsn(Bsn.parse(UNKNOWN_TEST_BSN)))!;
      assert.ok(person, 'the person is in the register');
      assert.match(person.deziNummer, /^[0-9]{9}$/);
      assert.deepEqual(
        [person.voorletters, person.voorvoegsel, person.achternaam],
        ['K.M.', 'van der', 'Nieuwenhuis'],
      );
      assert.match(done.body, new RegExp(`<code>${person.deziNummer}</code>`));
      assert.match(done.body, /K\.M\. van der Nieuwenhuis/);

      // The confirmation cannot be replayed into a second registration.
      const replay = await browser.request(new URL('/registreren/gegevens', dezi.url).href, {
        form: {
          ...findForm(invalid.body, '/registreren/gegevens').fields,
          voorletters: 'K.',
          achternaam: 'Twee',
          bevestig: 'ja',
        },
      });
      assert.equal(replay.status, 400);
      const [count] = await dezi.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM persons WHERE achternaam = 'Twee'",
      );
      assert.equal(count!.n, 0);

      assertNoBsn(browser, UNKNOWN_TEST_BSN);
      await auditHasNo(UNKNOWN_TEST_BSN);
    });

    test('/registreren starts a login; a known person lands in Mijn Dezi instead', async () => {
      const browser = new Browser();
      const intro = await browser.goto(`${dezi.url}/registreren`);
      assert.equal(intro.status, 200);
      assert.match(intro.body, /href="\/registreren\/start"/);
      const bsn = bsns.next().value!;
      const form = await portalLogin(browser, '/registreren/start', bsn);
      assert.match(form.url, /\/registreren\/gegevens$/);
      assert.equal(form.status, 200);
      const en = await browser.goto(`${dezi.url}/registreren/gegevens?lang=en`);
      assert.match(en.body, /Confirm your details/);
      assertNoBsn(browser, bsn);

      const known = await portalLogin(new Browser(), '/registreren/start', JANSEN.bsn);
      assert.match(known.url, /\/mijn-dezi$/);
      assert.match(known.body, new RegExp(JANSEN.deziNummer));
    });

    test('Mijn Dezi: log in, see the Dezi-nummer and employments, log out; a suspended person is refused', async () => {
      const loggedOut = await new Browser().goto(`${dezi.url}/mijn-dezi`);
      assert.equal(loggedOut.status, 200);
      assert.match(loggedOut.body, /href="\/mijn-dezi\/inloggen"/);

      const browser = new Browser();
      const page = await portalLogin(browser, '/mijn-dezi/inloggen', AMRANI.bsn);
      assert.equal(page.status, 200);
      assert.match(page.url, /\/mijn-dezi$/);
      assert.match(page.body, new RegExp(`<code>${AMRANI.deziNummer}</code>`));
      assert.match(page.body, /F\. el Amrani/);
      assert.match(page.body, /Huisartsenpraktijk De Linde/);
      assert.match(page.body, /Gezondheidscentrum Zuidwijk/);
      const session = browser.cookies().find((c) => c.name === 'dezi_portal')!;
      assert.ok(session, 'a portal session cookie');
      const [stored] = await dezi.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM portal_sessions WHERE token_hash = $1',
        [session.value],
      );
      assert.equal(stored!.n, 0, 'the database keeps only a hash of the session token');

      const out = await browser.submit(page, '/mijn-dezi/uitloggen', {}, NEVER);
      assert.match(out.body, /href="\/mijn-dezi\/inloggen"/);
      // The old session token is worthless after logout.
      const stale = await new Browser().request(`${dezi.url}/mijn-dezi`, {
        headers: { cookie: `dezi_portal=${session.value}` },
      });
      assert.doesNotMatch(stale.body, new RegExp(AMRANI.deziNummer));

      const suspended = await portalLogin(new Browser(), '/mijn-dezi/inloggen', VAN_DIJK.bsn);
      assert.equal(suspended.status, 403);
    });

    test('the portals offer every means at level high, none below it; a market means logs in to Mijn Dezi', async () => {
      const browser = new Browser();
      const meansPage = await browser.goto(`${dezi.url}/mijn-dezi/inloggen`);
      assert.match(meansPage.url, /\/interaction\//);
      assert.deepEqual(offeredMeans(meansPage.body), [
        DIGID,
        YIVI_MEANS_ID,
        WALLET_MEANS_ID,
        ZORGID_MEANS_ID,
        ZIEKENHUISPAS_MEANS_ID,
        EIDAS_MEANS_ID,
        testMeans.id,
      ]);
      assert.ok(
        !offeredMeans(meansPage.body).includes(TEST_MEANS),
        'the substantial test means is not offered',
      );
      // Jansen's pseudonym at the proeftuin's zorgidentiteit supplier is linked by the seed.
      const jansenPseudonym = STAND_IN_ACCOUNTS.find((a) => a.linkedBsn === JANSEN.bsn)!;
      const page = await oidcMeansLogin(browser, meansPage, ZORGID_MEANS_ID, jansenPseudonym.sub, NEVER);
      assert.equal(page.status, 200, page.body.slice(0, 500));
      assert.match(page.url, /\/mijn-dezi$/);
      assert.match(page.body, new RegExp(`<code>${JANSEN.deziNummer}</code>`));
      assert.ok(browser.cookies().some((c) => c.name === 'dezi_portal'));
      assertNoBsn(browser, JANSEN.bsn);
    });

    test('a portal login cancelled at the means page, or replayed, sets no session', async () => {
      const browser = new Browser();
      const meansPage = await browser.goto(`${dezi.url}/mijn-dezi/inloggen`);
      const cancelled = await browser.submit(meansPage, '/annuleren', {}, NEVER);
      assert.equal(cancelled.status, 400);
      assert.match(cancelled.url, /\/mijn-dezi\/terug/);
      assert.ok(!browser.cookies().some((c) => c.name === 'dezi_portal'));

      // A login is bound to the state in this browser's cookie: a second start replaces it, and the
      // first login, finished afterwards, is refused without a session.
      const twice = new Browser();
      const first = await twice.goto(`${dezi.url}/mijn-dezi/inloggen`);
      const second = await twice.goto(`${dezi.url}/mijn-dezi/inloggen`);
      assert.notEqual(first.url, second.url);
      const stale = await digidLogin(twice, first, JANSEN.bsn, NEVER);
      assert.equal(stale.status, 400);
      assert.match(stale.body, /Inloggen verlopen/);
      assert.ok(!twice.cookies().some((c) => c.name === 'dezi_portal'));
      const fresh = await digidLogin(twice, second, JANSEN.bsn, NEVER);
      assert.equal(fresh.status, 200, 'the latest login in this browser still finishes');
      assert.match(fresh.body, new RegExp(`<code>${JANSEN.deziNummer}</code>`));
    });

    test('an administrator invites by Dezi-nummer; the person accepts in Mijn Dezi; role set, employment ended', async () => {
      const admin = new Browser();
      const portal = await portalLogin(admin, '/abonnee/inloggen', JANSEN.bsn);
      assert.equal(portal.status, 200, portal.body.slice(0, 300));
      assert.match(portal.url, /\/abonnee\/90000111$/);
      assert.match(portal.body, /Huisartsenpraktijk De Linde/);
      const invited = await admin.submit(
        portal,
        '/uitnodigen',
        { deziNummer: BOS.deziNummer, rolCode: '', rolCodeBron: 'big' },
        NEVER,
      );
      assert.match(invited.url, /melding=uitgenodigd/);

      const bos = new Browser();
      const mijn = await portalLogin(bos, '/mijn-dezi/inloggen', BOS.bsn);
      assert.match(mijn.body, /Accepteer de uitnodiging van Huisartsenpraktijk De Linde/);
      const accepted = await bos.submit(mijn, '/uitnodigingen/accepteren', {}, NEVER);
      assert.match(accepted.url, /melding=geaccepteerd/);
      assert.match(accepted.body, /Huisartsenpraktijk De Linde/);
      const bosPerson = (await dezi.register.findPersonByDeziNummer(BOS.deziNummer))!;
      const [employment] = (await dezi.register.employmentsOfPerson(bosPerson.id)).filter(
        (e) => e.abonnee.abonneeNummer === '90000111',
      );
      assert.ok(employment, 'the invitation made an employment');
      // Accepting twice makes no second employment.
      const twice = await bos.request(new URL('/mijn-dezi/uitnodigingen/accepteren', dezi.url).href, {
        form: findForm(mijn.body, '/uitnodigingen/accepteren').fields,
      });
      assert.equal(twice.status, 404);
      assert.equal((await dezi.register.employmentsOfPerson(bosPerson.id)).length, 1);

      const page = await admin.goto(`${dezi.url}/abonnee/90000111`);
      const csrf = findForm(page.body, '/rol').fields.csrf!;
      const post = (path: string, form: Record<string, string>) =>
        admin.request(`${dezi.url}/abonnee/90000111/${path}`, { form: { csrf, ...form } });
      const role = await post('rol', {
        employment: employment.id,
        rolCode: '86.000',
        rolCodeBron: 'abonnee',
      });
      assert.equal(role.status, 303);
      assert.equal((await dezi.register.getEmployment(employment.id))!.rolCode, '86.000');
      // A BIG profession needs a BIG registration, which Bos has not: the register refuses.
      const big = await post('rol', { employment: employment.id, rolCode: '01.000', rolCodeBron: 'big' });
      assert.equal(big.status, 409);
      assert.equal((await dezi.register.getEmployment(employment.id))!.rolCode, '86.000');
      const badRole = await post('rol', { employment: employment.id, rolCode: '99.999', rolCodeBron: 'big' });
      assert.equal(badRole.status, 400);
      const confirm = await post('beeindigen', { employment: employment.id });
      assert.equal(confirm.status, 200);
      assert.match(confirm.body, /Koppeling beëindigen\?/);
      assert.equal(
        (await dezi.register.activeEmployments(bosPerson.id)).length,
        1,
        'not before confirmation',
      );
      const end = await admin.submit(confirm, '/beeindigen', {}, NEVER);
      assert.match(end.url, /melding=beeindigd/);
      assert.equal((await dezi.register.activeEmployments(bosPerson.id)).length, 0);
    });

    test('a one-time registration code: shown once, used once, by a newly registered person', async () => {
      const admin = new Browser();
      const portal = await portalLogin(admin, '/abonnee/inloggen', JANSEN.bsn);
      const shown = await admin.submit(
        portal,
        '/uitnodigen',
        { deziNummer: '', rolCode: '89.000', rolCodeBron: 'abonnee' },
        NEVER,
      );
      assert.equal(shown.status, 200);
      const code = /<code>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})<\/code>/.exec(shown.body)![1]!;
      const list = await admin.goto(`${dezi.url}/abonnee/90000111`);
      assert.ok(!list.body.includes(code), 'the code is not shown again');

      const bsn = bsns.next().value!;
      const newcomer = new Browser();
      const form = await portalLogin(newcomer, '/registreren/start', bsn);
      const mijn = await register(newcomer, form, {
        voorletters: 'Q.',
        voorvoegsel: '',
        achternaam: 'Nieuw',
        bevestig: 'ja',
      });
      assert.match(mijn.url, /geregistreerd/);
      // The same code posted twice at once: one employment, the other post finds no open invitation.
      const codeForm = findForm(mijn.body, '/mijn-dezi/code');
      // One as the person may type it: lower case, spaces instead of dashes.
      const racing = await Promise.all(
        [code, code.toLowerCase().replace(/-/g, ' ')].map((typed) =>
          newcomer.request(new URL(codeForm.action, dezi.url).href, {
            form: { ...codeForm.fields, code: typed },
          }),
        ),
      );
      assert.deepEqual(racing.map((r) => r.status).sort(), [303, 404]);
      const newPerson = (await dezi.register.findPersonByBsn(Bsn.parse(bsn)))!;
      assert.equal((await dezi.register.employmentsOfPerson(newPerson.id)).length, 1);
      const used = await newcomer.goto(`${dezi.url}/mijn-dezi`);
      assert.match(used.body, /Diëtist \(89\.000\)/);

      const other = new Browser();
      const otherPage = await portalLogin(other, '/mijn-dezi/inloggen', BOS.bsn);
      const again = await other.submit(otherPage, '/mijn-dezi/code', { code }, NEVER);
      assert.equal(again.status, 404);
      const bad = await other.submit(otherPage, '/mijn-dezi/code', { code: 'nonsense' }, NEVER);
      assert.equal(bad.status, 400);
      assertNoBsn(newcomer, bsn);
    });

    /** The cardioloog, working at De Linde as arts; enrolled once, by whichever test needs them first. */
    async function cardioloog() {
      return (
        (await dezi.register.findPersonByDeziNummer(CARDIOLOOG.deziNummer)) ??
        (await enrolCardioloog(dezi.register, '90000111'))
      );
    }

    test('a BIG specialism in the abonnee portal: an arts without it cannot be made cardioloog, the cardioloog can', async () => {
      const hartman = await cardioloog();
      const amrani = (await dezi.register.findPersonByDeziNummer(AMRANI.deziNummer))!;
      const atLinde = async (personId: string) =>
        (await dezi.register.employmentsOfPerson(personId)).find(
          (e) => e.abonnee.abonneeNummer === '90000111' && e.status !== 'ended',
        )!;
      const amraniAtLinde = await atLinde(amrani.id);
      const admin = new Browser();
      const page = await portalLogin(admin, '/abonnee/inloggen', JANSEN.bsn);
      const csrf = findForm(page.body, '/rol').fields.csrf!;
      const setRole = (employment: string, rolCode: string) =>
        admin.request(`${dezi.url}/abonnee/90000111/rol`, {
          form: { csrf, employment, rolCode, rolCodeBron: 'big' },
        });

      // El Amrani is arts and huisarts in the BIG-register, not cardioloog: refused, and the page says why.
      const refused = await setRole(amraniAtLinde.id, '01.010');
      assert.equal(refused.status, 409);
      assert.match(refused.body, /BIG-registratie ontbreekt/);
      assert.match(
        refused.body,
        new RegExp(
          `Dezi-nummer ${AMRANI.deziNummer} staat niet met de rol Cardioloog \\(01\\.010\\) in het BIG-register`,
        ),
      );
      assert.equal((await dezi.register.getEmployment(amraniAtLinde.id))!.rolCode, '01.015');
      await admin.goto(`${dezi.url}/abonnee/90000111?lang=en`);
      const inEnglish = await setRole(amraniAtLinde.id, '01.010');
      assert.equal(inEnglish.status, 409);
      assert.match(inEnglish.body, /BIG registration missing/);
      assert.match(inEnglish.body, /with the role Cardioloog \(01\.010\)/);
      assert.doesNotMatch(inEnglish.body, /BIG-registratie ontbreekt/);
      await admin.goto(`${dezi.url}/abonnee/90000111?lang=nl`);
      // Arts (the beroep itself) she may be.
      assert.equal((await setRole(amraniAtLinde.id, '01.000')).status, 303);
      assert.equal((await dezi.register.getEmployment(amraniAtLinde.id))!.rolCode, '01.000');
      assert.equal((await setRole(amraniAtLinde.id, '01.015')).status, 303);

      // The cardioloog, working as arts, is made cardioloog.
      const hartmanAtLinde = await atLinde(hartman.id);
      const made = await setRole(hartmanAtLinde.id, '01.010');
      assert.equal(made.status, 303, made.body.slice(0, 500));
      assert.equal((await dezi.register.getEmployment(hartmanAtLinde.id))!.rolCode, '01.010');
      const list = await admin.goto(`${dezi.url}/abonnee/90000111`);
      assert.match(list.body, /Cardioloog \(01\.010\)/);
      assert.equal(
        (await setRole(hartmanAtLinde.id, '01.047')).status,
        409,
        'no specialist ouderengeneeskunde',
      );
      assert.equal((await dezi.register.getEmployment(hartmanAtLinde.id))!.rolCode, '01.010');
    });

    test('an invitation with a BIG role: by Dezi-nummer checked at once; by code checked when used; role names on both sides', async () => {
      const hartman = await cardioloog();
      const admin = new Browser();
      const portal = await portalLogin(admin, '/abonnee/inloggen', JANSEN.bsn);
      assert.match(portal.body, /bij een registratiecode pas wanneer de persoon de code gebruikt/);
      const invitationsOf = async (deziNummer: string) =>
        (
          await dezi.db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM invitations WHERE dezi_nummer = $1',
            [deziNummer],
          )
        )[0]!.n;
      const bosBefore = await invitationsOf(BOS.deziNummer);

      // Bos holds no BIG registration: the invitation is refused now, not when Bos accepts it.
      const refused = await admin.submit(
        portal,
        '/uitnodigen',
        { deziNummer: BOS.deziNummer, rolCode: '01.015', rolCodeBron: 'big' },
        NEVER,
      );
      assert.equal(refused.status, 409);
      // The form again, the refusal beside the role (and in the summary at the top), the input kept.
      assert.match(refused.body, /<title>Fout: Huisartsenpraktijk De Linde · Dezi<\/title>/);
      assert.match(
        refused.body,
        new RegExp(
          `href="#invite-rol">De persoon met Dezi-nummer ${BOS.deziNummer} staat niet met de rol Huisarts \\(01\\.015\\)`,
        ),
      );
      assert.match(
        refused.body,
        new RegExp(`id="deziNummer"\\s+name="deziNummer"\\s+value="${BOS.deziNummer}"`),
      );
      assert.doesNotMatch(refused.body, /verstuurd/);
      assert.equal(await invitationsOf(BOS.deziNummer), bosBefore, 'no invitation is stored');
      const [audited] = await dezi.db.query<{ outcome: string; detail: { reason: string } }>(
        `SELECT outcome, detail FROM audit_events WHERE action = 'invitation.create' ORDER BY id DESC LIMIT 1`,
      );
      assert.deepEqual([audited?.outcome, audited?.detail.reason], ['failure', 'big_not_registered']);
      // Nor may the cardioloog be invited as huisarts.
      const notHuisarts = await admin.submit(
        portal,
        '/uitnodigen',
        { deziNummer: CARDIOLOOG.deziNummer, rolCode: '01.015', rolCodeBron: 'big' },
        NEVER,
      );
      assert.equal(notHuisarts.status, 409);
      assert.equal(await invitationsOf(CARDIOLOOG.deziNummer), 0);

      // As cardioloog the invitation is made, and the portal says to whom and as what.
      const invited = await admin.submit(
        portal,
        '/uitnodigen',
        { deziNummer: CARDIOLOOG.deziNummer, rolCode: '01.010', rolCodeBron: 'big' },
        NEVER,
      );
      assert.equal(invited.status, 200);
      assert.match(invited.url, /melding=uitgenodigd&uitnodiging=/);
      assert.match(
        invited.body,
        new RegExp(
          `De uitnodiging voor Dezi-nummer ${CARDIOLOOG.deziNummer} als Cardioloog \\(01\\.010\\) is verstuurd`,
        ),
      );
      assert.match(
        invited.body,
        new RegExp(`Dezi-nummer ${CARDIOLOOG.deziNummer},\\s+Cardioloog \\(01\\.010\\):\\s+openstaand`),
      );
      // Another abonnee's invitation id in the address shows nothing of it.
      const foreign = await admin.goto(
        `${dezi.url}/abonnee/90000111?melding=uitgenodigd&uitnodiging=00000000-0000-4000-8000-000000000000`,
      );
      assert.match(foreign.body, /De uitnodiging is verstuurd\./);

      // Mijn Dezi shows the role by name too, and accepting makes the employment.
      const person = new Browser();
      const mijn = await portalLogin(person, '/mijn-dezi/inloggen', CARDIOLOOG.bsn);
      assert.match(mijn.body, /Huisartsenpraktijk De Linde \(URA 90000111\):\s+Cardioloog \(01\.010\)/);
      const english = await person.goto(`${dezi.url}/mijn-dezi?lang=en`);
      assert.match(english.body, /Cardioloog \(01\.010\)/);
      const cardiologyJobs = async () =>
        (await dezi.register.employmentsOfPerson(hartman.id)).filter((e) => e.rolCode === '01.010').length;
      const jobsBefore = await cardiologyJobs();
      const accepted = await person.submit(english, '/uitnodigingen/accepteren', {}, NEVER);
      assert.match(accepted.url, /melding=geaccepteerd/);
      assert.equal(await cardiologyJobs(), jobsBefore + 1);

      // A code: the person is unknown, so the portal says the BIG role is checked when the code is used.
      const shown = await admin.submit(
        await admin.goto(`${dezi.url}/abonnee/90000111`),
        '/uitnodigen',
        { deziNummer: '', rolCode: '01.015', rolCodeBron: 'big' },
        NEVER,
      );
      assert.equal(shown.status, 200);
      assert.match(shown.body, /Rol: Huisarts \(01\.015\)\./);
      assert.match(shown.body, /controleert de BIG-registratie pas wanneer de persoon de code gebruikt/);
      const code = /<code>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})<\/code>/.exec(shown.body)![1]!;
      const list = await admin.goto(`${dezi.url}/abonnee/90000111`);
      assert.match(list.body, /met registratiecode,\s+Huisarts \(01\.015\):\s+openstaand/);
      // Bos uses it: the register refuses the role, Mijn Dezi says which, and the invitation stays open.
      const bos = new Browser();
      const bosPage = await portalLogin(bos, '/mijn-dezi/inloggen', BOS.bsn);
      const used = await bos.submit(bosPage, '/mijn-dezi/code', { code }, NEVER);
      assert.equal(used.status, 409);
      assert.match(used.body, /Deze rol staat niet in uw BIG-registratie/);
      assert.match(used.body, /Deze uitnodiging is voor de rol Huisarts \(01\.015\)/);
      assert.match(
        (await admin.goto(`${dezi.url}/abonnee/90000111`)).body,
        /met registratiecode,\s+Huisarts \(01\.015\):\s+openstaand/,
      );
      // A code for a role outside the BIG-register says nothing about BIG.
      const plain = await admin.submit(
        await admin.goto(`${dezi.url}/abonnee/90000111?lang=en`),
        '/uitnodigen',
        { deziNummer: '', rolCode: '86.000', rolCodeBron: 'abonnee' },
        NEVER,
      );
      assert.match(plain.body, /Role: VIG-er \(86\.000\)\./);
      assert.doesNotMatch(plain.body, /BIG/);
    });

    test('every word in the page’s language: levels of assurance and statuses, in Dutch and in English', async () => {
      // A person with an employment of every status: not yet started (at De Linde, which Jansen
      // administers), active, ended, and one at an abonnee that is suspended.
      const bsn = bsns.next().value!;
      const linde = (await dezi.register.findAbonnee('90000111'))!;
      const zuidwijk = (await dezi.register.findAbonnee('90000222'))!;
      const paused = await dezi.register.createAbonnee(
        { abonneeNummer: '90000999', naam: 'Praktijk Gepauzeerd', kvk: '59000999' },
        { kind: 'operator', name: 'test' },
      );
      const person = await dezi.register.enrol(
        {
          bsn: Bsn.parse(bsn),
          deziNummer: '900019002',
          voorletters: 'W.',
          voorvoegsel: null,
          achternaam: 'Woord',
          loaDezi: LOA.high,
        },
        [
          { abonneeId: linde.id, rolCode: '86.000', rolCodeBron: 'abonnee', startDate: '2999-01-01' },
          { abonneeId: zuidwijk.id, rolCode: '92.000', rolCodeBron: 'abonnee' },
          { abonneeId: zuidwijk.id, rolCode: null, rolCodeBron: null },
          { abonneeId: paused.id, rolCode: null, rolCodeBron: null },
          { abonneeId: paused.id, rolCode: '99.000', rolCodeBron: 'abonnee' },
        ],
      );
      // Ended: one at Zuidwijk, and one at the abonnee about to be suspended (ended stays ended).
      for (const e of await dezi.register.employmentsOfPerson(person.id))
        if ((e.abonnee.id === zuidwijk.id && e.rolCode === null) || e.rolCode === '99.000')
          await dezi.register.endEmployment(e.id, { kind: 'operator', name: 'test' });
      await dezi.register.setAbonneeStatus(paused.id, 'suspended', { kind: 'operator', name: 'test' });

      // Mijn Dezi.
      const browser = new Browser();
      const mijn = await portalLogin(browser, '/mijn-dezi/inloggen', bsn);
      const cells = (body: string) =>
        [
          ...body.matchAll(
            /<tr[^>]*>\s*<td[^>]*>([\s\S]*?)<\/td>\s*<td[^>]*>[\s\S]*?<\/td>\s*<td[^>]*>([\s\S]*?)<\/td>/g,
          ),
        ]
          .map(
            (m) =>
              `${visibleText(m[1]!)
                .replace(/ \(URA.*$/, '')
                .trim()}: ${visibleText(m[2]!).trim()}`,
          )
          .sort();
      assert.deepEqual(cells(mijn.body), [
        'Gezondheidscentrum Zuidwijk: actief',
        'Gezondheidscentrum Zuidwijk: beëindigd',
        'Huisartsenpraktijk De Linde: nog niet begonnen',
        'Praktijk Gepauzeerd: beëindigd',
        'Praktijk Gepauzeerd: geschorst',
      ]);
      assertNoneOf(ENGLISH_VALUES, mijn.body, 'Mijn Dezi (nl)');
      const mijnEn = await browser.goto(`${dezi.url}/mijn-dezi?lang=en`);
      assert.deepEqual(cells(mijnEn.body), [
        'Gezondheidscentrum Zuidwijk: active',
        'Gezondheidscentrum Zuidwijk: ended',
        'Huisartsenpraktijk De Linde: not yet started',
        'Praktijk Gepauzeerd: ended',
        'Praktijk Gepauzeerd: suspended',
      ]);
      assertNoneOf(DUTCH_VALUES, mijnEn.body, 'Mijn Dezi (en)');

      // "Hoe wilt u inloggen?": each means with its level, as a word of the page's language.
      const rp = await registerRp(dezi.url);
      const nl = new Browser();
      const { page: means } = await startLogin(nl, rp, { acr_values: LOA.substantial });
      assert.ok(offeredMeans(means.body).includes(TEST_MEANS));
      assert.match(visibleText(means.body), /Betrouwbaarheidsniveau: hoog/);
      assert.match(visibleText(means.body), /Betrouwbaarheidsniveau: substantieel/);
      assertNoneOf(ENGLISH_VALUES, means.body, 'the means page (nl)');
      const testMeansPage = await openTestMeans(nl, means, NEVER);
      assert.match(visibleText(testMeansPage.body), /op betrouwbaarheidsniveau substantieel\./);
      assertNoneOf(ENGLISH_VALUES, testMeansPage.body, 'the test means (nl)');
      const { page: digidChoice } = await startLogin(nl, rp, { acr_values: LOA.high });
      const digid = await nl.submit(digidChoice, '/means', { means: DIGID }, NEVER);
      assert.match(visibleText(digid.body), /Gevraagd niveau: DigiD Hoog\./);

      const en = new Browser();
      await en.goto(`${dezi.url}/proeftuin?lang=en`);
      const { page: meansEn } = await startLogin(en, rp, { acr_values: LOA.substantial });
      assert.match(visibleText(meansEn.body), /Level of assurance: high/);
      assert.match(visibleText(meansEn.body), /Level of assurance: substantial/);
      assertNoneOf(DUTCH_VALUES, meansEn.body, 'the means page (en)');
      const testMeansEn = await openTestMeans(en, meansEn, NEVER);
      assert.match(visibleText(testMeansEn.body), /at level of assurance substantial\./);
      assertNoneOf(DUTCH_VALUES, testMeansEn.body, 'the test means (en)');
      const { page: digidChoiceEn } = await startLogin(en, rp, { acr_values: LOA.high });
      const digidEn = await en.submit(digidChoiceEn, '/means', { means: DIGID }, NEVER);
      assert.match(visibleText(digidEn.body), /Requested level: DigiD Hoog \(high\)\./);

      // The abonnee portal: employment and invitation statuses.
      const admin = new Browser();
      const portal = await portalLogin(admin, '/abonnee/inloggen', JANSEN.bsn);
      const withdrawn = await admin.submit(portal, '/uitnodigen', { deziNummer: '', rolCode: '' }, NEVER);
      assert.equal(withdrawn.status, 200);
      const listed = await admin.goto(`${dezi.url}/abonnee/90000111`);
      await admin.submit(listed, '/intrekken', {}, NEVER); // the newest invitation is listed first
      const adminNl = await admin.goto(`${dezi.url}/abonnee/90000111`);
      const text = visibleText(adminNl.body);
      assert.match(text, /W\. Woord Dezi-nummer 900019002 VIG-er \(86\.000\) · nog niet begonnen/);
      assert.match(text, /J\. Jansen Dezi-nummer 900010001 Huisarts \(01\.015\) · actief/);
      assert.match(text, /met registratiecode, geen rolcode: ingetrokken/);
      assertNoneOf(ENGLISH_VALUES, adminNl.body, 'the abonnee portal (nl)');
      const adminEn = await admin.goto(`${dezi.url}/abonnee/90000111?lang=en`);
      const textEn = visibleText(adminEn.body);
      assert.match(textEn, /W\. Woord Dezi-nummer 900019002 VIG-er \(86\.000\) · not yet started/);
      assert.match(textEn, /by registration code, no role code: withdrawn/);
      assertNoneOf(DUTCH_VALUES, adminEn.body, 'the abonnee portal (en)');

      // The proeftuin's page: a suspended test person, role sources.
      const proeftuin = await new Browser().goto(`${dezi.url}/proeftuin?lang=nl`);
      assert.match(proeftuin.body, /<strong>\(geschorst\)<\/strong>/);
      assert.match(visibleText(proeftuin.body), /Huisarts \(01\.015, BIG-register\)/);
      assert.match(visibleText(proeftuin.body), /VIG-er \(86\.000, verklaring van de abonnee\)/);
      assertNoneOf(ENGLISH_VALUES, proeftuin.body, 'the proeftuin page (nl)');
      const proeftuinEn = await new Browser().goto(`${dezi.url}/proeftuin?lang=en`);
      assert.match(proeftuinEn.body, /<strong>\(suspended\)<\/strong>/);
      assert.match(visibleText(proeftuinEn.body), /Huisarts \(01\.015, BIG register\)/);
      assert.match(visibleText(proeftuinEn.body), /VIG-er \(86\.000, declared by the abonnee\)/);
      assertNoneOf(DUTCH_VALUES, proeftuinEn.body, 'the proeftuin page (en)');
    });

    test('the abonnee portal refuses another abonnee, a non-administrator, a missing token and a foreign origin', async () => {
      const smitPerson = (await dezi.register.findPersonByDeziNummer(SMIT.deziNummer))!;
      const [smitAtZuidwijk] = await dezi.register.employmentsOfPerson(smitPerson.id);
      const before = JSON.stringify(await dezi.register.getEmployment(smitAtZuidwijk!.id));

      const amrani = new Browser();
      const notAdmin = await portalLogin(amrani, '/abonnee/inloggen', AMRANI.bsn);
      assert.equal(notAdmin.status, 403);
      assert.match(notAdmin.body, /Geen beheerrechten/);
      assert.equal((await amrani.goto(`${dezi.url}/abonnee/90000111`)).status, 403);

      const admin = new Browser();
      const page = await portalLogin(admin, '/abonnee/inloggen', JANSEN.bsn);
      const csrf = findForm(page.body, '/uitnodigen').fields.csrf!;
      const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
        admin.request(`${dezi.url}${path}`, { form, headers });

      assert.equal((await admin.goto(`${dezi.url}/abonnee/90000222`)).status, 403);
      assert.equal(
        (await post('/abonnee/90000222/beeindigen', { csrf, employment: smitAtZuidwijk!.id })).status,
        403,
      );
      assert.equal(
        (
          await post('/abonnee/90000222/rol', {
            csrf,
            employment: smitAtZuidwijk!.id,
            rolCode: '01.000',
            rolCodeBron: 'big',
          })
        ).status,
        403,
      );
      assert.equal(
        (await post('/abonnee/90000111/beeindigen', { csrf, employment: smitAtZuidwijk!.id })).status,
        404,
      );
      assert.equal(
        (
          await post('/abonnee/90000111/rol', {
            csrf,
            employment: smitAtZuidwijk!.id,
            rolCode: '01.000',
            rolCodeBron: 'big',
          })
        ).status,
        404,
      );
      assert.equal(
        (await post('/abonnee/90000111/uitnodigen', { deziNummer: BOS.deziNummer, rolCode: '' })).status,
        403,
        'no CSRF token',
      );
      assert.equal(
        (
          await post(
            '/abonnee/90000111/uitnodigen',
            { csrf, deziNummer: BOS.deziNummer, rolCode: '' },
            { origin: 'https://evil.example' },
          )
        ).status,
        403,
        'foreign origin',
      );
      assert.equal(
        (
          await post('/abonnee/90000111/intrekken', {
            csrf,
            invitation: '00000000-0000-4000-8000-000000000000',
          })
        ).status,
        404,
      );
      assert.equal(
        JSON.stringify(await dezi.register.getEmployment(smitAtZuidwijk!.id)),
        before,
        'nothing changed',
      );
      // Another person's CSRF token does not work with this session.
      const amraniToken = findForm((await amrani.goto(`${dezi.url}/mijn-dezi`)).body, '/uitloggen').fields
        .csrf!;
      assert.equal(
        (await post('/abonnee/90000111/beeindigen', { csrf: amraniToken, employment: smitAtZuidwijk!.id }))
          .status,
        403,
      );
    });

    test('linking a means in Mijn Dezi: it then logs the person in; preferred; unlinked; never to two persons', async () => {
      const visser = new Browser();
      const mijn = await portalLogin(visser, '/mijn-dezi/inloggen', VISSER.bsn);
      // "Welk inlogmiddel wilt u koppelen?" first; the chosen means is then offered first.
      assert.match(mijn.body, /href="\/mijn-dezi\/koppelen"/);
      const which = await visser.goto(`${dezi.url}/mijn-dezi/koppelen`);
      const meansPage = await visser.submit(which, '/mijn-dezi/koppelen', { means: testMeans.id }, NEVER);
      assert.match(meansPage.url, /\/interaction\//);
      testMeans.subject = 'visser-subject';
      const linked = await visser.submit(meansPage, '/means', { means: testMeans.id }, NEVER);
      assert.match(linked.url, /melding=gekoppeld/);
      assert.match(linked.body, /Testmiddel/);
      const visserPerson = (await dezi.register.findPersonByDeziNummer(VISSER.deziNummer))!;
      const found = await dezi.register.findPersonBySubject({
        kind: 'linked',
        meansId: testMeans.id,
        subject: 'visser-subject',
      });
      assert.equal(found?.id, visserPerson.id);

      const preferred = await visser.submit(linked, '/middelen/voorkeur', {}, NEVER);
      assert.match(preferred.url, /melding=voorkeur/);
      const [means] = await dezi.register.listLinkedMeans(visserPerson.id);
      assert.equal(means!.preferred, true);

      // Smit cannot link Visser's subject, nor unlink Visser's means.
      const smit = new Browser();
      const smitPage = await portalLogin(smit, '/mijn-dezi/inloggen', SMIT.bsn);
      const smitMeans = await smit.submit(
        await smit.goto(`${dezi.url}/mijn-dezi/koppelen`),
        '/mijn-dezi/koppelen',
        { means: testMeans.id },
        NEVER,
      );
      const refused = await smit.submit(smitMeans, '/means', { means: testMeans.id }, NEVER);
      assert.equal(refused.status, 409);
      const smitCsrf = findForm(smitPage.body, '/uitloggen').fields.csrf!;
      const foreign = await smit.request(`${dezi.url}/mijn-dezi/middelen/ontkoppelen`, {
        form: { csrf: smitCsrf, id: means!.id },
      });
      assert.equal(foreign.status, 404);
      assert.equal((await dezi.register.listLinkedMeans(visserPerson.id)).length, 1);

      // Mijn Dezi itself: the linked means logs Visser in; an unlinked subject is refused.
      const viaLinked = new Browser();
      const viaMeans = await viaLinked.goto(`${dezi.url}/mijn-dezi/inloggen`);
      const viaPage = await viaLinked.submit(viaMeans, '/means', { means: testMeans.id }, NEVER);
      assert.match(viaPage.body, new RegExp(`<code>${VISSER.deziNummer}</code>`));
      testMeans.subject = 'nobody-subject';
      const stranger = new Browser();
      const strangerMeans = await stranger.goto(`${dezi.url}/mijn-dezi/inloggen`);
      const strangerPage = await stranger.submit(strangerMeans, '/means', { means: testMeans.id }, NEVER);
      assert.equal(strangerPage.status, 403);
      assert.match(strangerPage.body, /Dit inlogmiddel is niet gekoppeld/);
      assert.ok(!stranger.cookies().some((c) => c.name === 'dezi_portal' || c.name === 'dezi_registratie'));

      const confirm = await visser.submit(preferred, '/middelen/ontkoppelen', {}, NEVER);
      assert.match(confirm.body, /Testmiddel ontkoppelen\?/);
      assert.equal(
        (await dezi.register.listLinkedMeans(visserPerson.id)).length,
        1,
        'not before confirmation',
      );
      const unlinked = await visser.submit(confirm, '/middelen/ontkoppelen', {}, NEVER);
      assert.match(unlinked.url, /melding=ontkoppeld/);
      assert.equal((await dezi.register.listLinkedMeans(visserPerson.id)).length, 0);
      assert.equal(
        await dezi.register.findPersonBySubject({
          kind: 'linked',
          meansId: testMeans.id,
          subject: 'visser-subject',
        }),
        null,
      );
    });
  });
