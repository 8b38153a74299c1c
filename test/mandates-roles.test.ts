// Self-declared roles end to end: a care worker without a BIG profession declares a role in Mijn
// Dezi; nothing changes until the abonnee's administrator confirms it in the abonnee portal; then the
// verklaring states the role with rol_code_bron …/zelfverklaring and the old one is revoked. Refusal,
// withdrawal, the register's rules, and who may confirm (not another abonnee's administrator, not
// the declarant), each audited.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ROLE_SOURCE_URI } from '../src/register/roles.ts';
import { RoleDeclarationRefused } from '../src/register/register.ts';
import { Browser, type Exchange } from './helpers/browser.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { login } from './helpers/login.ts';
import {
  auditOf,
  enrolColleague,
  freshBsns,
  OPERATOR,
  portalLogin,
  seed,
  statusOf,
} from './helpers/mandates.ts';
import { fetchUserinfo, redeem, type TestRp } from './helpers/rp.ts';

const JANSEN = seed('Jansen'); // administrator of De Linde 90000111; huisarts from the BIG-register
const SMIT = seed('Smit'); // Zuidwijk 90000222; appointed its administrator below
const DE_LINDE = '90000111';
const SELF_DECLARED = 'http://www.dezi.nl/rol_bron/zelfverklaring';

/** The page from the declaration form on (a waiting declaration's withdraw form comes before it). */
const declareForm = (page: Exchange): Exchange => ({
  ...page,
  body: page.body.slice(page.body.indexOf('id="verklaren"')),
});

const optionValue = (page: Exchange, select: string, label: RegExp) => {
  const html = new RegExp(`<select[^>]*name="${select}"[\\s\\S]*?</select>`).exec(page.body)![0];
  return [...html.matchAll(/<option value="([^"]*)"[^>]*>\s*([^<]*?)\s*</g)].find(([, , text]) =>
    label.test(text!),
  )![1]!;
};

