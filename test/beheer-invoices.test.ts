// Beheer, fees: the operator finds invoices by abonnee, status and period; makes a period's invoices
// (a period that has not ended, or is typed wrong, is refused at the field; a second run makes none);
// sends the reminders that are due; records payments on an invoice (a wrong amount or date keeps the
// input, says what is wrong and stores nothing; a paid invoice takes no more). An overdue abonnee is
// marked on the abonnees page and still logs in. Every change is audited with the operator as actor.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { addDays, dutchDate } from '../src/register/fee-periods.ts';
import { findForm, type Browser, type Exchange } from './helpers/browser.ts';
import { assertNoBsn, auditOf, OPERATOR, operatorBrowser } from './helpers/beheer.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import {
  ABONNEE_FEE,
  after,
  backdate,
  EMPLOYMENT_FEE,
  inside,
  monthsAgo,
  TEST_TARIFF,
} from './helpers/fees.ts';
import { withDezi } from './helpers/fixture.ts';
import { login } from './helpers/login.ts';
import { registerRp } from './helpers/rp.ts';

const OPERATOR_ACTOR = `operator:${OPERATOR.deziNummer}`;
const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!; // at De Linde, 90000111
const TODAY = () => dutchDate(Date.now());

/** The rows of the invoice table: [number, abonnee, period, due, total, paid, status]. */
function rows(body: string): string[][] {
  const tbody = /<tbody(?: class="[^"]*")?>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? '';
  return [...tbody.matchAll(/<tr(?: class="[^"]*")?>([\s\S]*?)<\/tr>/g)].map(([, tr]) =>
    [...tr!.matchAll(/<td(?: class="[^"]*")?>([\s\S]*?)<\/td>/g)].map(([, td]) =>
      td!
        .replace(/<[^>]*>/g, ' ')
        .replace(/&nbsp;|\u00a0/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
}

/** What the operator reads in the page's main text, tags dropped. */
const text = (page: Exchange) =>
  page.body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\u00a0/g, ' ')
    .replace(/\s+/g, ' ');

for (const backend of BACKENDS)
  describe(`beheer: invoices (${backend})`, () => {
    let dezi: TestDezi;
    let browser: Browser;
    // De Linde registered in P, invoiced right after it: overdue today. Zuidwijk registered in P2,
    // invoiced from beheer today: open.
    const P = monthsAgo(4);
    const P2 = monthsAgo(3);
    let overdueNumber: string;
    withDezi(backend, { config: { operators: [OPERATOR.deziNummer], tariff: TEST_TARIFF } }, async (f) => {
      dezi = f.dezi;
      await backdate(dezi.db, '90000111', inside(P));
      await backdate(dezi.db, '90000222', inside(P2));
      const run = await dezi.fees.run(P.label, { kind: 'operator', name: 'test' }, { now: after(P) });
      overdueNumber = run.made.find((m) => m.abonneeNummer === '90000111')!.number;
      browser = await operatorBrowser(dezi.url);
    });

    test('the list: every invoice, then by abonnee, status and period; a wrong filter is said at its field', async () => {
      const all = await browser.goto(`${dezi.url}/beheer/facturen`);
      assert.equal(all.status, 200);
      assert.deepEqual(
        rows(all.body).map((r) => [r[0], r[1], r[6]]),
        [[overdueNumber, 'Huisartsenpraktijk De Linde ( 90000111 )', 'te laat']],
      );
      assert.match(text(all), /Gevonden facturen: 1/);
      const [search] = await auditOf(dezi.db, 'beheer.invoices.search');
      assert.deepEqual(
        [search!.actor, search!.outcome, search!.detail.results],
        [OPERATOR_ACTOR, 'success', 1],
      );

      const paid = await browser.goto(`${dezi.url}/beheer/facturen?status=paid`);
      assert.match(text(paid), /Geen factuur gevonden/);
      const byAbonnee = await browser.goto(`${dezi.url}/beheer/facturen?abonnee=90000111&periode=${P.label}`);
      assert.equal(rows(byAbonnee.body).length, 1);
      const other = await browser.goto(`${dezi.url}/beheer/facturen?abonnee=90000222`);
      assert.equal(rows(other.body).length, 0);

      const wrong = await browser.goto(`${dezi.url}/beheer/facturen?abonnee=12&status=kwijt&periode=nov`);
      assert.equal(wrong.status, 400);
      assert.match(wrong.body, /<title>Fout: Facturen · Dezi<\/title>/);
      for (const id of ['abonnee', 'status', 'periode']) {
        assert.match(wrong.body, new RegExp(`<a(?: class="[^"]*")? href="#${id}">`), id);
        assert.match(wrong.body, new RegExp(`id="${id}-error"`), id);
      }
      assert.match(wrong.body, /value="nov"/, 'the input is kept');
      const unknown = await browser.goto(`${dezi.url}/beheer/facturen?abonnee=99999999`);
      assert.equal(unknown.status, 400);
      assert.match(unknown.body, /Vul het abonneenummer van een bestaande abonnee in/);
      const [refused] = await auditOf(dezi.db, 'beheer.invoices.search');
      assert.equal(refused!.outcome, 'failure');
    });

    test("make a period's invoices: not before it has ended, typed as the tariff's period, once", async () => {
      const page = await browser.goto(`${dezi.url}/beheer/facturen`);
      // The form offers the last period that has ended.
      const lastEnded = monthsAgo(1).label;
      assert.match(
        page.body,
        new RegExp(`name="periode_run"[^>]*value="${lastEnded}"|value="${lastEnded}"[^>]*name="periode_run"`),
      );

      const running = monthsAgo(0).label;
      const early = await browser.submit(page, '/beheer/facturen/maken', { periode_run: running });
      assert.equal(early.status, 400);
      assert.match(early.body, /<title>Fout: Facturen · Dezi<\/title>/);
      assert.match(early.body, /<a(?: class="[^"]*")? href="#periode_run">/);
      assert.match(text(early), /is nog niet afgelopen/);
      assert.match(early.body, new RegExp(`value="${running}"`), 'the input is kept');
      const quarter = await browser.submit(page, '/beheer/facturen/maken', { periode_run: '2026-Q1' });
      assert.equal(quarter.status, 400);
      assert.match(text(quarter), /Vul een maand in zoals 2026-11/);
      const before = await dezi.fees.list();
      assert.equal(before.length, 1, 'nothing made by a refused run');

      const made = await browser.submit(page, '/beheer/facturen/maken', { periode_run: P2.label });
      assert.equal(made.status, 200);
      assert.match(made.url, new RegExp(`/beheer/facturen\\?periode=${P2.label}&melding=gemaakt&aantal=1$`));
      assert.match(text(made), /De facturen van deze periode zijn gemaakt: 1\./);
      const [row] = rows(made.body);
      assert.equal(row![1], 'Gezondheidscentrum Zuidwijk ( 90000222 )');
      assert.equal(row![6], 'te betalen', 'due in the tariff’s term from today');
      const invoice = (await dezi.fees.list({ period: P2.label }))[0]!;
      const employments = await dezi.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM employments e JOIN abonnees a ON a.id = e.abonnee_id
         WHERE a.abonnee_nummer = '90000222'`,
      );
      assert.equal(invoice.totalCents, ABONNEE_FEE + employments[0]!.n * EMPLOYMENT_FEE);
      assert.equal(invoice.dueDate, addDays(TODAY(), TEST_TARIFF.paymentTermDays));
      const [run] = await auditOf(dezi.db, 'fees.run');
      assert.deepEqual(
        [run!.actor, run!.target, run!.detail.invoices],
        [OPERATOR_ACTOR, `period:${P2.label}`, 1],
      );

      const again = await browser.submit(made, '/beheer/facturen/maken', { periode_run: P2.label });
      assert.match(again.url, /melding=niets_gemaakt&aantal=0$/);
      assert.match(text(again), /Er is geen nieuwe factuur gemaakt/);
      assert.equal((await dezi.fees.list()).length, 2);
    });

    test("an overdue abonnee is marked on the abonnees page and still logs in; reminders follow the tariff's interval", async () => {
      const abonnees = await browser.goto(`${dezi.url}/beheer/abonnees`);
      const lindeRow = /<tr[^>]*>(?:(?!<\/tr>)[\s\S])*?90000111[\s\S]*?<\/tr>/.exec(abonnees.body)![0];
      const zuidwijkRow = /<tr[^>]*>(?:(?!<\/tr>)[\s\S])*?90000222[\s\S]*?<\/tr>/.exec(abonnees.body)![0];
      assert.match(lindeRow, /Betaling te laat/);
      assert.doesNotMatch(zuidwijkRow, /Betaling te laat/);
      const signedIn = await login(await registerRp(dezi.url), JANSEN.bsn);
      assert.ok(
        new URL(signedIn.final.location!).searchParams.has('code'),
        'not paying never blocks a login',
      );

      // The run from beheer in the test before sent the first reminder, as the operator.
      const [first] = await auditOf(dezi.db, 'fees.invoice.reminder');
      assert.deepEqual([first!.actor, first!.target], [OPERATOR_ACTOR, `invoice:${overdueNumber}`]);
      const page = await browser.goto(`${dezi.url}/beheer/facturen`);
      const none = await browser.submit(page, '/beheer/facturen/herinneren');
      assert.match(none.url, /\/beheer\/facturen\?status=overdue&melding=geen_herinneringen&aantal=0$/);
      assert.match(text(none), /Er was geen herinnering te versturen/);
      assert.equal((await dezi.fees.get(overdueNumber))!.reminderList.length, 1);

      // The tariff's interval later, the next one is due.
      await dezi.db.query('UPDATE invoice_reminders SET sent_on = $1', [
        addDays(TODAY(), -TEST_TARIFF.reminderIntervalDays),
      ]);
      const sent = await browser.submit(none, '/beheer/facturen/herinneren');
      assert.match(sent.url, /melding=herinnerd&aantal=1$/);
      assert.match(text(sent), /Herinneringen verstuurd: 1\./);
      assert.match(rows(sent.body)[0]![6]!, /herinneringen: 2/);
      assert.deepEqual(
        (await dezi.fees.get(overdueNumber))!.reminderList.map((r) => r.seq),
        [1, 2],
      );
    });

    test('record payments: wrong input is kept and named, nothing stored; partial, then in full; then no more', async () => {
      const page = await browser.goto(`${dezi.url}/beheer/facturen/${overdueNumber}`);
      assert.equal(page.status, 200);
      assert.match(page.body, new RegExp(`<h1[^>]*>Factuur ${overdueNumber}</h1>`));
      assert.match(text(page), /De vervaldatum van deze factuur is verstreken/);
      const [read] = await auditOf(dezi.db, 'beheer.invoice.read');
      assert.deepEqual([read!.actor, read!.target], [OPERATOR_ACTOR, `invoice:${overdueNumber}`]);
      const invoice = (await dezi.fees.get(overdueNumber))!;
      const path = `/beheer/facturen/${overdueNumber}/betaling`;

      const cases: [Record<string, string>, string, RegExp][] = [
        [{ bedrag: 'twaalf', datum: TODAY() }, 'bedrag', /Vul een bedrag in euro in/],
        [{ bedrag: '0,00', datum: TODAY() }, 'bedrag', /Vul een bedrag in euro in/],
        [{ bedrag: '99999,00', datum: TODAY() }, 'bedrag', /meer dan er nog te betalen is/],
        [{ bedrag: '10,00', datum: addDays(TODAY(), 1) }, 'datum', /ligt in de toekomst/],
        [{ bedrag: '10,00', datum: addDays(invoice.issueDate, -1) }, 'datum', /ligt voor de factuurdatum/],
        [{ bedrag: '10,00', datum: '31-12-2026' }, 'datum', /Vul de datum in/],
      ];
      for (const [form, id, message] of cases) {
        const wrong = await browser.submit(page, path, form);
        assert.equal(wrong.status, 400, JSON.stringify(form));
        assert.match(wrong.body, /<title>Fout: Factuur /);
        assert.match(wrong.body, new RegExp(`<a(?: class="[^"]*")? href="#${id}">`), id);
        assert.match(text(wrong), message);
        assert.match(wrong.body, new RegExp(`value="${form[id]}"`), 'the input is kept');
      }
      assert.equal((await dezi.fees.get(overdueNumber))!.payments.length, 0, 'nothing stored');

      const partial = await browser.submit(page, path, { bedrag: '100,00', datum: TODAY() });
      assert.match(partial.url, new RegExp(`/beheer/facturen/${overdueNumber}\\?melding=betaald$`));
      assert.match(text(partial), /De betaling is vastgelegd/);
      assert.match(text(partial), /€ 100,00 ontvangen op/);
      const [payment] = await auditOf(dezi.db, 'fees.invoice.payment');
      assert.deepEqual([payment!.actor, payment!.target], [OPERATOR_ACTOR, `invoice:${overdueNumber}`]);

      const rest = (invoice.totalCents - 10000) / 100;
      const full = await browser.submit(partial, path, {
        bedrag: rest.toFixed(2).replace('.', ','),
        datum: TODAY(),
      });
      assert.match(full.url, /melding=betaald$/);
      assert.doesNotMatch(full.body, /action="[^"]*\/betaling"/, 'no payment form on a paid invoice');
      assert.equal((await dezi.fees.get(overdueNumber))!.status, 'paid');

      const late = await browser.submit(page, path, { bedrag: '1,00', datum: TODAY() });
      assert.equal(late.status, 409, 'a post from an old tab on a paid invoice');
      assert.equal((await dezi.fees.get(overdueNumber))!.payments.length, 2);

      const abonnees = await browser.goto(`${dezi.url}/beheer/abonnees?q=90000111`);
      assert.doesNotMatch(abonnees.body, /Betaling te laat/);
      assertNoBsn(browser);
    });

    test('an unknown or malformed invoice number is not found; English on asking', async () => {
      for (const nummer of ['DEZI-1999-000001', 'x%27%3B--']) {
        const res = await browser.goto(`${dezi.url}/beheer/facturen/${nummer}`);
        assert.equal(res.status, 404, nummer);
        assert.match(res.body, /href="\/beheer\/facturen"/, 'a way back');
      }
      const [missing] = await auditOf(dezi.db, 'beheer.invoice.read');
      assert.deepEqual([missing!.outcome, missing!.detail.asked], ['failure', null]);
      const english = await browser.goto(`${dezi.url}/beheer/facturen?lang=en`);
      assert.match(english.body, /<h1[^>]*>Invoices<\/h1>/);
      assert.match(english.body, /Make the invoices of a period/);
    });
  });

describe('beheer: invoices without a tariff', () => {
  let dezi: TestDezi;
  let browser: Browser;
  withDezi('pglite', { config: { operators: [OPERATOR.deziNummer], tariff: null } }, async (f) => {
    dezi = f.dezi;
    browser = await operatorBrowser(dezi.url);
  });

  test('the page says so and offers no run; a post is refused and makes nothing', async () => {
    const page = await browser.goto(`${dezi.url}/beheer/facturen`);
    assert.equal(page.status, 200);
    assert.match(text(page), /Er is geen tarief ingesteld/);
    assert.doesNotMatch(page.body, /action="\/beheer\/facturen\/maken"/);
    const { csrf } = findForm(
      (await browser.goto(`${dezi.url}/beheer/abonnees`)).body,
      '/beheer/abonnees/nieuw',
    ).fields;
    assert.ok(csrf);
    for (const path of ['/beheer/facturen/maken', '/beheer/facturen/herinneren']) {
      const res = await browser.request(`${dezi.url}${path}`, {
        form: { csrf, periode_run: '2020-01' },
      });
      assert.equal(res.status, 409, path);
    }
    assert.equal((await dezi.fees.list()).length, 0);
  });
});
