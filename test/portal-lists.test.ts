// The abonnee portal over HTTP: the staff list searched, sorted and paged with its administrators
// marked; an administrator who cannot end their own employment (refused on the server); an end
// date in the future; notices that name the person; pending invitations; the abonnee's own audit
// entries and no one else's; and the logout.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { LOA } from '../src/means/loa.ts';
import { Bsn, passesElfproef } from '../src/means/bsn.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { addDays, dutchDate } from '../src/register/fee-periods.ts';
import type { Abonnee, Person } from '../src/register/register.ts';
import { formatDate } from '../src/portal/format.ts';
import { Browser, findForm, type Exchange } from './helpers/browser.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { digidLogin } from './helpers/login.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;
const BOS = SEED_PERSONS.find((p) => p.achternaam === 'Bos')!;
const HENDRIKS = SEED_PERSONS.find((p) => p.achternaam === 'Hendriks')!;
const NEVER = 'http://never.invalid/';
const OPERATOR = { kind: 'operator', name: 'test' } as const;
const NATO =
  'Alfa Bravo Charlie Delta Echo Foxtrot Golf Hotel India Juliett Kilo Lima Mike November Oscar Papa Quebec Romeo Sierra Tango Uniform Victor Whiskey Xray'.split(
    ' ',
  );

function* freshBsns(): Generator<string> {
  const taken = new Set(SEED_PERSONS.map((p) => p.bsn));
  for (let n = 999990700; ; n++) if (passesElfproef(String(n)) && !taken.has(String(n))) yield String(n);
}

