// Mandates seen at login: a mandate given in Mijn Dezi and accepted there is offered on "Waar werk
// je? Wat ben je?" as "Namens <name> (<role>)"; the verklaring then names the acting person and, after
// the standard members in the spec's order, the mandate's claims; a relying party that ignores
// unknown claims still verifies it. The register's rules refuse what may not be given, and ending the
// mandate, the mandator's employment or the mandator's registration revokes what was issued under it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { remoteKeys, verifyVerklaring } from '../examples/zorgapplicatie/verklaring.ts';
import { MandateRefused, type Person } from '../src/register/register.ts';
import { amsterdamMidnightOf } from '../src/time.ts';
import { bigFileWithCardioloog, enrolCardioloog } from './helpers/big.ts';
import { Browser, findForm } from './helpers/browser.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { login } from './helpers/login.ts';
import {
  auditOf,
  enrolColleague,
  freshBsns,
  inDays,
  inYears,
  MANDATE_CLAIMS,
  OPERATOR,
  portalLogin,
  revokedIds,
  seed,
  STANDARD_CLAIMS,
  statusOf,
} from './helpers/mandates.ts';
import { fetchUserinfo, redeem, registerRp, VERKLARING_ISS, type TestRp } from './helpers/rp.ts';

const JANSEN = seed('Jansen'); // huisarts (BIG) at De Linde 90000111, its administrator
const AMRANI = seed('Amrani'); // huisarts (BIG) at De Linde and at Zuidwijk 90000222
const SMIT = seed('Smit'); // fysiotherapeut at Zuidwijk only
const BAKKER = seed('Bakker'); // VIG-er at Wijkzorg Rivierenland, a role from the abonnee
const DE_LINDE = '90000111';

const isMandate = (v: string) => v.startsWith('mandaat:');