for (const backend of BACKENDS)
  describe(`self-declared roles (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    withDezi(backend, { rp: true }, (f) => ({ dezi, rp } = f));
    const bsns = freshBsns(999993000);

    async function verklaringOf(bsn: string) {
      const out = await login(rp, bsn);
      assert.equal(out.final.status, 303, out.final.body.slice(0, 300));
      const tokens = await redeem(rp, out.final.location!, out.request);
      return (await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub)).verklaring;
    }
    async function adminBrowser(bsn: string) {
      const browser = new Browser();
      await portalLogin(browser, dezi.url, '/abonnee/inloggen', bsn);
      return browser;
    }

    test('declared in Mijn Dezi, not effective until confirmed, confirmed in the abonnee portal: the verklaring names the source', async () => {
      const worker = await enrolColleague(dezi.register, bsns.next().value!, 'Verklaart', DE_LINDE);
      const before = await verklaringOf(worker.bsn);
      assert.equal(before.rol_code, null);

      const browser = new Browser();
      await portalLogin(browser, dezi.url, '/mijn-dezi/inloggen', worker.bsn);
      const page = await browser.goto(`${dezi.url}/mijn-dezi/rol`);
      assert.equal(page.status, 200);
      // Only roles without a BIG registration are offered.
      assert.match(page.body, /<option value="83\.000"[^>]*>\s*Apothekersassistent \(83\.000\)/);
      assert.match(page.body, /<option value="86\.000"[^>]*>\s*VIG-er \(86\.000\)/);
      assert.match(page.body, /<option value="99\.000"[^>]*>\s*Zorgverlener andere zorg \(99\.000\)/);
      assert.doesNotMatch(page.body, /value="01\.015"/);
      const declared = await browser.submit(declareForm(page), '/mijn-dezi/rol', {
        werkgever: optionValue(page, 'werkgever', /De Linde/),
        rolcode: '86.000',
      });
      assert.match(declared.url, /melding=verklaard/);
      assert.match(declared.body, /VIG-er \(86\.000\)/);
      assert.match(declared.body, /wacht op bevestiging/);

      // Not effective: the verklaring still states no role, and is the same one.
      const waiting = await verklaringOf(worker.bsn);
      assert.equal(waiting.rol_code, null);
      assert.equal(waiting.verklaring_id, before.verklaring_id);

      // The administrator confirms.
      const admin = await adminBrowser(JANSEN.bsn);
      const list = await admin.goto(`${dezi.url}/abonnee/${DE_LINDE}/rolverklaringen`);
      assert.equal(list.status, 200);
      assert.match(list.body, /VIG-er voor T\. Verklaart bevestigen/);
      const card = list.body
        .split(/<li class="[^"]*\bdezi-card\b[^"]*">/)
        .find((c) => c.includes('T. Verklaart'))!;
      const confirmed = await admin.submit({ ...list, body: card }, '/rolverklaringen/bevestigen');
      assert.match(confirmed.url, /melding=bevestigd/);
      assert.match(confirmed.body, /De rol is bevestigd en geldt nu/);

      const after = await verklaringOf(worker.bsn);
      assert.equal(after.rol_code, '86.000');
      assert.equal(after.rol_naam, 'VIG-er');
      assert.equal(after.rol_code_bron, SELF_DECLARED);
      assert.equal(ROLE_SOURCE_URI.zelfverklaring, SELF_DECLARED);
      assert.equal(
        await statusOf(before.status_uri),
        'ingetrokken',
        'the verklaring with the old role is revoked',
      );
      const [employment] = await dezi.register.activeEmployments(worker.person.id);
      assert.equal(employment!.roleSource, 'zelfverklaring');

      // The person sees it confirmed; audited: declared by the person, confirmed by the administrator.
      assert.match((await browser.goto(`${dezi.url}/mijn-dezi/rol`)).body, /<dd>bevestigd<\/dd>/);
      const [declare] = await auditOf(dezi.db, 'register.role_declaration.declare');
      assert.equal(declare!.actor, worker.person.deziNummer);
      assert.equal(declare!.detail.rol_code, '86.000');
      const [confirm] = await auditOf(dezi.db, 'register.role_declaration.confirm');
      assert.equal(confirm!.actor, JANSEN.deziNummer);
      assert.equal(confirm!.abonnee_nummer, DE_LINDE);
      assert.equal(confirm!.detail.dezi_nummer, worker.person.deziNummer);
    });

    test('refused by the administrator: nothing changes; withdrawn by the person', async () => {
      const worker = await enrolColleague(dezi.register, bsns.next().value!, 'Afgewezen', DE_LINDE, {
        rolCode: '99.000',
        rolCodeBron: 'abonnee',
      });
      const d = await dezi.register.roleDeclarations.declare(
        {
          personId: worker.person.id,
          employmentId: (await dezi.register.activeEmployments(worker.person.id))[0]!.id,
          rolCode: '83.000',
        },
        { kind: 'person', deziNummer: worker.person.deziNummer },
      );
      const admin = await adminBrowser(JANSEN.bsn);
      const list = await admin.goto(`${dezi.url}/abonnee/${DE_LINDE}/rolverklaringen`);
      const card = list.body.split(/<li class="[^"]*\bdezi-card\b[^"]*">/).find((c) => c.includes(d.id))!;
      assert.match(card, /Apothekersassistent voor T\. Afgewezen afwijzen/);
      const refused = await admin.submit({ ...list, body: card }, '/rolverklaringen/weigeren');
      assert.match(refused.url, /melding=geweigerd/);
      assert.equal((await dezi.register.roleDeclarations.get(d.id))!.status, 'refused');
      const [employment] = await dezi.register.activeEmployments(worker.person.id);
      assert.equal(employment!.rolCode, '99.000');
      assert.equal(employment!.roleSource, 'abonnee');
      const v = await verklaringOf(worker.bsn);
      assert.equal(v.rol_code_bron, 'http://www.dezi.nl/rol_bron/abonnee');
      // Decided once: a second decision is refused.
      const again = await admin.request(`${dezi.url}/abonnee/${DE_LINDE}/rolverklaringen/bevestigen`, {
        form: { csrf: /name="csrf" value="([^"]+)"/.exec(card)![1]!, id: d.id },
      });
      assert.equal(again.status, 409);
      const [record] = await auditOf(dezi.db, 'register.role_declaration.refuse');
      assert.equal(record!.actor, JANSEN.deziNummer);

      // The person declares again and withdraws it while it waits.
      const browser = new Browser();
      await portalLogin(browser, dezi.url, '/mijn-dezi/inloggen', worker.bsn);
      const page = await browser.goto(`${dezi.url}/mijn-dezi/rol`);
      const declared = await browser.submit(declareForm(page), '/mijn-dezi/rol', {
        werkgever: optionValue(page, 'werkgever', /De Linde/),
        rolcode: '86.000',
      });
      const withdrawn = await browser.submit(declared, '/mijn-dezi/rol/intrekken');
      assert.match(withdrawn.url, /melding=ingetrokken/);
      const mine = await dezi.register.roleDeclarations.ofPerson(worker.person.id);
      assert.deepEqual(mine.map((x) => x.status).sort(), ['refused', 'withdrawn']);
      assert.equal(
        (await auditOf(dezi.db, 'register.role_declaration.withdraw'))[0]!.actor,
        worker.person.deziNummer,
      );
    });

    test("the register's rules: no BIG role, no role for a BIG employment, one waiting declaration, the person's own employment", async () => {
      const worker = await enrolColleague(dezi.register, bsns.next().value!, 'Regels', DE_LINDE);
      const [employment] = await dezi.register.activeEmployments(worker.person.id);
      const actor = { kind: 'person' as const, deziNummer: worker.person.deziNummer };
      const refused = (reason: string, p: Promise<unknown>) =>
        assert.rejects(p, (err) => err instanceof RoleDeclarationRefused && err.reason === reason);
      await refused(
        'big_profession',
        dezi.register.roleDeclarations.declare(
          { personId: worker.person.id, employmentId: employment!.id, rolCode: '01.015' },
          actor,
        ),
      );
      await refused(
        'unknown_role',
        dezi.register.roleDeclarations.declare(
          { personId: worker.person.id, employmentId: employment!.id, rolCode: '42.000' },
          actor,
        ),
      );
      const jansen = (await dezi.register.findPersonByDeziNummer(JANSEN.deziNummer))!;
      const [big] = await dezi.register.activeEmployments(jansen.id);
      await refused(
        'big_role',
        dezi.register.roleDeclarations.declare(
          { personId: jansen.id, employmentId: big!.id, rolCode: '99.000' },
          actor,
        ),
      );
      await refused(
        'not_found',
        dezi.register.roleDeclarations.declare(
          { personId: worker.person.id, employmentId: big!.id, rolCode: '99.000' },
          actor,
        ),
      );
      await dezi.register.roleDeclarations.declare(
        { personId: worker.person.id, employmentId: employment!.id, rolCode: '99.000' },
        actor,
      );
      await refused(
        'already_pending',
        dezi.register.roleDeclarations.declare(
          { personId: worker.person.id, employmentId: employment!.id, rolCode: '86.000' },
          actor,
        ),
      );
      // The source is not for the ordinary role paths: only a confirmation sets it.
      await assert.rejects(
        dezi.register.changeRole(
          employment!.id,
          { rolCode: '99.000', rolCodeBron: 'zelfverklaring' },
          OPERATOR,
        ),
        /set only by the abonnee confirming a role declaration/,
      );

      // In Mijn Dezi the form says which field, keeps the choice, and audits the refusal.
      const browser = new Browser();
      await portalLogin(browser, dezi.url, '/mijn-dezi/inloggen', worker.bsn);
      const page = await browser.goto(`${dezi.url}/mijn-dezi/rol`);
      const werkgever = optionValue(page, 'werkgever', /De Linde/);
      const twice = await browser.submit(declareForm(page), '/mijn-dezi/rol', {
        werkgever,
        rolcode: '86.000',
      });
      assert.equal(twice.status, 409);
      assert.match(
        twice.body,
        /<a(?: class="[^"]*")? href="#werkgever">Voor deze werkgever wacht al een verklaring/,
      );
      assert.match(twice.body, /<option value="86\.000" selected>/);
      const bigRole = await browser.submit(declareForm(page), '/mijn-dezi/rol', {
        werkgever,
        rolcode: '01.015',
      });
      assert.equal(bigRole.status, 400);
      assert.match(bigRole.body, /<a(?: class="[^"]*")? href="#rolcode">Kies een rol uit de lijst/);
      assert.match(bigRole.body, /<title>Fout: Uw rol verklaren · Dezi<\/title>/);
      const failures = await auditOf(dezi.db, 'portal.role_declaration.declare');
      assert.ok(
        failures.filter((f) => f.actor === worker.person.deziNummer && f.outcome === 'failure').length >= 2,
      );

      // A huisarts (BIG role only) is offered no employment to declare for.
      const huisarts = new Browser();
      await portalLogin(huisarts, dezi.url, '/mijn-dezi/inloggen', JANSEN.bsn);
      const none = await huisarts.goto(`${dezi.url}/mijn-dezi/rol`);
      assert.match(none.body, /U heeft geen werkgever waarvoor u een rol kunt verklaren/);
    });

    test('only an administrator of that abonnee confirms, and not their own declaration', async () => {
      const worker = await enrolColleague(dezi.register, bsns.next().value!, 'Bewaakt', DE_LINDE);
      const [employment] = await dezi.register.activeEmployments(worker.person.id);
      const d = await dezi.register.roleDeclarations.declare(
        { personId: worker.person.id, employmentId: employment!.id, rolCode: '99.000' },
        { kind: 'person', deziNummer: worker.person.deziNummer },
      );
      // Another abonnee's administrator: this abonnee's page is forbidden, the declaration not found.
      const smit = (await dezi.register.findPersonByDeziNummer(SMIT.deziNummer))!;
      const zuidwijk = (await dezi.register.findAbonnee('90000222'))!;
      await dezi.register.addAbonneeAdministrator(zuidwijk.id, smit.id, OPERATOR);
      const other = await adminBrowser(SMIT.bsn);
      assert.equal((await other.goto(`${dezi.url}/abonnee/${DE_LINDE}/rolverklaringen`)).status, 403);
      const own = await other.goto(`${dezi.url}/abonnee/90000222/rolverklaringen`);
      assert.equal(own.status, 200);
      assert.doesNotMatch(own.body, /Bewaakt/);
      const csrf = /name="csrf" value="([^"]+)"/.exec((await other.goto(`${dezi.url}/mijn-dezi`)).body)![1]!;
      for (const path of ['bevestigen', 'weigeren']) {
        const cross = await other.request(`${dezi.url}/abonnee/90000222/rolverklaringen/${path}`, {
          form: { csrf, id: d.id },
        });
        assert.equal(cross.status, 404, path);
        const foreign = await other.request(`${dezi.url}/abonnee/${DE_LINDE}/rolverklaringen/${path}`, {
          form: { csrf, id: d.id },
        });
        assert.equal(foreign.status, 403, path);
      }
      assert.equal((await dezi.register.roleDeclarations.get(d.id))!.status, 'pending');
      const failures = await auditOf(dezi.db, 'portal.abonnee.role_declaration.confirm');
      assert.ok(failures.some((f) => f.actor === SMIT.deziNummer && f.detail.reason === 'not_found'));

      // The declarant, appointed administrator of De Linde, cannot confirm their own declaration.
      const delinde = (await dezi.register.findAbonnee(DE_LINDE))!;
      await dezi.register.addAbonneeAdministrator(delinde.id, worker.person.id, OPERATOR);
      try {
        const self = await adminBrowser(worker.bsn);
        const list = await self.goto(`${dezi.url}/abonnee/${DE_LINDE}/rolverklaringen`);
        assert.equal(list.status, 200);
        const card = list.body.split(/<li class="[^"]*\bdezi-card\b[^"]*">/).find((c) => c.includes(d.id))!;
        const mine = await self.submit({ ...list, body: card }, '/rolverklaringen/bevestigen');
        assert.equal(mine.status, 403);
        assert.match(mine.body, /Uw eigen verklaring bevestigt of weigert u niet zelf/);
        assert.equal((await dezi.register.roleDeclarations.get(d.id))!.status, 'pending');
      } finally {
        await dezi.register.removeAbonneeAdministrator(delinde.id, worker.person.id, OPERATOR);
      }
    });
  });