/** What a person reads: the text outside tags, entities decoded, spaces collapsed. */
const text = (body: string) =>
  body
    .replace(/<[^>]*>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** The staff cards of a page, in order. */
const cards = (body: string) =>
  [...body.matchAll(/<li class="[^"]*\bdezi-card\b[^"]*">([\s\S]*?)<\/li>/g)].map((m) => m[1]!);
const namesOn = (body: string) => cards(body).map((c) => /<strong>([^<]*)<\/strong>/.exec(c)![1]!);

for (const backend of BACKENDS)
  describe(`the abonnee portal's lists (${backend})`, () => {
    let dezi: TestDezi;
    withDezi(backend, {}, (f) => ({ dezi } = f));
    const bsns = freshBsns();
    let abonnee: Abonnee;
    let admin: Person;
    let adminBsn: string;
    const staff = new Map<string, Person>();
    let browser: Browser;
    let home: Exchange;
    const base = () => `${dezi.url}/abonnee/91000003`;

    async function portalLogin(b: Browser, path: string, bsn: string): Promise<Exchange> {
      return digidLogin(b, await b.goto(`${dezi.url}${path}`), bsn, NEVER);
    }

    const enrol = async (deziNummer: string, achternaam: string) => {
      const bsn = bsns.next().value!;
      const person = await dezi.register.enrol(
        {
          bsn: Bsn.parse(bsn),
          deziNummer,
          voorletters: `${achternaam[0]}.`,
          voorvoegsel: null,
          achternaam,
          loaDezi: LOA.high,
        },
        [{ abonneeId: abonnee.id, rolCode: null, rolCodeBron: null }],
      );
      return { person, bsn };
    };

    before(async () => {
      abonnee = await dezi.register.createAbonnee(
        { abonneeNummer: '91000003', naam: 'Zorggroep Lijst', kvk: '59100003' },
        OPERATOR,
      );
      ({ person: admin, bsn: adminBsn } = await enrol('900020000', 'Beheerder'));
      await dezi.register.addAbonneeAdministrator(abonnee.id, admin.id, OPERATOR);
      for (const [i, naam] of NATO.entries())
        staff.set(naam, (await enrol(`9000200${String(i + 1).padStart(2, '0')}`, naam)).person);
      browser = new Browser();
      home = await portalLogin(browser, '/abonnee/inloggen', adminBsn);
      assert.match(home.url, /\/abonnee\/91000003$/);
    });

    const employmentOf = async (p: Person) =>
      (await dezi.register.employmentsOfPerson(p.id)).find((e) => e.abonnee.id === abonnee.id)!;
    const csrf = () => findForm(home.body, '/uitnodigen').fields.csrf!;
    const post = (path: string, form: Record<string, string>) =>
      browser.request(`${base()}/${path}`, { form: { csrf: csrf(), ...form } });

    test('the staff list: a page at a time, by name; sorted; searched by name or Dezi-nummer; administrators marked', async () => {
      const all = ['Beheerder', ...NATO].sort();
      assert.match(text(home.body), /Aantal koppelingen: 25/);
      assert.deepEqual(
        namesOn(home.body),
        all.slice(0, 20).map((n) => `${n[0]}. ${n}`),
      );
      assert.match(text(home.body), /Pagina 1 van 2/);
      assert.match(home.body, /href="\/abonnee\/91000003\?pagina=2" rel="next"/);
      const second = await browser.goto(`${base()}?pagina=2`);
      assert.deepEqual(
        namesOn(second.body),
        all.slice(20).map((n) => `${n[0]}. ${n}`),
      );
      assert.match(second.body, /href="\/abonnee\/91000003" rel="prev"/);
      assert.equal(
        cards((await browser.goto(`${base()}?pagina=9`)).body).length,
        0,
        'past the last page: none',
      );

      const byNumber = await browser.goto(`${base()}?sorteer=dezi-nummer&volgorde=aflopend`);
      assert.deepEqual(namesOn(byNumber.body).slice(0, 2), ['X. Xray', 'W. Whiskey']);
      assert.match(byNumber.body, /<option value="dezi-nummer" selected>/);
      assert.match(
        byNumber.body,
        /href="\/abonnee\/91000003\?sorteer=dezi-nummer&amp;volgorde=aflopend&amp;pagina=2"/,
      );

      const tango = await browser.goto(`${base()}?zoek=TANG`);
      assert.deepEqual(namesOn(tango.body), ['T. Tango']);
      assert.match(text(tango.body), /Gevonden voor “TANG”: 1/);
      assert.match(tango.body, /id="zoek" name="zoek" value="TANG"/, 'the search is kept in the field');
      const tens = await browser.goto(`${base()}?zoek=90002001`);
      assert.deepEqual(
        namesOn(tens.body),
        NATO.slice(9, 19)
          .map((n) => `${n[0]}. ${n}`)
          .sort(),
        'a Dezi-nummer searches by its start: 900020010 to 900020019',
      );
      const pageTwo = await browser.goto(`${base()}?zoek=9&sorteer=dezi-nummer`);
      assert.match(pageTwo.body, /href="\/abonnee\/91000003\?zoek=9&amp;sorteer=dezi-nummer&amp;pagina=2"/);
      assert.equal(
        cards((await browser.goto(`${base()}?zoek=%25`)).body).length,
        0,
        'a % is searched for, not a wildcard',
      );
      assert.match(text((await browser.goto(`${base()}?zoek=zzz`)).body), /Niemand gevonden/);

      const marked = cards(home.body).filter((c) =>
        /<span class="[^"]*\bdezi-badge\b[^"]*">beheerder<\/span>/.test(c),
      );
      assert.equal(marked.length, 1);
      assert.match(marked[0]!, /B\. Beheerder/);
      const en = await browser.goto(`${base()}?lang=en`);
      assert.match(text(en.body), /Search by name or Dezi-nummer/);
      assert.match(en.body, /<span class="[^"]*\bdezi-badge\b[^"]*">administrator<\/span>/);
      await browser.goto(`${base()}?lang=nl`);
    });

    test('an administrator cannot end their own employment: not offered, and refused by the server', async () => {
      const own = cards(home.body).find((c) => c.includes('B. Beheerder'))!;
      assert.doesNotMatch(own, /beeindigen/);
      assert.match(text(own), /Dit is uw eigen koppeling/);
      const mine = await employmentOf(admin);
      const attempts: Record<string, string>[] = [
        { employment: mine.id },
        { employment: mine.id, bevestigd: 'ja', einddatum: dutchDate(Date.now()) },
      ];
      for (const form of attempts) {
        const refused = await post('beeindigen', form);
        assert.equal(refused.status, 409);
        assert.match(refused.body, /U kunt uw eigen koppeling niet beëindigen/);
      }
      assert.equal((await employmentOf(admin)).endDate, null);
      assert.equal(await dezi.register.isAbonneeAdministrator(abonnee.id, admin.id), true);
      const [audited] = await dezi.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'register.employment.end' AND outcome = 'failure'
           AND target = $1 AND detail->>'reason' = 'own_employment'`,
        [`employment:${mine.id}`],
      );
      assert.equal(audited!.n, 2);
    });

    test('ending on a later date: the date is asked, checked and kept; the notice names the person', async () => {
      const alfa = await employmentOf(staff.get('Alfa')!);
      const confirm = await post('beeindigen', { employment: alfa.id });
      assert.equal(confirm.status, 200);
      const today = dutchDate(Date.now());
      assert.match(
        confirm.body,
        new RegExp(`type="date"\\s+id="einddatum"\\s+name="einddatum"\\s+value="${today}"\\s+min="${today}"`),
      );
      assert.equal((await employmentOf(staff.get('Alfa')!)).endDate, null, 'nothing before confirmation');

      const submit = (page: Exchange, einddatum: string) =>
        browser.submit(page, '/beeindigen', { einddatum }, NEVER);
      const past = await submit(confirm, addDays(today, -1));
      assert.equal(past.status, 400);
      assert.match(past.body, /<title>Fout: Koppeling beëindigen\? · Dezi<\/title>/);
      assert.match(
        past.body,
        /<a(?: class="[^"]*")? href="#einddatum">De einddatum kan niet in het verleden liggen/,
      );
      assert.match(past.body, /aria-invalid="true"/);
      assert.match(past.body, new RegExp(`value="${addDays(today, -1)}"`), 'what was typed is kept');
      const nonsense = await submit(past, '31-02-2027');
      assert.equal(nonsense.status, 400);
      assert.match(nonsense.body, /Vul een bestaande datum in/);
      assert.equal((await employmentOf(staff.get('Alfa')!)).endDate, null);

      const later = addDays(today, 30);
      const ended = await submit(nonsense, later);
      assert.equal(ended.status, 200);
      assert.match(ended.url, new RegExp(`melding=beeindigd&koppeling=${alfa.id}$`));
      assert.match(
        text(ended.body),
        new RegExp(`De koppeling van A\\. Alfa eindigt op ${formatDate(later, 'nl')}\\.`),
      );
      const stored = await employmentOf(staff.get('Alfa')!);
      assert.deepEqual([stored.endDate, stored.status], [later, 'active']);
      assert.match(
        text(ended.body),
        new RegExp(
          `A\\. Alfa Dezi-nummer 900020001 geen rolcode · actief, eindigt op ${formatDate(later, 'nl')}`,
        ),
      );

      // As a person types it without a date picker, and today: ended at once.
      const bravo = await employmentOf(staff.get('Bravo')!);
      const [y, m, d] = addDays(today, 10).split('-');
      await submit(await post('beeindigen', { employment: bravo.id }), `${d}-${m}-${y}`);
      assert.equal((await employmentOf(staff.get('Bravo')!)).endDate, addDays(today, 10));
      const charlie = await employmentOf(staff.get('Charlie')!);
      const gone = await submit(await post('beeindigen', { employment: charlie.id }), today);
      assert.match(text(gone.body), /De koppeling van C\. Charlie is beëindigd\./);
      assert.equal((await employmentOf(staff.get('Charlie')!)).status, 'ended');

      const delta = await employmentOf(staff.get('Delta')!);
      const role = await browser.follow(
        await post('rol', { employment: delta.id, rolCode: '86.000', rolCodeBron: 'abonnee' }),
      );
      assert.match(text(role.body), /De rol van D\. Delta is nu VIG-er \(86\.000\)\./);

      // Another abonnee's employment named in the address: the plain notice, no name.
      const jansen = (await dezi.register.findPersonByDeziNummer(JANSEN.deziNummer))!;
      const [atLinde] = await dezi.register.employmentsOfPerson(jansen.id);
      const foreign = await browser.goto(`${base()}?melding=beeindigd&koppeling=${atLinde!.id}`);
      assert.match(text(foreign.body), /De koppeling is beëindigd\./);
      assert.doesNotMatch(foreign.body, /Jansen/);
    });

    test('pending invitations are counted and listed; withdrawing one names it', async () => {
      const invited = await browser.submit(
        home,
        '/uitnodigen',
        { deziNummer: BOS.deziNummer, rolCode: '' },
        NEVER,
      );
      assert.match(text(invited.body), /Uitnodigingen \(1 openstaand\)/);
      assert.match(text(invited.body), new RegExp(`Dezi-nummer ${BOS.deziNummer}, geen rolcode: openstaand`));
      const withdrawn = await browser.submit(invited, '/intrekken', {}, NEVER);
      assert.match(
        text(withdrawn.body),
        new RegExp(`De uitnodiging voor Dezi-nummer ${BOS.deziNummer} is ingetrokken\\.`),
      );
      assert.match(text(withdrawn.body), /Uitnodigingen \(0 openstaand\)/);
    });

    test("the abonnee's own audit entries, and only those; another abonnee's administrator is refused", async () => {
      // Something at De Linde that names a person: it must not show in Zorggroep Lijst's log.
      const jansen = new Browser();
      const linde = await portalLogin(jansen, '/abonnee/inloggen', JANSEN.bsn);
      await jansen.submit(linde, '/uitnodigen', { deziNummer: HENDRIKS.deziNummer, rolCode: '' }, NEVER);
      assert.equal((await jansen.goto(`${base()}/logboek`)).status, 403);

      const log = await browser.goto(`${base()}/logboek`);
      assert.equal(log.status, 200);
      const [own] = await dezi.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_events WHERE abonnee_nummer = '91000003'",
      );
      const shown = Number(/Vastgelegde handelingen \((\d+)\)/.exec(text(log.body))![1]);
      assert.equal(shown, own!.n - 1, 'every entry of the abonnee (but the read just recorded after it)');
      const body = text(log.body);
      for (const action of [
        'Koppeling beëindigd',
        'Rol gewijzigd',
        'Uitnodiging gemaakt',
        'Uitnodiging ingetrokken',
        'Abonneeportaal bekeken',
      ])
        assert.match(body, new RegExp(action));
      assert.match(body, /Dezi-nummer 900020000/);
      assert.doesNotMatch(log.body, new RegExp(HENDRIKS.deziNummer));
      // Jansen shows once: his refused attempt to open this abonnee's log is this abonnee's business.
      assert.equal(body.match(new RegExp(JANSEN.deziNummer, 'g'))?.length, 1);
      assert.match(
        body,
        /Dezi-nummer 900010001 Toegang tot het abonneeportaal zonder beheerrechten — geweigerd/,
      );
      // An employment's entries name the person.
      assert.match(body, /Koppeling beëindigd C\. Charlie \(Dezi-nummer 900020003\) gelukt/);
      assert.match(body, /Pagina 1 van \d/);
      const rows = [...log.body.matchAll(/<tr(?: class="[^"]*")?>\s*<td(?: class="[^"]*")?>/g)].length;
      assert.equal(rows, 25, 'a page of 25');
      const [read] = await dezi.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_events WHERE action = 'portal.abonnee.audit.read' AND abonnee_nummer = '91000003'",
      );
      assert.equal(read!.n, 1, 'looking is recorded too');
    });

    test('logging out of the abonnee portal ends the session', async () => {
      const page = await browser.goto(base());
      const out = await browser.submit(page, '/abonnee/uitloggen', {}, NEVER);
      assert.match(out.url, /\/abonnee\?melding=uitgelogd$/);
      assert.match(text(out.body), /U bent uitgelogd uit het abonneeportaal\./);
      assert.ok(!browser.cookies().some((c) => c.name === 'dezi_portal'));
      const after = await browser.goto(base());
      assert.match(after.body, /href="\/abonnee\/inloggen"/);
      assert.doesNotMatch(after.body, /Zorggroep Lijst/);
      const [audited] = await dezi.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_events WHERE action = 'portal.logout' AND actor = '900020000'",
      );
      assert.equal(audited!.n, 1);
      // The old session's form cannot act any more.
      const stale = await browser.request(`${base()}/beeindigen`, {
        form: { csrf: csrf(), employment: 'x' },
      });
      assert.equal(stale.status, 401);
    });
  });