for (const backend of BACKENDS)
  describe(`mandates at login (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    const bigRegisterFile = bigFileWithCardioloog();
    withDezi(backend, { rp: true, config: { bigRegisterFile } }, (f) => ({ dezi, rp } = f));
    const bsns = freshBsns(999991000);

    const personOf = async (deziNummer: string) => (await dezi.register.findPersonByDeziNummer(deziNummer))!;
    async function bigEmploymentAt(person: Person, abonneeNummer: string) {
      return (await dezi.register.activeEmployments(person.id)).find(
        (e) => e.abonnee.abonneeNummer === abonneeNummer && e.roleSource === 'big',
      )!;
    }
    /** A mandate given and accepted through the register (the portal's way is tested once, below). */
    async function accepted(
      mandator: Person,
      mandatee: Person,
      o: { clientIds?: string[]; endDate?: string; abonneeNummer?: string } = {},
    ) {
      const employment = await bigEmploymentAt(mandator, o.abonneeNummer ?? DE_LINDE);
      const m = await dezi.register.mandates.give(
        {
          mandatorPersonId: mandator.id,
          mandatorEmploymentId: employment.id,
          mandateeDeziNummer: mandatee.deziNummer,
          endDate: o.endDate ?? inYears(1),
          clientIds: o.clientIds,
        },
        { kind: 'person', deziNummer: mandator.deziNummer },
      );
      return dezi.register.mandates.accept(m.id, mandatee.id, {
        kind: 'person',
        deziNummer: mandatee.deziNummer,
      });
    }
    async function fullLogin(at: TestRp, bsn: string, choose?: (values: string[]) => string) {
      const out = await login(at, bsn, { choose: choose && ((values) => choose(values)) });
      assert.equal(
        out.final.status,
        303,
        `login stopped at ${out.final.url}: ${out.final.body.slice(0, 300)}`,
      );
      const tokens = await redeem(at, out.final.location!, out.request);
      const info = await fetchUserinfo(at, tokens.access_token, tokens.claims()!.sub);
      return { out, tokens, info, verklaring: info.verklaring };
    }
    const userinfoStatus = async (accessToken: string) =>
      (await fetch(`${dezi.url}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } })).status;

    test('given in Mijn Dezi, accepted there, chosen at login "Namens J. Jansen (Huisarts, 01.015)": the verklaring names the acting person, then the mandate', async () => {
      const colleague = await enrolColleague(dezi.register, bsns.next().value!, 'Assistent', DE_LINDE, {
        rolCode: '99.000',
        rolCodeBron: 'abonnee',
      });
      // One employment and no mandate: nothing changes, no choice page.
      const alone = await fullLogin(rp, colleague.bsn);
      assert.equal(alone.out.choicePage, undefined);
      assert.deepEqual(Object.keys(alone.verklaring), STANDARD_CLAIMS);

      // The huisarts gives the mandate in Mijn Dezi.
      const jansen = new Browser();
      await portalLogin(jansen, dezi.url, '/mijn-dezi/inloggen', JANSEN.bsn);
      const form = await jansen.goto(`${dezi.url}/mijn-dezi/mandaten/nieuw`);
      assert.equal(form.status, 200, form.body.slice(0, 500));
      const werkgever = /<select[^>]*name="werkgever"[\s\S]*?<option value="([^"]+)"/.exec(form.body)![1]!;
      assert.match(form.body, /Huisarts \(01\.015\) bij Huisartsenpraktijk De Linde/);
      const end = inYears(1);
      const given = await jansen.submit(form, '/mijn-dezi/mandaten', {
        werkgever,
        dezinummer: colleague.person.deziNummer,
        ingangsdatum: inDays(0),
        einddatum: end,
      });
      assert.equal(given.status, 200, given.body.slice(0, 800));
      assert.match(given.url, /melding=gegeven/);
      assert.match(given.body, /Aan T\. Assistent \(Dezi-nummer \d{9}\)/);
      assert.match(given.body, /wacht op acceptatie/);

      // Pending: not offered yet.
      assert.equal((await login(rp, colleague.bsn)).choicePage, undefined);

      // The colleague accepts it in Mijn Dezi.
      const browser = new Browser();
      await portalLogin(browser, dezi.url, '/mijn-dezi/inloggen', colleague.bsn);
      const received = await browser.goto(`${dezi.url}/mijn-dezi/mandaten`);
      assert.match(received.body, /Namens J\. Jansen \(Huisarts, 01\.015\)/);
      const acceptedPage = await browser.submit(received, '/mijn-dezi/mandaten/accepteren');
      assert.match(acceptedPage.url, /melding=geaccepteerd/);
      assert.match(acceptedPage.body, /<dd>geaccepteerd<\/dd>/);
      const [mandate] = await dezi.register.mandates.receivedBy(colleague.person.id);
      assert.equal(mandate!.status, 'accepted');

      // At login: the own employment and the mandate; the mandate chosen.
      let offered: string[] = [];
      const out = await login(rp, colleague.bsn, {
        choose: (values, page) => {
          offered = values;
          assert.match(page.body, /Namens J\. Jansen \(Huisarts, 01\.015\)/);
          assert.match(page.body, /namens een collega die u een mandaat gaf/);
          return values.find(isMandate)!;
        },
      });
      assert.equal(offered.length, 2);
      assert.equal(offered.filter(isMandate).length, 1);
      const tokens = await redeem(rp, out.final.location!, out.request);
      const info = await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub);
      const v = info.verklaring;
      // The standard members in the spec's order first, the mandate's after them.
      assert.deepEqual(Object.keys(v), [...STANDARD_CLAIMS, ...MANDATE_CLAIMS]);
      assert.equal(v.dezi_nummer, colleague.person.deziNummer);
      assert.equal(v.achternaam, 'Assistent');
      assert.equal(v.abonnee_nummer, DE_LINDE);
      assert.equal(v.rol_code, '99.000');
      assert.equal(v.rol_code_bron, 'http://www.dezi.nl/rol_bron/abonnee');
      assert.equal(v.mandaatgever_dezi_nummer, JANSEN.deziNummer);
      assert.equal(v.mandaatgever_rol_code, '01.015');
      assert.equal(v.mandaat_id, mandate!.id);
      assert.equal(v.mandaat_einde, amsterdamMidnightOf(end) / 1000);
      assert.ok((v.exp as number) <= (v.mandaat_einde as number));
      assert.notEqual(v.verklaring_id, alone.verklaring.verklaring_id);
      assert.equal(await statusOf(v.status_uri), 'actief');

      // A relying party that knows nothing of mandates (the example zorgapplicatie) still verifies it.
      const jku = `${dezi.url}/dezi/jwks.json`;
      const plain = await verifyVerklaring(info.verklaringJws, {
        jku,
        keys: remoteKeys(jku),
        iss: VERKLARING_ISS,
        anchors: [dezi.testEseal!.caPem],
      });
      assert.equal(plain.dezi_nummer, colleague.person.deziNummer);
      assert.equal(plain.rol_code, '99.000');

      // Choosing the own employment: the own verklaring, without the mandate's claims.
      const own = await fullLogin(rp, colleague.bsn, (values) => values.find((x) => !isMandate(x))!);
      assert.deepEqual(Object.keys(own.verklaring), STANDARD_CLAIMS);
      assert.equal(own.verklaring.verklaring_id, alone.verklaring.verklaring_id);

      // Every step audited: given and accepted by whom, the login and the issue under the mandate.
      const [give] = await auditOf(dezi.db, 'register.mandate.give');
      assert.equal(give!.actor, JANSEN.deziNummer);
      assert.equal(give!.target, `mandate:${mandate!.id}`);
      assert.equal(give!.detail.mandatee, colleague.person.deziNummer);
      const [accept] = await auditOf(dezi.db, 'register.mandate.accept');
      assert.equal(accept!.actor, colleague.person.deziNummer);
      const logins = await dezi.db.query<{ detail: Record<string, unknown> }>(
        "SELECT detail FROM audit_events WHERE action = 'login' AND actor = $1 AND outcome = 'success'",
        [colleague.person.deziNummer],
      );
      assert.equal(logins.filter((l) => l.detail.mandate_id === mandate!.id).length, 1);
      const issued = await dezi.db.query<{ detail: Record<string, unknown> }>(
        "SELECT detail FROM audit_events WHERE action = 'verklaring.issue' AND target = $1",
        [`verklaring:${v.verklaring_id}`],
      );
      assert.equal(issued[0]!.detail.mandate_id, mandate!.id);
      assert.equal(issued[0]!.detail.mandator, JANSEN.deziNummer);
    });

    test('a mandate for one zorgapplicatie is not offered at another, and cannot be posted there', async () => {
      const rp2 = await registerRp(dezi.url, { client_name: 'Tweede zorgapplicatie' });
      const jansen = await personOf(JANSEN.deziNummer);
      const amrani = await personOf(AMRANI.deziNummer); // two employments: a choice page anyway
      const m = await accepted(jansen, amrani, { clientIds: [rp2.clientId] });
      try {
        let here: string[] = [];
        const atRp = await login(rp, AMRANI.bsn, {
          choose: (values, page) => {
            here = values;
            assert.doesNotMatch(page.body, /Namens/);
            return values[0]!;
          },
        });
        assert.equal(here.length, 2);
        assert.ok(!here.some(isMandate));
        assert.equal(atRp.final.status, 303);
        // Posting the mandate's value at this zorgapplicatie anyway: refused, the choice shown again.
        const forged = await login(rp, AMRANI.bsn, { choose: () => `mandaat:${m.id}` });
        assert.equal(forged.final.status, 400);
        assert.match(forged.final.body, /Kies een zorgaanbieder en rol/);

        let there: string[] = [];
        const atRp2 = await fullLogin(rp2, AMRANI.bsn, (values) => {
          there = values;
          return values.find(isMandate)!;
        });
        assert.equal(there.length, 3);
        assert.equal(atRp2.verklaring.mandaat_id, m.id);
        assert.equal(atRp2.verklaring.dezi_nummer, AMRANI.deziNummer);
      } finally {
        await dezi.register.mandates.end(m.id, { personId: jansen.id }, OPERATOR);
      }
    });

    test('refused: longer than three years, a start in the past, a mandator without a BIG role, someone not at the abonnee, oneself', async () => {
      const jansen = await personOf(JANSEN.deziNummer);
      const employment = await bigEmploymentAt(jansen, DE_LINDE);
      const colleague = await enrolColleague(dezi.register, bsns.next().value!, 'Collega', DE_LINDE);
      const give = (o: Partial<Parameters<typeof dezi.register.mandates.give>[0]>) =>
        dezi.register.mandates.give(
          {
            mandatorPersonId: jansen.id,
            mandatorEmploymentId: employment.id,
            mandateeDeziNummer: colleague.person.deziNummer,
            endDate: inYears(1),
            ...o,
          },
          OPERATOR,
        );
      const refused = async (reason: string, p: Promise<unknown>) =>
        assert.rejects(p, (err) => err instanceof MandateRefused && err.reason === reason);
      const before = (await dezi.register.mandates.givenBy(jansen.id)).length;

      await refused('too_long', give({ endDate: inDays(3 * 366 + 1) }));
      await refused('too_long', give({ startDate: inDays(10), endDate: inYears(3, inDays(11)) }));
      await refused('end_before_start', give({ endDate: inDays(0) }));
      await refused('start_in_past', give({ startDate: inDays(-1) }));
      await refused('not_a_colleague', give({ mandateeDeziNummer: SMIT.deziNummer }));
      await refused('not_a_colleague', give({ mandateeDeziNummer: '999999999' }));
      await refused('self', give({ mandateeDeziNummer: JANSEN.deziNummer }));
      // Through someone else's employment: not found, as if it did not exist.
      const amrani = await personOf(AMRANI.deziNummer);
      await refused(
        'not_found',
        give({ mandatorEmploymentId: (await bigEmploymentAt(amrani, DE_LINDE)).id }),
      );
      // A VIG-er: a role from the abonnee, not the BIG-register.
      const bakker = await personOf(BAKKER.deziNummer);
      const [vig] = await dezi.register.activeEmployments(bakker.id);
      await refused(
        'no_big_role',
        dezi.register.mandates.give(
          {
            mandatorPersonId: bakker.id,
            mandatorEmploymentId: vig!.id,
            mandateeDeziNummer: colleague.person.deziNummer,
            endDate: inYears(1),
          },
          OPERATOR,
        ),
      );
      assert.equal((await dezi.register.mandates.givenBy(jansen.id)).length, before, 'nothing was given');
      assert.equal((await dezi.register.mandates.givenBy(bakker.id)).length, 0);

      // Exactly three years is allowed.
      const longest = await give({ endDate: inYears(3) });
      assert.equal(longest.status, 'pending');
      await dezi.register.mandates.end(longest.id, { personId: jansen.id }, OPERATOR);

      // In Mijn Dezi: the form says which field to correct, keeps the input, and the title says "Fout:".
      const browser = new Browser();
      await portalLogin(browser, dezi.url, '/mijn-dezi/inloggen', JANSEN.bsn);
      const form = await browser.goto(`${dezi.url}/mijn-dezi/mandaten/nieuw`);
      const werkgever = /<option value="([^"]+)"/.exec(form.body)![1]!;
      const tooLong = await browser.submit(form, '/mijn-dezi/mandaten', {
        werkgever,
        dezinummer: colleague.person.deziNummer,
        ingangsdatum: inDays(0),
        einddatum: inYears(4),
      });
      assert.equal(tooLong.status, 400);
      assert.match(tooLong.body, /<title>Fout: Een mandaat geven · Dezi<\/title>/);
      assert.match(
        tooLong.body,
        /<a(?: class="[^"]*")? href="#einddatum">Een mandaat duurt ten hoogste drie jaar/,
      );
      assert.match(tooLong.body, new RegExp(`name="dezinummer"\\s+value="${colleague.person.deziNummer}"`));
      assert.match(tooLong.body, /id="einddatum"[^>]*aria-invalid="true"/);
      const elsewhere = await browser.submit(tooLong, '/mijn-dezi/mandaten', {
        werkgever,
        dezinummer: SMIT.deziNummer,
        ingangsdatum: inDays(0),
        einddatum: inYears(1),
      });
      assert.equal(elsewhere.status, 400);
      assert.match(
        elsewhere.body,
        /<a(?: class="[^"]*")? href="#dezinummer">Niemand met dit Dezi-nummer werkt nu bij deze zorgaanbieder/,
      );
      const failures = await auditOf(dezi.db, 'portal.mandate.give');
      assert.ok(failures.length >= 2);
      assert.ok(failures.every((f) => f.outcome === 'failure' && f.actor === JANSEN.deziNummer));

      // The VIG-er is not offered the form, and a post is refused.
      const vigBrowser = new Browser();
      await portalLogin(vigBrowser, dezi.url, '/mijn-dezi/inloggen', BAKKER.bsn);
      const list = await vigBrowser.goto(`${dezi.url}/mijn-dezi/mandaten`);
      assert.match(
        list.body,
        /Een mandaat geven kan alleen een zorgverlener met een rol uit het BIG-register/,
      );
      assert.doesNotMatch(list.body, /href="\/mijn-dezi\/mandaten\/nieuw"/);
      assert.equal((await vigBrowser.goto(`${dezi.url}/mijn-dezi/mandaten/nieuw`)).status, 403);
      const main = await vigBrowser.goto(`${dezi.url}/mijn-dezi`);
      const csrf = findForm(main.body, '/mijn-dezi/uitloggen').fields.csrf;
      const posted = await vigBrowser.request(`${dezi.url}/mijn-dezi/mandaten`, {
        form: {
          csrf: csrf!,
          werkgever: vig!.id,
          dezinummer: colleague.person.deziNummer,
          ingangsdatum: inDays(0),
          einddatum: inYears(1),
        },
      });
      assert.equal(posted.status, 403);
      assert.equal((await dezi.register.mandates.givenBy(bakker.id)).length, 0);
    });

    test('ending the mandate revokes its verklaring at once and removes the choice', async () => {
      const jansen = await personOf(JANSEN.deziNummer);
      const colleague = await enrolColleague(dezi.register, bsns.next().value!, 'Eindigt', DE_LINDE);
      const m = await accepted(jansen, colleague.person);
      const under = await fullLogin(rp, colleague.bsn, (values) => values.find(isMandate)!);
      assert.equal(under.verklaring.mandaat_id, m.id);

      // The mandator ends it in Mijn Dezi, after a confirmation.
      const browser = new Browser();
      await portalLogin(browser, dezi.url, '/mijn-dezi/inloggen', JANSEN.bsn);
      const list = await browser.goto(`${dezi.url}/mijn-dezi/mandaten`);
      const card = list.body
        .split(/<li class="[^"]*\bdezi-card\b[^"]*">/)
        .find((c) => c.includes(colleague.person.deziNummer))!;
      const csrf = /name="csrf" value="([^"]+)"/.exec(card)![1]!;
      const confirm = await browser.request(`${dezi.url}/mijn-dezi/mandaten/beeindigen`, {
        form: { csrf, id: m.id },
      });
      assert.equal(confirm.status, 200);
      assert.match(confirm.body, /Wilt u het mandaat van J\. Jansen aan T\. Eindigt beëindigen\?/);
      assert.equal((await dezi.register.mandates.get(m.id))!.status, 'accepted', 'not before confirming');
      const ended = await browser.submit(confirm, '/mijn-dezi/mandaten/beeindigen');
      assert.match(ended.url, /melding=beeindigd/);
      assert.equal((await dezi.register.mandates.get(m.id))!.status, 'ended');

      assert.equal(await statusOf(under.verklaring.status_uri), 'ingetrokken');
      assert.ok(
        (await revokedIds(dezi.url, () => dezi.revocationList.rebuild())).includes(
          under.verklaring.verklaring_id as string,
        ),
      );
      assert.equal(await userinfoStatus(under.tokens.access_token), 401);
      // One employment, no mandate: straight through again, with the own verklaring.
      const after = await fullLogin(rp, colleague.bsn);
      assert.equal(after.out.choicePage, undefined);
      assert.deepEqual(Object.keys(after.verklaring), STANDARD_CLAIMS);
      const [endRecord] = await auditOf(dezi.db, 'register.mandate.end');
      assert.equal(endRecord!.actor, JANSEN.deziNummer);
      assert.equal(endRecord!.target, `mandate:${m.id}`);
      const revoked = await dezi.db.query<{ detail: Record<string, unknown> }>(
        "SELECT detail FROM audit_events WHERE action = 'verklaring.revoke' AND target = $1",
        [`verklaring:${under.verklaring.verklaring_id}`],
      );
      assert.equal(revoked[0]!.detail.reason, 'mandate_ended');
    });

    test("ending the mandator's employment revokes the mandate's verklaring, not the colleague's own", async () => {
      const cardioloog = await enrolCardioloog(dezi.register, DE_LINDE); // arts 01.000 from the BIG-register
      const colleague = await enrolColleague(dezi.register, bsns.next().value!, 'Blijft', DE_LINDE);
      await accepted(cardioloog, colleague.person);
      const under = await fullLogin(rp, colleague.bsn, (values) => values.find(isMandate)!);
      assert.equal(under.verklaring.mandaatgever_rol_code, '01.000');
      const own = await fullLogin(rp, colleague.bsn, (values) => values.find((x) => !isMandate(x))!);

      const employment = await bigEmploymentAt(cardioloog, DE_LINDE);
      await dezi.register.endEmployment(employment.id, OPERATOR);
      assert.equal(await statusOf(under.verklaring.status_uri), 'ingetrokken');
      assert.equal(await userinfoStatus(under.tokens.access_token), 401);
      assert.ok(
        (await revokedIds(dezi.url, () => dezi.revocationList.rebuild())).includes(
          under.verklaring.verklaring_id as string,
        ),
      );
      assert.equal(await statusOf(own.verklaring.status_uri), 'actief', "the colleague's own stays");
      const after = await login(rp, colleague.bsn);
      assert.equal(after.choicePage, undefined, 'the mandate is no longer offered');
      assert.equal(after.final.status, 303);
    });

    test("suspending the mandator revokes the mandate's verklaring and removes the choice until reactivated", async () => {
      const amrani = await personOf(AMRANI.deziNummer);
      const colleague = await enrolColleague(dezi.register, bsns.next().value!, 'Geschorst', DE_LINDE);
      const m = await accepted(amrani, colleague.person);
      const under = await fullLogin(rp, colleague.bsn, (values) => values.find(isMandate)!);
      assert.equal(under.verklaring.mandaatgever_dezi_nummer, AMRANI.deziNummer);
      await dezi.register.setPersonStatus(amrani.id, 'suspended', OPERATOR);
      try {
        assert.equal(await statusOf(under.verklaring.status_uri), 'ingetrokken');
        assert.equal(await userinfoStatus(under.tokens.access_token), 401);
        assert.equal((await login(rp, colleague.bsn)).choicePage, undefined);
      } finally {
        await dezi.register.setPersonStatus(amrani.id, 'active', OPERATOR);
      }
      // Active again, the accepted mandate holds again: a new verklaring, not the revoked one.
      const again = await fullLogin(rp, colleague.bsn, (values) => values.find(isMandate)!);
      assert.equal(again.verklaring.mandaat_id, m.id);
      assert.notEqual(again.verklaring.verklaring_id, under.verklaring.verklaring_id);
      await dezi.register.mandates.end(m.id, { personId: amrani.id }, OPERATOR);
    });
  });
