// Beheer, persons: found by Dezi-nummer or by name, never by BSN (a BSN finds nobody and is not shown
// back, nor put in a URL or the audit trail); a person's page with names, employments and means;
// suspend after confirming (the person's verklaringen are revoked, they cannot log in), activate
// again; record a name change (the old name in the history). Never the operator themself. Each read
// and change is audited with the operator as actor.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { Browser, findForm } from './helpers/browser.ts';
import { assertNoBsn, auditOf, OPERATOR, OPERATOR_CONFIG, operatorBrowser } from './helpers/beheer.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { login } from './helpers/login.ts';
import { registerRp, type TestRp } from './helpers/rp.ts';

const OPERATOR_ACTOR = `operator:${OPERATOR.deziNummer}`;
const seed = (achternaam: string) => SEED_PERSONS.find((p) => p.achternaam === achternaam)!;
const DE_VRIES = seed('Vries');
const BERG = seed('Berg');
const SMIT = seed('Smit');

/** The Dezi-nummers in the result table. */
const found = (body: string) =>
  [...body.matchAll(/<td(?: class="[^"]*")?><a(?: class="[^"]*")? href="\/beheer\/personen\/(\d{9})">/g)].map(
    (m) => m[1],
  );

for (const backend of BACKENDS)
  describe(`beheer: persons (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    let browser: Browser;
    withDezi(backend, { config: OPERATOR_CONFIG }, async (f) => {
      dezi = f.dezi;
      rp = await registerRp(dezi.url);
      browser = await operatorBrowser(dezi.url);
    });

    const search = async (q: string) =>
      browser.submit(await browser.goto(`${dezi.url}/beheer/personen`), '/beheer/personen/zoeken', { q });

    test('find by Dezi-nummer and by name; the search is a post, so nothing typed is in a URL', async () => {
      const byNummer = await search(DE_VRIES.deziNummer);
      assert.equal(byNummer.status, 200);
      assert.equal(byNummer.method, 'POST');
      assert.deepEqual(found(byNummer.body), [DE_VRIES.deziNummer]);
      assert.match(byNummer.body, /S\.M\. de Vries/);

      assert.deepEqual(found((await search('de Vries')).body), [DE_VRIES.deziNummer]);
      assert.deepEqual(found((await search('VAN DEN BERG')).body), [BERG.deziNummer]);
      const vs = found((await search('v')).body);
      assert.equal(vs.length, 0, 'a single letter is too short');
      const many = found((await search('en')).body);
      assert.ok(many.includes(seed('Jansen').deziNummer) && many.includes(seed('Hendriks').deziNummer));

      const [audit] = await auditOf(dezi.db, 'beheer.person.search');
      assert.equal(audit!.actor, OPERATOR_ACTOR);
      assert.deepEqual(audit!.detail, { by: 'name', query: 'en', results: many.length });
    });

    test('a BSN finds nobody, is not shown back, and is not recorded', async () => {
      const res = await search(SMIT.bsn);
      assert.equal(res.status, 200);
      assert.deepEqual(found(res.body), []);
      assert.match(res.body, /Geen persoon gevonden/);
      assert.ok(!res.body.includes(SMIT.bsn), 'the BSN is not shown back');
      const [audit] = await auditOf(dezi.db, 'beheer.person.search');
      assert.deepEqual(audit!.detail, { by: 'dezi_nummer', query: null, results: 0 });
      const all = await dezi.db.query<{ t: string }>('SELECT row_to_json(a)::text AS t FROM audit_events a');
      assert.ok(!all.some((r) => r.t.includes(SMIT.bsn)), 'no BSN in the audit trail');
      assert.ok(!dezi.logs.text().includes(SMIT.bsn), 'no BSN in the log');

      for (const q of ['12345', '9999900 07', 'Smit1', '']) {
        const wrong = await search(q);
        assert.equal(wrong.status, 400, q);
        assert.match(wrong.body, /<title>Fout: Personen · Dezi<\/title>/);
        assert.match(wrong.body, /id="q-error"/);
        assert.match(wrong.body, /<input[^>]*id="q"[^>]*value=""/s, `${q} is not shown back`);
      }
      assertNoBsn(browser);
    });

    test("a person's page: name, status, employments; never the BSN; the read is audited", async () => {
      const page = await browser.goto(`${dezi.url}/beheer/personen/${seed('Amrani').deziNummer}`);
      assert.equal(page.status, 200);
      assert.match(page.body, /<h1(?: class="[^"]*")?>F\. el Amrani<\/h1>/);
      assert.match(page.body, /Huisartsenpraktijk De Linde/);
      assert.match(page.body, /Gezondheidscentrum Zuidwijk/);
      assert.ok(!page.body.includes(seed('Amrani').bsn));
      const [read] = await auditOf(dezi.db, 'register.person.read');
      assert.deepEqual([read!.actor, read!.target], [OPERATOR_ACTOR, `person:${seed('Amrani').deziNummer}`]);
      for (const nummer of ['999999999', '12345']) {
        const missing = await browser.goto(`${dezi.url}/beheer/personen/${nummer}`);
        assert.equal(missing.status, 404, nummer);
      }
    });

    test('suspend after confirming: no login, verklaringen revoked; activate again', async () => {
      const before = await login(rp, BERG.bsn);
      assert.ok(new URL(before.final.location!).searchParams.has('code'));
      const page = await browser.goto(`${dezi.url}/beheer/personen/${BERG.deziNummer}`);
      const confirm = await browser.submit(page, `/beheer/personen/${BERG.deziNummer}/schorsen`);
      assert.match(confirm.body, /Persoon schorsen\?/);
      assert.equal((await dezi.register.findPersonByDeziNummer(BERG.deziNummer))!.status, 'active');
      const done = await browser.submit(confirm, `/beheer/personen/${BERG.deziNummer}/schorsen`);
      assert.match(done.url, /melding=geschorst$/);
      assert.match(done.body, /De persoon is geschorst/);
      assert.equal((await dezi.register.findPersonByDeziNummer(BERG.deziNummer))!.status, 'suspended');
      const refused = await login(rp, BERG.bsn);
      assert.equal(refused.final.status, 403);
      assert.match(refused.final.body, /Uw zorgidentiteit is niet actief/);
      const [set] = await auditOf(dezi.db, 'register.person.set_status');
      assert.deepEqual(
        [set!.actor, set!.target, set!.detail.to],
        [OPERATOR_ACTOR, `person:${BERG.deziNummer}`, 'suspended'],
      );
      const [revoked] = await dezi.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM verklaringen v JOIN persons p ON p.id = v.person_id WHERE p.dezi_nummer = $1 AND v.revoked_at IS NOT NULL',
        [BERG.deziNummer],
      );
      assert.ok(revoked!.n >= 1, 'the verklaring of the earlier login is revoked');

      const activated = await browser.submit(done, `/beheer/personen/${BERG.deziNummer}/activeren`);
      assert.match(activated.url, /melding=geactiveerd$/);
      const again = await login(rp, BERG.bsn);
      assert.ok(new URL(again.final.location!).searchParams.has('code'));
    });

    test('the operator cannot suspend themself', async () => {
      const page = await browser.goto(`${dezi.url}/beheer/personen/${OPERATOR.deziNummer}`);
      assert.match(page.body, /U kunt uzelf niet schorsen/);
      assert.doesNotMatch(page.body, /\/schorsen"/);
      const { csrf } = findForm(page.body, '/naam').fields;
      const res = await browser.request(`${dezi.url}/beheer/personen/${OPERATOR.deziNummer}/schorsen`, {
        form: { csrf: csrf!, bevestigd: 'ja' },
      });
      assert.equal(res.status, 409);
      assert.equal((await dezi.register.findPersonByDeziNummer(OPERATOR.deziNummer))!.status, 'active');
    });

    test('record a name change: errors keep the input, the old name stays in the history', async () => {
      const bakker = seed('Bakker');
      const page = await browser.goto(`${dezi.url}/beheer/personen/${bakker.deziNummer}`);
      const wrong = await browser.submit(page, `/beheer/personen/${bakker.deziNummer}/naam`, {
        voorletters: '12',
        voorvoegsel: '',
        achternaam: 'de Boer',
      });
      assert.equal(wrong.status, 400);
      assert.match(wrong.body, /<a(?: class="[^"]*")? href="#voorletters">/);
      assert.match(wrong.body, /value="de Boer"/);
      assert.equal((await dezi.register.findPersonByDeziNummer(bakker.deziNummer))!.achternaam, 'Bakker');

      const done = await browser.submit(wrong, `/beheer/personen/${bakker.deziNummer}/naam`, {
        voorletters: 'a',
        voorvoegsel: 'de',
        achternaam: 'Boer',
      });
      assert.match(done.url, /melding=hernoemd$/);
      assert.match(done.body, /<h1(?: class="[^"]*")?>A\. de Boer<\/h1>/);
      assert.match(done.body, /<td(?: class="[^"]*")?>A\. Bakker<\/td>/, 'the old name in the history');
      assert.match(
        done.body,
        new RegExp(`<code(?: class="[^"]*")?>${OPERATOR_ACTOR}</code>`),
        'changed by the operator',
      );
      const person = (await dezi.register.findPersonByDeziNummer(bakker.deziNummer))!;
      assert.deepEqual([person.voorletters, person.voorvoegsel, person.achternaam], ['A.', 'de', 'Boer']);
      const [changed] = await auditOf(dezi.db, 'register.person.change_name');
      assert.deepEqual([changed!.actor, changed!.target], [OPERATOR_ACTOR, `person:${bakker.deziNummer}`]);
      assertNoBsn(browser);
    });
  });
