// Who may use beheer, checked on the server for every page and every post: an operator (from the
// configuration or the operators table) whose person is active gets in; an abonnee administrator and
// a plain person get 403 (audited) and change nothing; a browser without a session is sent to the
// login; a post without the session's CSRF token, or from another origin, is refused. No page of
// beheer shows a BSN.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SYSTEM } from '../src/audit/audit.ts';
import { Operators } from '../src/portal/beheer/operators.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { Browser, findForm } from './helpers/browser.ts';
import {
  assertNoBsn,
  auditOf,
  beheerLogin,
  JANSEN,
  OPERATOR,
  OPERATOR_CONFIG,
  operatorBrowser,
  SMIT,
} from './helpers/beheer.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { registerRp, type TestRp } from './helpers/rp.ts';

/** Raw values and English words a Dutch page must not show (code, such as an action name, aside). */
const ENGLISH_WORDS =
  /\b(active|suspended|ended|enabled|disabled|success|failure|high|substantial|low|yes|search|save|cancel|add)\b/gi;

/** What a person reads: the text outside tags and code, entities decoded. */
function visibleText(body: string): string {
  return body
    .replace(/<(script|style|code)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

const VISSER = SEED_PERSONS.find((p) => p.achternaam === 'Visser')!;
const MULDER = SEED_PERSONS.find((p) => p.achternaam === 'Mulder')!;

for (const backend of BACKENDS)
  describe(`beheer: access (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    withDezi(backend, { config: OPERATOR_CONFIG }, async (f) => {
      dezi = f.dezi;
      rp = await registerRp(dezi.url);
    });

    const pages = () => [
      '/beheer',
      '/beheer/abonnees',
      '/beheer/abonnees?q=Linde',
      '/beheer/personen',
      `/beheer/personen/${SMIT.deziNummer}`,
      '/beheer/zorgapplicaties',
      '/beheer/zorgapplicaties/nieuw',
      `/beheer/zorgapplicaties/${rp.clientId}`,
      '/beheer/inlogmiddelen',
      `/beheer/inlogmiddelen/beleid/${rp.clientId}`,
      '/beheer/facturen',
      '/beheer/facturen?status=overdue&abonnee=90000111',
      '/beheer/audit',
      `/beheer/audit?person=${SMIT.deziNummer}`,
    ];
    const posts = (): [string, Record<string, string>][] => [
      ['/beheer/abonnees/nieuw', { nummer: '91000001', naam: 'Nooit', kvk: '12345678' }],
      ['/beheer/abonnees/90000111/schorsen', { bevestigd: 'ja' }],
      ['/beheer/abonnees/90000111/activeren', {}],
      ['/beheer/personen/zoeken', { q: 'Smit' }],
      [`/beheer/personen/${SMIT.deziNummer}/schorsen`, { bevestigd: 'ja' }],
      [`/beheer/personen/${SMIT.deziNummer}/activeren`, {}],
      [
        `/beheer/personen/${SMIT.deziNummer}/naam`,
        { voorletters: 'X.', voorvoegsel: '', achternaam: 'Nooit' },
      ],
      [
        '/beheer/zorgapplicaties/nieuw',
        { naam: 'Nooit', redirectUris: 'https://nooit.test/cb', soort: 'publiek' },
      ],
      [
        `/beheer/zorgapplicaties/${rp.clientId}/wijzigen`,
        { naam: 'Nooit', redirectUris: 'https://nooit.test/cb' },
      ],
      [`/beheer/zorgapplicaties/${rp.clientId}/uitschakelen`, { bevestigd: 'ja' }],
      [`/beheer/zorgapplicaties/${rp.clientId}/inschakelen`, {}],
      ['/beheer/inlogmiddelen/testmiddel/uit', { bevestigd: 'ja' }],
      ['/beheer/inlogmiddelen/testmiddel/aan', {}],
      [`/beheer/inlogmiddelen/beleid/${rp.clientId}`, { 'regel-digid': 'toestaan' }],
      ['/beheer/audit', { action: 'login' }],
      ['/beheer/audit/export', { action: 'login' }],
      ['/beheer/audit/controleren', {}],
      ['/beheer/facturen/maken', { periode_run: '2020-01' }],
      ['/beheer/facturen/herinneren', {}],
      ['/beheer/facturen/DEZI-2020-000001/betaling', { bedrag: '1,00', datum: '2020-02-01' }],
    ];

    /** Nothing any refused post could have changed did change. */
    async function assertUnchanged() {
      assert.equal((await dezi.register.findAbonnee('90000111'))!.status, 'active');
      assert.equal(await dezi.register.findAbonnee('91000001'), null);
      const smit = (await dezi.register.findPersonByDeziNummer(SMIT.deziNummer))!;
      assert.deepEqual([smit.status, smit.achternaam], ['active', 'Smit']);
      assert.ok(dezi.means.isEnabled('testmiddel'));
      const [client] = await dezi.db.query<{
        payload: { client_name: string; dezi_allowed_means?: unknown };
      }>("SELECT payload FROM oidc_payloads WHERE model = 'Client' AND id = $1", [rp.clientId]);
      assert.equal(client!.payload.client_name, 'Testzorgapplicatie');
      assert.equal(client!.payload.dezi_allowed_means, undefined);
      const disabled = await dezi.db.query('SELECT 1 FROM oidc_disabled_clients');
      assert.equal(disabled.length, 0);
      const nooit = await dezi.db.query(
        "SELECT 1 FROM oidc_payloads WHERE model = 'Client' AND payload->>'client_name' = 'Nooit'",
      );
      assert.equal(nooit.length, 0);
      const invoices = await dezi.db.query('SELECT 1 FROM invoices');
      assert.equal(invoices.length, 0, 'no invoice made');
    }

    test('without a session every page and every post leads to the login', async () => {
      const browser = new Browser();
      for (const path of pages()) {
        const res = await browser.request(`${dezi.url}${path}`);
        assert.equal(res.status, 303, path);
        assert.equal(res.location, `${dezi.url}/beheer/inloggen`, path);
      }
      for (const [path, form] of posts()) {
        const res = await browser.request(`${dezi.url}${path}`, { form });
        assert.equal(res.status, 303, path);
        assert.equal(res.location, `${dezi.url}/beheer/inloggen`, path);
      }
      // The login is Dezi's own, at LoA high.
      const login = await browser.request(`${dezi.url}/beheer/inloggen`);
      assert.equal(login.status, 303);
      const authorize = new URL(login.location!);
      assert.equal(authorize.pathname, '/authorize');
      assert.equal(authorize.searchParams.get('acr_values'), 'http://eidas.europa.eu/LoA/high');
      await assertUnchanged();
    });

    for (const [who, person] of [
      ['an abonnee administrator (Jansen)', JANSEN],
      ['a plain person', SMIT],
    ] as const)
      test(`${who} gets 403 on every page and post, with a valid CSRF token, and nothing changes`, async () => {
        const { browser, page } = await beheerLogin(dezi.url, person.bsn);
        assert.equal(page.status, 403);
        assert.match(page.body, /Geen toegang tot beheer/);
        // The CSRF token of their own portal session: the refusal is the authorisation's, not the token's.
        const mijn = await browser.goto(`${dezi.url}/mijn-dezi`);
        const { csrf } = findForm(mijn.body, '/mijn-dezi/uitloggen').fields;
        assert.ok(csrf);
        for (const path of pages()) {
          const res = await browser.request(`${dezi.url}${path}`);
          assert.equal(res.status, 403, path);
          assert.match(res.body, /Geen toegang tot beheer/, path);
        }
        for (const [path, form] of posts()) {
          const res = await browser.request(`${dezi.url}${path}`, { form: { ...form, csrf } });
          assert.equal(res.status, 403, path);
          assert.ok(!res.headers['content-type']?.includes('text/csv'), path);
        }
        await assertUnchanged();
        const refusals = await auditOf(dezi.db, 'beheer.access');
        assert.ok(
          refusals.filter((r) => r.actor === person.deziNummer).length >= pages().length + posts().length,
          'every refusal is audited',
        );
        assert.ok(refusals.every((r) => r.outcome === 'failure' && r.detail.reason === 'not_an_operator'));
        assertNoBsn(browser);
      });

    test('an operator from the configuration gets in; every page answers 200 without a BSN or an English word', async () => {
      const browser = await operatorBrowser(dezi.url);
      for (const path of pages()) {
        const res = await browser.request(`${dezi.url}${path}`);
        assert.equal(res.status, 200, `${path}: ${res.body.slice(0, 400)}`);
        assert.match(res.body, /<nav aria-label="Onderdelen van beheer">/, path);
        const english = visibleText(res.body).match(ENGLISH_WORDS);
        assert.equal(english, null, `${path} shows ${JSON.stringify(english)}`);
        const en = await browser.request(`${dezi.url}${path}${path.includes('?') ? '&' : '?'}lang=en`);
        assert.equal(en.status, 200, path);
        assert.match(en.body, /<html lang="en">/);
        await browser.request(`${dezi.url}/beheer?lang=nl`);
      }
      // Searches that list persons, and a post that renders a page: still no BSN.
      await browser.submit(await browser.goto(`${dezi.url}/beheer/personen`), '/beheer/personen/zoeken', {
        q: 'e',
      });
      await browser.submit(await browser.goto(`${dezi.url}/beheer/personen`), '/beheer/personen/zoeken', {
        q: 'van',
      });
      for (const p of SEED_PERSONS) await browser.goto(`${dezi.url}/beheer/personen/${p.deziNummer}`);
      await browser.submit(await browser.goto(`${dezi.url}/beheer/audit`), '/beheer/audit', {
        action: 'login',
      });
      assertNoBsn(browser);
    });

    test('a post without the CSRF token, with another session’s token, or from another origin is refused', async () => {
      const browser = await operatorBrowser(dezi.url);
      const other = await operatorBrowser(dezi.url);
      const tokenOf = async (b: Browser) =>
        findForm((await b.goto(`${dezi.url}/beheer/personen`)).body, '/beheer/personen/zoeken').fields.csrf!;
      const csrf = await tokenOf(browser);
      const otherCsrf = await tokenOf(other);
      assert.notEqual(csrf, otherCsrf);
      const form = { nummer: '91000001', naam: 'Nooit', kvk: '12345678' };
      for (const [what, extra, headers] of [
        ['no token', {}, {}],
        ['a wrong token', { csrf: 'x'.repeat(43) }, {}],
        ["another session's token", { csrf: otherCsrf }, {}],
        ['another origin', { csrf }, { origin: 'https://evil.example' }],
      ] as const) {
        const res = await browser.request(`${dezi.url}/beheer/abonnees/nieuw`, {
          form: { ...form, ...extra },
          headers,
        });
        assert.equal(res.status, 403, what);
        assert.match(res.body, /Ongeldig verzoek/, what);
      }
      // A multipart post is checked alike.
      const multipart = new FormData();
      multipart.set('naam', 'Nooit');
      multipart.set('redirectUris', 'https://nooit.test/cb');
      multipart.set('soort', 'publiek');
      const cookie = browser
        .cookies()
        .map((c) => `${c.name}=${c.value}`)
        .join('; ');
      const res = await fetch(`${dezi.url}/beheer/zorgapplicaties/nieuw`, {
        method: 'POST',
        body: multipart,
        headers: { cookie, accept: 'text/html' },
        redirect: 'manual',
      });
      assert.equal(res.status, 403);
      await assertUnchanged();
      // With the token the same post goes through.
      const ok = await browser.request(`${dezi.url}/beheer/abonnees/nieuw`, { form: { ...form, csrf } });
      assert.equal(ok.status, 303);
      assert.equal((await dezi.register.findAbonnee('91000001'))!.naam, 'Nooit');
    });

    test('an operator added to the table gets in; removed, or suspended, they are out at once', async () => {
      const operators = new Operators(dezi.db, []);
      assert.equal(
        await operators.add(dezi.register, VISSER.deziNummer, { kind: 'operator', name: 'test' }),
        true,
      );
      assert.equal(
        await operators.add(dezi.register, VISSER.deziNummer, { kind: 'operator', name: 'test' }),
        false,
      );
      const { browser, page } = await beheerLogin(dezi.url, VISSER.bsn);
      assert.equal(page.status, 200, page.body.slice(0, 500));
      assert.match(page.body, /<h1(?: class="[^"]*")?>Beheer<\/h1>/);
      const [added] = await auditOf(dezi.db, 'beheer.operator.add');
      assert.deepEqual([added!.actor, added!.target], ['operator:test', `person:${VISSER.deziNummer}`]);

      assert.equal(await operators.remove(VISSER.deziNummer, { kind: 'operator', name: 'test' }), true);
      assert.equal((await browser.request(`${dezi.url}/beheer/abonnees`)).status, 403);
      const [removed] = await auditOf(dezi.db, 'beheer.operator.remove');
      assert.equal(removed!.target, `person:${VISSER.deziNummer}`);

      // An operator whose person is suspended has no session that counts: back to the login.
      await operators.add(dezi.register, MULDER.deziNummer, SYSTEM);
      const mulder = await beheerLogin(dezi.url, MULDER.bsn);
      assert.equal(mulder.page.status, 200);
      const person = (await dezi.register.findPersonByDeziNummer(MULDER.deziNummer))!;
      await dezi.register.setPersonStatus(person.id, 'suspended', SYSTEM);
      const after = await mulder.browser.request(`${dezi.url}/beheer`);
      assert.equal(after.status, 303);
      assert.equal(after.location, `${dezi.url}/beheer/inloggen`);
      await dezi.register.setPersonStatus(person.id, 'active', SYSTEM);
      await operators.remove(MULDER.deziNummer, SYSTEM);
    });

    test('the operator is named on the start page, and the start page links every part', async () => {
      const browser = await operatorBrowser(dezi.url);
      const start = await browser.goto(`${dezi.url}/beheer`);
      assert.match(start.body, new RegExp(`Dezi-nummer ${OPERATOR.deziNummer}`));
      for (const href of [
        '/beheer/abonnees',
        '/beheer/personen',
        '/beheer/zorgapplicaties',
        '/beheer/inlogmiddelen',
        '/beheer/audit',
      ])
        assert.match(start.body, new RegExp(`href="${href}"`));
      const [login] = await dezi.db.query<{ detail: { purpose: string } }>(
        "SELECT detail FROM audit_events WHERE action = 'portal.login' AND actor = $1 ORDER BY id DESC LIMIT 1",
        [OPERATOR.deziNummer],
      );
      assert.equal(login!.detail.purpose, 'beheer');
    });
  });
