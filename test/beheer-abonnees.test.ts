// Beheer, abonnees: the operator finds abonnees by number and by name, adds one (a form with errors
// keeps what was typed and says what is wrong at the top and at the field), suspends one after
// confirming (its verklaringen are revoked: no login on its behalf) and activates it again. Each
// change is in the audit trail with the operator as actor.
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
const DE_JONG = SEED_PERSONS.find((p) => p.achternaam === 'Jong')!; // tandarts at 90000777

/** The rows of the abonnee table: [URA, naam, status]. */
function rows(body: string): string[][] {
  const tbody = /<tbody(?: class="[^"]*")?>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? '';
  return [...tbody.matchAll(/<tr(?: class="[^"]*")?>([\s\S]*?)<\/tr>/g)].map(([, tr]) =>
    [...tr!.matchAll(/<td(?: class="[^"]*")?>([\s\S]*?)<\/td>/g)]
      .slice(0, 5)
      .map(([, td]) => td!.replace(/<[^>]*>/g, '').trim())
      .filter((_, i) => i !== 2 && i !== 3),
  );
}

for (const backend of BACKENDS)
  describe(`beheer: abonnees (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    let browser: Browser;
    withDezi(backend, { config: OPERATOR_CONFIG }, async (f) => {
      dezi = f.dezi;
      rp = await registerRp(dezi.url);
      browser = await operatorBrowser(dezi.url);
    });

    test('search by abonnee-nummer and by part of the name; without a query, all by name', async () => {
      const byNummer = await browser.goto(`${dezi.url}/beheer/abonnees?q=90000222`);
      assert.equal(byNummer.status, 200);
      assert.deepEqual(rows(byNummer.body), [['90000222', 'Gezondheidscentrum Zuidwijk', 'actief']]);
      const byName = await browser.goto(`${dezi.url}/beheer/abonnees?q=rivierenland`);
      assert.deepEqual(
        rows(byName.body).map((r) => r[0]),
        ['90000333', '90000666'],
      );
      const all = await browser.goto(`${dezi.url}/beheer/abonnees`);
      assert.equal(rows(all.body).length, 8);
      assert.equal(rows(all.body)[0]![1], 'Ambulancezorg Gelderland-Zuid');
      const none = await browser.goto(`${dezi.url}/beheer/abonnees?q=${encodeURIComponent('%_')}`);
      assert.match(none.body, /Geen abonnee gevonden/);
      const [search] = await auditOf(dezi.db, 'beheer.abonnee.search');
      assert.equal(search!.actor, OPERATOR_ACTOR);
      assert.equal(search!.actor_kind, 'operator');
    });

    test('add an abonnee; a wrong form keeps the input and names each problem', async () => {
      const page = await browser.goto(`${dezi.url}/beheer/abonnees`);
      const wrong = await browser.submit(page, '/beheer/abonnees/nieuw', {
        nummer: '1234',
        naam: 'Huisartsen Oost',
        kvk: 'abc',
        agb: '12',
      });
      assert.equal(wrong.status, 400);
      assert.match(wrong.body, /<title>Fout: Abonnees · Dezi<\/title>/);
      assert.match(wrong.body, /Er is een probleem met uw invoer/);
      for (const id of ['nummer', 'kvk', 'agb']) {
        assert.match(wrong.body, new RegExp(`<a(?: class="[^"]*")? href="#${id}">`), id);
        assert.match(wrong.body, new RegExp(`id="${id}-error"`), id);
      }
      assert.doesNotMatch(wrong.body, /href="#naam"/);
      assert.match(wrong.body, /value="Huisartsen Oost"/, 'the input is kept');
      assert.equal(await dezi.register.findAbonnee('91000111'), null);

      const added = await browser.submit(wrong, '/beheer/abonnees/nieuw', {
        nummer: '91000111',
        naam: 'Huisartsen Oost',
        kvk: '59100111',
        agb: '',
      });
      assert.equal(added.status, 200);
      assert.match(added.url, /\/beheer\/abonnees\?q=91000111&melding=toegevoegd$/);
      assert.match(added.body, /De abonnee is toegevoegd/);
      assert.deepEqual(rows(added.body), [['91000111', 'Huisartsen Oost', 'actief']]);
      const abonnee = (await dezi.register.findAbonnee('91000111'))!;
      assert.deepEqual([abonnee.naam, abonnee.kvk, abonnee.agb], ['Huisartsen Oost', '59100111', null]);
      const [created] = await auditOf(dezi.db, 'register.abonnee.create');
      assert.deepEqual(
        [created!.actor, created!.actor_kind, created!.target],
        [OPERATOR_ACTOR, 'operator', 'abonnee:91000111'],
      );

      const twice = await browser.submit(added, '/beheer/abonnees/nieuw', {
        nummer: '91000111',
        naam: 'Nog eens',
        kvk: '59100111',
      });
      assert.equal(twice.status, 400);
      assert.match(twice.body, /Er is al een abonnee met dit abonneenummer/);
      assert.equal((await dezi.register.findAbonnee('91000111'))!.naam, 'Huisartsen Oost');
    });

    test('suspend after confirming: the verklaringen go and no login on its behalf; activate again', async () => {
      const before = await login(rp, DE_JONG.bsn);
      assert.ok(before.final.location?.startsWith(rp.redirectUri), 'De Jong logs in at 90000777');
      assert.ok(new URL(before.final.location!).searchParams.has('code'));

      const page = await browser.goto(`${dezi.url}/beheer/abonnees?q=90000777`);
      const confirm = await browser.submit(page, '/beheer/abonnees/90000777/schorsen');
      assert.equal(confirm.status, 200);
      assert.match(confirm.body, /Abonnee schorsen\?/);
      assert.match(confirm.body, /Tandartspraktijk Mondzorg Centrum \(URA 90000777\)/);
      assert.equal((await dezi.register.findAbonnee('90000777'))!.status, 'active', 'not before confirming');

      const done = await browser.submit(confirm, '/beheer/abonnees/90000777/schorsen');
      assert.match(done.url, /melding=geschorst$/);
      assert.deepEqual(rows(done.body), [['90000777', 'Tandartspraktijk Mondzorg Centrum', 'geschorst']]);
      assert.equal((await dezi.register.findAbonnee('90000777'))!.status, 'suspended');
      const [suspended] = await auditOf(dezi.db, 'register.abonnee.set_status');
      assert.deepEqual(
        [suspended!.actor, suspended!.target, suspended!.detail.to],
        [OPERATOR_ACTOR, 'abonnee:90000777', 'suspended'],
      );

      const refused = await login(rp, DE_JONG.bsn);
      assert.equal(refused.final.status, 403, 'no login for a suspended abonnee');
      assert.match(refused.final.body, /Geen actieve koppeling/);

      const activated = await browser.submit(done, '/beheer/abonnees/90000777/activeren');
      assert.match(activated.url, /melding=geactiveerd$/);
      assert.equal((await dezi.register.findAbonnee('90000777'))!.status, 'active');
      const again = await login(rp, DE_JONG.bsn);
      assert.ok(new URL(again.final.location!).searchParams.has('code'));
      const [active] = await auditOf(dezi.db, 'register.abonnee.set_status');
      assert.equal(active!.detail.to, 'active');
      assert.equal(active!.actor, OPERATOR_ACTOR);
    });

    test('an unknown or malformed abonnee is not found', async () => {
      const csrf = findForm(
        (await browser.goto(`${dezi.url}/beheer/personen`)).body,
        '/beheer/personen/zoeken',
      ).fields.csrf!;
      for (const nummer of ['99999999', '1234', 'x'.repeat(8)]) {
        const res = await browser.request(`${dezi.url}/beheer/abonnees/${nummer}/schorsen`, {
          form: { csrf, bevestigd: 'ja' },
        });
        assert.equal(res.status, 404, nummer);
        assert.match(res.body, /Niet gevonden/);
      }
      assertNoBsn(browser);
    });
  });
