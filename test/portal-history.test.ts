// Mijn Dezi over HTTP: "Mijn inlogs" after real logins (the person's own only), "Mijn verklaringen"
// with each status, declining an invitation, the "which means do you want to link?" step and the
// confirmation before unlinking.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EIDAS_MEANS_ID } from '../src/means/eidas/eidas.ts';
import { recordAudit } from '../src/audit/audit.ts';
import { YIVI_MEANS_ID } from '../src/means/yivi/yivi.ts';
import { ZIEKENHUISPAS_MEANS_ID, ZORGID_MEANS_ID } from '../src/proeftuin/oidc-means-op.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { Invitations } from '../src/register/invitations.ts';
import { Browser, findForm, pageText } from './helpers/browser.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { linkedTestMeans } from './helpers/linked-means.ts';
import { codeIssued, digidLogin, login, mijnDeziLogin } from './helpers/login.ts';
import { DIGID, offeredMeans, TEST_MEANS } from './helpers/means.ts';
import type { TestRp } from './helpers/rp.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;
const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!; // De Linde and Zuidwijk
const BOS = SEED_PERSONS.find((p) => p.achternaam === 'Bos')!; // no employment
const VISSER = SEED_PERSONS.find((p) => p.achternaam === 'Visser')!;
const SMIT = SEED_PERSONS.find((p) => p.achternaam === 'Smit')!;
const NEVER = 'http://never.invalid/';

