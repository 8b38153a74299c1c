// The mandate pages over HTTP: only a logged-in person acts, on their own mandates only; the colleague
// declines or ends; the abonnee's administrator sees and ends the mandates within the abonnee, and an
// administrator of another abonnee (or no administrator at all) cannot; every page in both languages.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Person } from '../src/register/register.ts';
import { Browser, findForm, type Exchange } from './helpers/browser.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { login } from './helpers/login.ts';
import {
  auditOf,
  enrolColleague,
  freshBsns,
  inYears,
  OPERATOR,
  portalLogin,
  seed,
  statusOf,
} from './helpers/mandates.ts';
import { fetchUserinfo, redeem, type TestRp } from './helpers/rp.ts';

const JANSEN = seed('Jansen'); // administrator of De Linde 90000111, huisarts there
const SMIT = seed('Smit'); // Zuidwijk 90000222 only; appointed its administrator below
const DE_LINDE = '90000111';

/** What a person reads: the text outside tags, entities decoded. */
const visibleText = (body: string) =>
  body
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

const csrfOf = (page: Exchange) => /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;

for (const backend of BACKENDS)
  describe(`mandate pages (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    withDezi(backend, { rp: true }, (f) => ({ dezi, rp } = f));
    const bsns = freshBsns(999992000);

    const personOf = async (deziNummer: string) => (await dezi.register.findPersonByDeziNummer(deziNummer))!;
    async function pending(mandatee: Person) {
      const jansen = await personOf(JANSEN.deziNummer);
      const [employment] = await dezi.register.activeEmployments(jansen.id);
      return dezi.register.mandates.give(
        {
          mandatorPersonId: jansen.id,
          mandatorEmploymentId: employment!.id,
          mandateeDeziNummer: mandatee.deziNummer,
          endDate: inYears(2),
        },
        OPERATOR,
      );
    }
    async function mijnDezi(bsn: string) {
      const browser = new Browser();
      await portalLogin(browser, dezi.url, '/mijn-dezi/inloggen', bsn);
      const page = await browser.goto(`${dezi.url}/mijn-dezi/mandaten`);
      assert.equal(page.status, 200);
      return { browser, page, csrf: csrfOf(await browser.goto(`${dezi.url}/mijn-dezi`)) };
    }

    test('without a session: the pages send to the login, a post is refused; a post needs the session token', async () => {
      const anonymous = new Browser();
      const page = await anonymous.request(`${dezi.url}/mijn-dezi/mandaten`);
      assert.equal(page.status, 303);
      assert.equal(page.location, `${dezi.url}/mijn-dezi`);
      const colleague = await enrolColleague(dezi.register, bsns.next().value!, 'Sessie', DE_LINDE);
      const m = await pending(colleague.person);
      const post = await anonymous.request(`${dezi.url}/mijn-dezi/mandaten/accepteren`, {
        form: { id: m.id },
      });
      assert.equal(post.status, 401);
      const { browser } = await mijnDezi(colleague.bsn);
      const forged = await browser.request(`${dezi.url}/mijn-dezi/mandaten/accepteren`, {
        form: { id: m.id, csrf: 'not-the-token' },
      });
      assert.equal(forged.status, 403);
      const foreignOrigin = await browser.request(`${dezi.url}/mijn-dezi/mandaten/accepteren`, {
        form: { id: m.id, csrf: csrfOf(await browser.goto(`${dezi.url}/mijn-dezi`)) },
        headers: { origin: 'https://evil.example' },
      });
      assert.equal(foreignOrigin.status, 403);
      assert.equal((await dezi.register.mandates.get(m.id))!.status, 'pending');
    });

    test("someone else's mandate is not found: nobody accepts, declines or ends what is not theirs", async () => {
      const addressee = await enrolColleague(dezi.register, bsns.next().value!, 'Geadresseerd', DE_LINDE);
      const other = await enrolColleague(dezi.register, bsns.next().value!, 'Ander', DE_LINDE);
      const m = await pending(addressee.person);
      const { browser, page, csrf } = await mijnDezi(other.bsn);
      assert.match(page.body, /U heeft geen mandaten gekregen/);
      for (const action of ['accepteren', 'weigeren', 'beeindigen']) {
        const res = await browser.request(`${dezi.url}/mijn-dezi/mandaten/${action}`, {
          form: { csrf, id: m.id, bevestigd: 'ja' },
        });
        assert.equal(res.status, 404, action);
      }
      const malformed = await browser.request(`${dezi.url}/mijn-dezi/mandaten/accepteren`, {
        form: { csrf, id: "1' OR '1'='1" },
      });
      assert.equal(malformed.status, 404);
      // The mandator cannot accept in the colleague's place either.
      const jansen = await mijnDezi(JANSEN.bsn);
      const self = await jansen.browser.request(`${dezi.url}/mijn-dezi/mandaten/accepteren`, {
        form: { csrf: jansen.csrf, id: m.id },
      });
      assert.equal(self.status, 404);
      assert.equal((await dezi.register.mandates.get(m.id))!.status, 'pending');
      const failures = await auditOf(dezi.db, 'portal.mandate.accepteren');
      assert.ok(failures.some((f) => f.actor === other.person.deziNummer && f.detail.reason === 'not_found'));
    });

    test('the colleague declines one, accepts and then ends another; a declined one cannot be accepted', async () => {
      const colleague = await enrolColleague(dezi.register, bsns.next().value!, 'Kiest', DE_LINDE);
      const declined = await pending(colleague.person);
      const { browser, page } = await mijnDezi(colleague.bsn);
      const card = page.body
        .split(/<li class="[^"]*\bdezi-card\b[^"]*">/)
        .find((c) => c.includes(declined.id))!;
      assert.match(card, /Mandaat van J\. Jansen weigeren/);
      const afterDecline = await browser.submit(page, '/mijn-dezi/mandaten/weigeren');
      assert.match(afterDecline.url, /melding=geweigerd/);
      assert.match(afterDecline.body, /U heeft het mandaat geweigerd/);
      assert.equal((await dezi.register.mandates.get(declined.id))!.status, 'declined');
      const late = await browser.request(`${dezi.url}/mijn-dezi/mandaten/accepteren`, {
        form: { csrf: csrfOf(await browser.goto(`${dezi.url}/mijn-dezi`)), id: declined.id },
      });
      assert.equal(late.status, 409);
      assert.match(late.body, /Dit kan niet \(meer\)/);

      const kept = await pending(colleague.person);
      const list = await browser.goto(`${dezi.url}/mijn-dezi/mandaten`);
      await browser.submit(list, '/mijn-dezi/mandaten/accepteren');
      const under = await login(rp, colleague.bsn, {
        choose: (values) => values.find((v) => v.startsWith('mandaat:'))!,
      });
      const tokens = await redeem(rp, under.final.location!, under.request);
      const info = await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub);
      assert.equal(info.verklaring.mandaat_id, kept.id);

      // The colleague gives it back: confirmation first, then ended and revoked.
      const withEnd = await browser.goto(`${dezi.url}/mijn-dezi/mandaten`);
      const confirm = await browser.submit(withEnd, '/mijn-dezi/mandaten/beeindigen');
      assert.match(confirm.body, /Ja, mandaat beëindigen/);
      const ended = await browser.submit(confirm, '/mijn-dezi/mandaten/beeindigen');
      assert.match(ended.url, /melding=beeindigd/);
      assert.equal((await dezi.register.mandates.get(kept.id))!.status, 'ended');
      assert.equal(await statusOf(info.verklaring.status_uri), 'ingetrokken');
      const [record] = await auditOf(dezi.db, 'register.mandate.decline');
      assert.equal(record!.actor, colleague.person.deziNummer);
    });

    test('the abonnee portal: the administrator sees and ends mandates within the abonnee; nobody else can', async () => {
      const colleague = await enrolColleague(dezi.register, bsns.next().value!, 'Beheerd', DE_LINDE);
      const m = await pending(colleague.person);
      const admin = new Browser();
      await portalLogin(admin, dezi.url, '/abonnee/inloggen', JANSEN.bsn);
      const home = await admin.goto(`${dezi.url}/abonnee/${DE_LINDE}`);
      assert.match(home.body, new RegExp(`href="/abonnee/${DE_LINDE}/mandaten"`));
      assert.match(home.body, new RegExp(`href="/abonnee/${DE_LINDE}/rolverklaringen"`));
      const list = await admin.goto(`${dezi.url}/abonnee/${DE_LINDE}/mandaten`);
      assert.equal(list.status, 200);
      assert.match(list.body, /J\. Jansen aan T\. Beheerd/);

      // An administrator of another abonnee: 403 on this abonnee's page, 404 for its mandate on their own.
      const smit = await personOf(SMIT.deziNummer);
      const zuidwijk = (await dezi.register.findAbonnee('90000222'))!;
      await dezi.register.addAbonneeAdministrator(zuidwijk.id, smit.id, OPERATOR);
      const other = new Browser();
      await portalLogin(other, dezi.url, '/abonnee/inloggen', SMIT.bsn);
      assert.equal((await other.goto(`${dezi.url}/abonnee/${DE_LINDE}/mandaten`)).status, 403);
      const own = await other.goto(`${dezi.url}/abonnee/90000222/mandaten`);
      assert.equal(own.status, 200);
      assert.doesNotMatch(own.body, /Beheerd/);
      const otherCsrf = csrfOf(await other.goto(`${dezi.url}/mijn-dezi`));
      const cross = await other.request(`${dezi.url}/abonnee/90000222/mandaten/beeindigen`, {
        form: { csrf: otherCsrf, id: m.id, bevestigd: 'ja' },
      });
      assert.equal(cross.status, 404);
      const crossPath = await other.request(`${dezi.url}/abonnee/${DE_LINDE}/mandaten/beeindigen`, {
        form: { csrf: otherCsrf, id: m.id, bevestigd: 'ja' },
      });
      assert.equal(crossPath.status, 403);
      assert.equal((await dezi.register.mandates.get(m.id))!.status, 'pending');
      // Someone who administers nothing.
      const plain = new Browser();
      await portalLogin(plain, dezi.url, '/mijn-dezi/inloggen', colleague.bsn);
      assert.equal((await plain.goto(`${dezi.url}/abonnee/${DE_LINDE}/mandaten`)).status, 403);
      const denied = await auditOf(dezi.db, 'portal.abonnee.access');
      assert.ok(denied.some((a) => a.actor === SMIT.deziNummer && a.abonnee_nummer === DE_LINDE));
      assert.ok(denied.some((a) => a.actor === colleague.person.deziNummer));

      // The administrator ends it, after a confirmation.
      const confirm = await admin.submit(
        {
          ...list,
          body: list.body.split(/<li class="[^"]*\bdezi-card\b[^"]*">/).find((c) => c.includes(m.id))!,
        },
        '/mandaten/beeindigen',
      );
      assert.match(confirm.body, /Wilt u het mandaat van J\. Jansen aan T\. Beheerd beëindigen\?/);
      const ended = await admin.submit(confirm, '/mandaten/beeindigen');
      assert.match(ended.url, /melding=beeindigd/);
      const after = (await dezi.register.mandates.get(m.id))!;
      assert.equal(after.status, 'ended');
      const [record] = await auditOf(dezi.db, 'register.mandate.end');
      assert.equal(record!.actor, JANSEN.deziNummer);
      assert.equal(record!.abonnee_nummer, DE_LINDE);
    });

    test('Dutch first, English second: no English status word on a Dutch page, no Dutch one on an English page', async () => {
      const colleague = await enrolColleague(dezi.register, bsns.next().value!, 'Talen', DE_LINDE);
      await pending(colleague.person);
      const { browser } = await mijnDezi(colleague.bsn);
      const nl = visibleText((await browser.goto(`${dezi.url}/mijn-dezi/mandaten?lang=nl`)).body);
      assert.match(nl, /Mandaten die u kreeg/);
      assert.match(nl, /wacht op acceptatie/);
      assert.doesNotMatch(nl, /\b(pending|accepted|declined|expired|mandate|Mandates)\b/);
      const en = visibleText((await browser.goto(`${dezi.url}/mijn-dezi/mandaten?lang=en`)).body);
      assert.match(en, /Mandates you received/);
      assert.match(en, /waiting for acceptance/);
      assert.doesNotMatch(en, /\b(wacht op|geaccepteerd|geweigerd|beëindigd|verlopen|Mandaten)\b/);
      const form = await (async () => {
        const jansen = new Browser();
        await portalLogin(jansen, dezi.url, '/mijn-dezi/inloggen', JANSEN.bsn);
        return visibleText((await jansen.goto(`${dezi.url}/mijn-dezi/mandaten/nieuw?lang=en`)).body);
      })();
      assert.match(form, /Dezi-nummer of your colleague/);
      assert.match(form, /The first day the mandate no longer applies/);
      // The link from Mijn Dezi's own page.
      const main = await browser.goto(`${dezi.url}/mijn-dezi?lang=nl`);
      assert.match(main.body, /href="\/mijn-dezi\/mandaten">Mandaten</);
      assert.match(main.body, /href="\/mijn-dezi\/rol">Uw rol verklaren</);
      findForm(main.body, '/mijn-dezi/uitloggen');
    });
  });