const text = pageText;
/** The rows of a page's table, each as its cells' text. */
const rows = (body: string) =>
  [...body.matchAll(/<tr(?: class="[^"]*")?>\s*<td(?: class="[^"]*")?>([\s\S]*?)<\/tr>/g)].map((m) =>
    m[0]
      .split(/<td(?: class="[^"]*")?>/)
      .slice(1)
      .map((c) => text(c).trim()),
  );

for (const backend of BACKENDS)
  describe(`Mijn Dezi: logins, verklaringen, invitations and means (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    const testMeans = linkedTestMeans();
    withDezi(backend, { rp: true }, (f) => {
      ({ dezi, rp } = f);
      dezi.means.register(testMeans);
    });

    const mijnDezi = (bsn: string) => mijnDeziLogin(dezi.url, bsn);

    test("my logins: after two real logins the person's own, newest first, with where, as what and how", async () => {
      // Amrani at Zuidwijk, then at De Linde (the choice lists them by name); Jansen and Bos too.
      const first = await login(rp, AMRANI.bsn, { choose: (v) => v[0]! });
      const second = await login(rp, AMRANI.bsn, { choose: (v) => v[1]! });
      assert.ok(codeIssued(first.browser, rp.redirectUri) && codeIssued(second.browser, rp.redirectUri));
      await login(rp, JANSEN.bsn);
      const refused = await login(rp, BOS.bsn);
      assert.equal(refused.final.status, 403, 'Bos has no employment');

      const { browser, page } = await mijnDezi(AMRANI.bsn);
      assert.match(page.body, /href="\/mijn-dezi\/inlogs"/);
      assert.match(page.body, /href="\/mijn-dezi\/verklaringen"/);
      const logins = await browser.goto(`${dezi.url}/mijn-dezi/inlogs`);
      assert.equal(logins.status, 200);
      assert.match(text(logins.body), /Uw inlogs \(3\), nieuwste eerst/);
      assert.deepEqual(
        rows(logins.body).map((r) => r.slice(1)),
        [
          ['Mijn Dezi of abonneeportaal', '—', 'DigiD (proeftuin)', 'gelukt'],
          [
            'Testzorgapplicatie',
            'Huisartsenpraktijk De Linde (URA 90000111), Huisarts (01.015)',
            'DigiD (proeftuin)',
            'gelukt',
          ],
          [
            'Testzorgapplicatie',
            'Gezondheidscentrum Zuidwijk (URA 90000222), Huisarts (01.015)',
            'DigiD (proeftuin)',
            'gelukt',
          ],
        ],
      );
      assert.match(
        rows(logins.body)[0]![0]!,
        /^\d{1,2} [a-z]+ \d{4} om \d{2}:\d{2}$/,
        'when, in Dutch time and words',
      );
      const en = await browser.goto(`${dezi.url}/mijn-dezi/inlogs?lang=en`);
      assert.match(text(en.body), /Your logins \(3\), newest first/);
      assert.match(text(en.body), /succeeded/);
      assert.doesNotMatch(text(en.body), /gelukt|Uw inlogs/);

      // Bos sees his refused login; nobody sees another's.
      const bos = await mijnDezi(BOS.bsn);
      const bosLogins = rows((await bos.browser.goto(`${dezi.url}/mijn-dezi/inlogs?lang=nl`)).body);
      assert.deepEqual(
        bosLogins.map((r) => [r[1], r[4]]),
        [
          ['Mijn Dezi of abonneeportaal', 'gelukt'],
          ['Testzorgapplicatie', 'niet gelukt'],
        ],
      );

      // A page at a time: a person with many logins.
      const jansen = await mijnDezi(JANSEN.bsn);
      for (let i = 0; i < 20; i++)
        await recordAudit(dezi.db, {
          actor: JANSEN.deziNummer,
          action: 'login',
          outcome: 'success',
          abonneeNummer: '90000111',
          clientId: rp.clientId,
          detail: { means: DIGID, rol_code: '01.015' },
        });
      const pageOne = await jansen.browser.goto(`${dezi.url}/mijn-dezi/inlogs`);
      assert.match(text(pageOne.body), /Uw inlogs \(22\)/);
      assert.equal(rows(pageOne.body).length, 20);
      assert.match(pageOne.body, /href="\/mijn-dezi\/inlogs\?pagina=2" rel="next"/);
      assert.equal(rows((await jansen.browser.goto(`${dezi.url}/mijn-dezi/inlogs?pagina=2`)).body).length, 2);

      const anonymous = await new Browser().request(`${dezi.url}/mijn-dezi/inlogs`);
      assert.equal(anonymous.status, 303);
      assert.equal(anonymous.location, `${dezi.url}/mijn-dezi`);
    });

    test('my verklaringen: each with the abonnee, role and status (actief, ingetrokken with why, verlopen)', async () => {
      const { browser } = await mijnDezi(AMRANI.bsn);
      const page = await browser.goto(`${dezi.url}/mijn-dezi/verklaringen`);
      assert.match(text(page.body), /Uw verklaringen \(2\)/);
      assert.deepEqual(
        rows(page.body)
          .map((r) => [r[0], r[1], r[3]])
          .sort(),
        [
          ['Gezondheidscentrum Zuidwijk (URA 90000222)', 'Huisarts (01.015)', 'actief'],
          ['Huisartsenpraktijk De Linde (URA 90000111)', 'Huisarts (01.015)', 'actief'],
        ],
      );
      // Zuidwijk ends her employment: revoked. The De Linde one has run out (as if months passed).
      const amrani = (await dezi.register.findPersonByDeziNummer(AMRANI.deziNummer))!;
      const atZuidwijk = (await dezi.register.employmentsOfPerson(amrani.id)).find(
        (e) => e.abonnee.abonneeNummer === '90000222',
      )!;
      await dezi.register.endEmployment(atZuidwijk.id, { kind: 'operator', name: 'test' });
      await dezi.db.query(
        `UPDATE verklaringen SET expires_at = now() - interval '1 day', not_before = now() - interval '92 days'
         WHERE person_id = $1 AND abonnee_id <> $2`,
        [amrani.id, atZuidwijk.abonnee.id],
      );
      const after = await browser.goto(`${dezi.url}/mijn-dezi/verklaringen`);
      const statuses = new Map(rows(after.body).map((r) => [r[0]!.split(' (')[0]!, r[3]]));
      assert.equal(statuses.get('Gezondheidscentrum Zuidwijk'), 'ingetrokken: de koppeling is beëindigd');
      assert.equal(statuses.get('Huisartsenpraktijk De Linde'), 'verlopen');
      const en = await browser.goto(`${dezi.url}/mijn-dezi/verklaringen?lang=en`);
      const enStatuses = rows(en.body)
        .map((r) => r[3])
        .sort();
      assert.deepEqual(enStatuses, ['expired', 'revoked: the employment ended']);
      assert.doesNotMatch(text(en.body), /actief|ingetrokken|verlopen/);

      // Jansen's list holds his own only.
      const jansen = await mijnDezi(JANSEN.bsn);
      const his = rows((await jansen.browser.goto(`${dezi.url}/mijn-dezi/verklaringen?lang=nl`)).body);
      assert.deepEqual(
        his.map((r) => [r[0], r[3]]),
        [['Huisartsenpraktijk De Linde (URA 90000111)', 'actief']],
      );
    });

    test('declining an invitation: no employment; the abonnee sees it declined; not twice, not for another', async () => {
      const linde = (await dezi.register.findAbonnee('90000111'))!;
      const { invitation } = await new Invitations(dezi.db, dezi.register).create(
        { abonneeId: linde.id, deziNummer: VISSER.deziNummer, rolCode: null, rolCodeBron: null },
        JANSEN.deziNummer,
      );
      const { browser, page } = await mijnDezi(VISSER.bsn);
      assert.match(text(page.body), /Wijs de uitnodiging van Huisartsenpraktijk De Linde af/);
      const declined = await browser.submit(page, '/uitnodigingen/afwijzen', {}, NEVER);
      assert.match(declined.url, /melding=afgewezen$/);
      assert.match(text(declined.body), /U heeft de uitnodiging afgewezen\./);
      assert.doesNotMatch(declined.body, /Wijs de uitnodiging/);
      const visser = (await dezi.register.findPersonByDeziNummer(VISSER.deziNummer))!;
      assert.ok(!(await dezi.register.employmentsOfPerson(visser.id)).some((e) => e.abonnee.id === linde.id));
      assert.equal((await new Invitations(dezi.db, dezi.register).get(invitation.id))!.status, 'declined');

      const fields = findForm(page.body, '/uitnodigingen/afwijzen').fields;
      const again = await browser.request(`${dezi.url}/mijn-dezi/uitnodigingen/afwijzen`, { form: fields });
      assert.equal(again.status, 404);
      const accept = await browser.request(`${dezi.url}/mijn-dezi/uitnodigingen/accepteren`, {
        form: fields,
      });
      assert.equal(accept.status, 404, 'a declined invitation cannot be accepted');
      const smit = await mijnDezi(SMIT.bsn);
      const foreign = await smit.browser.request(`${dezi.url}/mijn-dezi/uitnodigingen/afwijzen`, {
        form: { csrf: findForm(smit.page.body, '/uitloggen').fields.csrf!, id: invitation.id },
      });
      assert.equal(foreign.status, 404);
      const noToken = await browser.request(`${dezi.url}/mijn-dezi/uitnodigingen/afwijzen`, {
        form: { id: invitation.id },
      });
      assert.equal(noToken.status, 403);

      const admin = new Browser();
      const portal = await digidLogin(
        admin,
        await admin.goto(`${dezi.url}/abonnee/inloggen`),
        JANSEN.bsn,
        NEVER,
      );
      assert.match(
        text(portal.body),
        new RegExp(`Dezi-nummer ${VISSER.deziNummer}, geen rolcode: afgewezen`),
      );
      const [audited] = await dezi.db.query<{ abonnee_nummer: string; outcome: string }>(
        "SELECT abonnee_nummer, outcome FROM audit_events WHERE action = 'invitation.decline' AND actor = $1 ORDER BY id LIMIT 1",
        [VISSER.deziNummer],
      );
      assert.deepEqual([audited!.abonnee_nummer.trim(), audited!.outcome], ['90000111', 'success']);
    });

    test('linking asks which means first and offers only linkable ones; unlinking asks for confirmation', async () => {
      const { browser, page } = await mijnDezi(VISSER.bsn);
      assert.match(page.body, /<a class="utrecht-button-link[^"]*" href="\/mijn-dezi\/koppelen">/);
      const which = await browser.goto(`${dezi.url}/mijn-dezi/koppelen`);
      assert.match(which.body, /<h1(?: class="[^"]*")?>Welk inlogmiddel wilt u koppelen\?<\/h1>/);
      const offered = offeredMeans(which.body);
      assert.deepEqual(offered.sort(), [testMeans.id, ZORGID_MEANS_ID, EIDAS_MEANS_ID].sort());
      for (const never of [DIGID, 'uzi-pas', YIVI_MEANS_ID, ZIEKENHUISPAS_MEANS_ID, TEST_MEANS])
        assert.ok(!offered.includes(never), `${never} finds the person anyway, or is below level high`);

      const edited = await browser.submit(which, '/mijn-dezi/koppelen', { means: DIGID }, NEVER);
      assert.equal(edited.status, 400);
      assert.match(edited.body, /Dit inlogmiddel kunt u niet koppelen/);

      const start = await browser.request(new URL('/mijn-dezi/koppelen', dezi.url).href, {
        form: { ...findForm(which.body, '/mijn-dezi/koppelen').fields, means: testMeans.id },
      });
      assert.equal(start.status, 303);
      assert.equal(new URL(start.location!).searchParams.get('login_hint'), `means:${testMeans.id}`);
      const meansPage = await browser.follow(start, NEVER);
      assert.equal(offeredMeans(meansPage.body)[0], testMeans.id, 'the chosen means first');
      assert.match(text(meansPage.body), /Voorgesteld door Mijn Dezi/);
      testMeans.subject = 'visser-history';
      const linked = await browser.submit(meansPage, '/means', { means: testMeans.id }, NEVER);
      assert.match(linked.url, /melding=gekoppeld/);

      const again = await browser.goto(`${dezi.url}/mijn-dezi/koppelen`);
      assert.deepEqual(offeredMeans(again.body), [ZORGID_MEANS_ID, EIDAS_MEANS_ID]);
      assert.match(text(again.body), /Al gekoppeld Testmiddel/);
      const twice = await browser.submit(again, '/mijn-dezi/koppelen', { means: testMeans.id }, NEVER);
      assert.equal(twice.status, 400);

      const visser = (await dezi.register.findPersonByDeziNummer(VISSER.deziNummer))!;
      const confirm = await browser.submit(linked, '/middelen/ontkoppelen', {}, NEVER);
      assert.equal(confirm.status, 200);
      assert.match(confirm.body, /<h1(?: class="[^"]*")?>Testmiddel ontkoppelen\?<\/h1>/);
      assert.match(
        text(confirm.body),
        /Na het ontkoppelen kunt u niet meer met Testmiddel inloggen bij Dezi/,
      );
      assert.equal(
        (await dezi.register.listLinkedMeans(visser.id)).length,
        1,
        'nothing before the confirmation',
      );
      const back = /<a(?: class="[^"]*")? href="([^"]+)">Nee, terug naar Mijn Dezi<\/a>/.exec(confirm.body);
      assert.equal(back?.[1], '/mijn-dezi');
      const done = await browser.submit(confirm, '/middelen/ontkoppelen', {}, NEVER);
      assert.match(done.url, /melding=ontkoppeld/);
      assert.equal((await dezi.register.listLinkedMeans(visser.id)).length, 0);
    });
  });
