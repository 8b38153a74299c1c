// Registration fees: the tariff file and its refusals; what is due in a period; an invoice run with
// its lines and totals, numbered without gaps, idempotent; payments; reminders for what is overdue;
// a login that goes on for an abonnee that has not paid; and the invoices in the abonnee portal,
// seen by that abonnee's administrators only.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after as afterAll, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';
import { LOA } from '../src/means/loa.ts';
import { Bsn, passesElfproef } from '../src/means/bsn.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { addDays, dutchDate, parsePeriod } from '../src/register/fee-periods.ts';
import { Fees, NoTariffError, parseEuroAmount } from '../src/register/fees.ts';
import {
  feeOn,
  loadTariffFile,
  parseTariff,
  PROEFTUIN_TARIFF_FILE,
  tariffFor,
  TariffError,
} from '../src/register/tariff.ts';
import { ConflictError, NotFoundError, RegisterError, type Abonnee } from '../src/register/register.ts';
import { Browser, type Exchange } from './helpers/browser.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import {
  ABONNEE_FEE,
  after,
  backdate,
  EMPLOYMENT_FEE,
  inside,
  monthsAgo,
  TEST_TARIFF,
} from './helpers/fees.ts';
import { codeIssued, digidLogin, login } from './helpers/login.ts';
import type { TestRp } from './helpers/rp.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!; // administrator of De Linde
const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!;
const SMIT = SEED_PERSONS.find((p) => p.achternaam === 'Smit')!;
const BOS = SEED_PERSONS.find((p) => p.achternaam === 'Bos')!;
const VISSER = SEED_PERSONS.find((p) => p.achternaam === 'Visser')!;
const OPERATOR = { kind: 'operator', name: 'boekhouding' } as const;
const NEVER = 'http://never.invalid/';

describe('the tariff file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dezi-tariff-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const fee = (o: Record<string, unknown> = {}) => ({
    item: 'employment-registration',
    amountCents: 8500,
    validFrom: '2026-01-01',
    validUntil: null,
    ...o,
  });

  test("the proeftuin's example loads: amounts in cents, with validity dates; it is the proeftuin's default", () => {
    const tariff = loadTariffFile(PROEFTUIN_TARIFF_FILE);
    assert.equal(tariff.invoicePeriod, 'month');
    assert.equal(tariff.paymentTermDays, 30);
    assert.equal(feeOn(tariff, 'abonnee-registration', '2026-11-30')?.amountCents, 25500);
    assert.equal(feeOn(tariff, 'employment-registration', '2026-12-31')?.amountCents, 8500);
    assert.equal(feeOn(tariff, 'employment-registration', '2027-01-01')?.amountCents, 9000);
    assert.equal(feeOn(tariff, 'employment-registration', '2024-12-31'), null, 'no fee before it starts');
    assert.deepEqual(tariffFor({ mode: 'proeftuin' })?.fees, tariff.fees);
    assert.equal(tariffFor({ mode: 'production' }), null, 'production without a file: no fees');
    assert.equal(tariffFor({ mode: 'proeftuin', tariff: null }), null);
  });

  test('a wrong file is refused with what is wrong and where', () => {
    const cases: [unknown, RegExp][] = [
      ['{ "fees": [', /not valid JSON/],
      [[], /must hold one JSON object/],
      [{ fees: [] }, /fees must be a list of at least one fee/],
      [{ fees: [fee()], invoicePeriod: 'week' }, /invoicePeriod must be "month" or "quarter"/],
      [{ fees: [fee()], paymentTermDays: 0 }, /paymentTermDays must be a whole number of days/],
      [{ fees: [fee()], currency: 'EUR' }, /unknown key "currency"/],
      [{ fees: [fee({ amount: 85 })] }, /fees\[0\] has an unknown key "amount"/],
      [
        { fees: [fee({ item: 'pass' })] },
        /fees\[0\]\.item must be one of abonnee-registration, employment-registration/,
      ],
      [{ fees: [fee({ amountCents: 85.5 })] }, /fees\[0\]\.amountCents must be a whole number of euro cents/],
      [{ fees: [fee({ amountCents: -1 })] }, /amountCents must be a whole number of euro cents, 0 or more/],
      [{ fees: [fee({ amountCents: 255_000_000 })] }, /more than €1,000,000: amounts are in euro cents/],
      [{ fees: [fee({ validFrom: '2026-02-30' })] }, /fees\[0\]\.validFrom must be a date YYYY-MM-DD/],
      [{ fees: [fee({ validUntil: '2025-12-31' })] }, /validUntil must lie after validFrom/],
      [
        { fees: [fee({ validUntil: '2027-01-01' }), fee({ validFrom: '2026-06-01', amountCents: 9000 })] },
        /fees\[0\] and fees\[1\] are both valid for employment-registration on 2026-06-01/,
      ],
    ];
    for (const [content, message] of cases) {
      const path = file('t.json', content);
      assert.throws(
        () => loadTariffFile(path),
        (err: unknown) =>
          err instanceof TariffError && message.test(err.message) && err.message.includes(path),
        `${JSON.stringify(content)} → ${message}`,
      );
    }
    assert.throws(() => loadTariffFile(join(dir, 'missing.json')), /cannot read it \(ENOENT\)/);
    // Adjoining periods are fine: validUntil is the first day the fee no longer applies.
    const adjoining = parseTariff(
      { fees: [fee({ validUntil: '2027-01-01' }), fee({ validFrom: '2027-01-01', amountCents: 9000 })] },
      'x',
    );
    assert.equal(feeOn(adjoining, 'employment-registration', '2026-12-31')?.amountCents, 8500);
    assert.equal(feeOn(adjoining, 'employment-registration', '2027-01-01')?.amountCents, 9000);
  });

  test('DEZI_TARIFF_FILE is read at start: a bad file is a clear configuration error, a good one is used', () => {
    const env = { DEZI_DATA_DIR: dir, DEZI_SECRET: '07'.repeat(32) };
    const bad = file('bad.json', { fees: [fee({ amountCents: '85,00' })] });
    assert.throws(
      () => loadConfig({ ...env, DEZI_TARIFF_FILE: bad }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message.startsWith(`DEZI_TARIFF_FILE: tariff file ${bad}: fees[0].amountCents`),
    );
    const good = file('good.json', { invoicePeriod: 'quarter', fees: [fee()] });
    assert.equal(loadConfig({ ...env, DEZI_TARIFF_FILE: good }).tariff?.invoicePeriod, 'quarter');
    assert.equal(loadConfig(env).tariff, undefined, 'none named: the default of the mode');
  });

  test('periods: months and quarters in Dutch time; an operator who types the other kind is told which', () => {
    const november = parsePeriod('2026-11', 'month');
    assert.deepEqual([november.start, november.end], ['2026-11-01', '2026-12-01']);
    assert.equal(november.startsAt.toISOString(), '2026-10-31T23:00:00.000Z', '00:00 in Amsterdam (CET)');
    const q4 = parsePeriod('2026-Q4', 'quarter');
    assert.deepEqual([q4.start, q4.end], ['2026-10-01', '2027-01-01']);
    assert.equal(
      parsePeriod('2026-Q3', 'quarter').startsAt.toISOString(),
      '2026-06-30T22:00:00.000Z',
      'CEST',
    );
    assert.throws(() => parsePeriod('2026-Q4', 'month'), /per month: give a month such as 2026-11/);
    assert.throws(() => parsePeriod('2026-11', 'quarter'), /per quarter: give a quarter such as 2026-Q4/);
    for (const wrong of ['2026-13', '2026-1', 'november', '2026-11-01'])
      assert.throws(() => parsePeriod(wrong, 'month'), RegisterError, wrong);
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(dutchDate(new Date('2026-10-31T23:30:00Z')), '2026-11-01');
  });

  test('an amount as an operator types it', () => {
    assert.equal(parseEuroAmount('255'), 25500);
    assert.equal(parseEuroAmount('255,00'), 25500);
    assert.equal(parseEuroAmount('€ 85.5'), 8550);
    assert.equal(parseEuroAmount('1.234,50'), 123450);
    assert.equal(parseEuroAmount('1,234.50'), 123450);
    // Three digits after one separator are thousands, in either notation.
    assert.equal(parseEuroAmount('1.234'), 123400);
    for (const wrong of ['', 'abc', '1.234.50', '12,345,6', '-5', '5,1234'])
      assert.throws(() => parseEuroAmount(wrong), RegisterError, wrong);
  });
});

/** Invoice numbers per year are 1, 2, 3, … without a gap. */
async function assertNoGaps(dezi: TestDezi) {
  const rows = await dezi.db.query<{ number: string }>('SELECT number FROM invoices ORDER BY number');
  const byYear = new Map<string, number[]>();
  for (const { number } of rows) {
    const [, year, n] = /^DEZI-([0-9]{4})-([0-9]{6})$/.exec(number)!;
    byYear.set(year!, [...(byYear.get(year!) ?? []), Number(n)]);
  }
  for (const [year, numbers] of byYear)
    assert.deepEqual(
      numbers,
      numbers.map((_, i) => i + 1),
      `the numbers of ${year} have no gaps`,
    );
}

for (const backend of BACKENDS)
  describe(`fees and invoices (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    withDezi(backend, { config: { tariff: TEST_TARIFF }, rp: true }, (f) => ({ dezi, rp } = f));

    // Registrations four months back (P) and three months back (P2): periods that have ended long
    // enough ago that their invoices are past their due date today.
    const P = monthsAgo(4);
    const P2 = monthsAgo(3);
    let praktijk: Abonnee;
    const invoiceOf = async (abonneeNummer: string, period: string) =>
      (await dezi.fees.list({ period })).find((i) => i.abonneeNummer === abonneeNummer)!;

    test('what is due: the abonnee once, each employment registered in the period, by the fee valid then', async () => {
      praktijk = await dezi.register.createAbonnee(
        { abonneeNummer: '91000001', naam: 'Praktijk Factuur', kvk: '59100001' },
        OPERATOR,
      );
      const bos = (await dezi.register.findPersonByDeziNummer(BOS.deziNummer))!;
      const smit = (await dezi.register.findPersonByDeziNummer(SMIT.deziNummer))!;
      await dezi.register.createEmployment({
        personId: bos.id,
        abonneeId: praktijk.id,
        rolCode: null,
        rolCodeBron: null,
      });
      await dezi.register.createEmployment({
        personId: smit.id,
        abonneeId: praktijk.id,
        rolCode: '86.000',
        rolCodeBron: 'abonnee',
        startDate: '2030-01-01', // registered now, starting later: charged when registered
      });
      await backdate(dezi.db, '91000001', inside(P));
      await backdate(dezi.db, '90000111', inside(P, 20)); // De Linde and its seeded employments

      const dues = await dezi.fees.dues(P, praktijk.id);
      const day = `${P.start.slice(0, 8)}15`;
      assert.deepEqual(
        dues.lines
          .map((l) => [l.item, l.deziNummer, l.personName, l.rolCode, l.amountCents, l.eventDate])
          .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
        [
          ['employment-registration', SMIT.deziNummer, 'D. Smit', '86.000', EMPLOYMENT_FEE, day],
          ['employment-registration', BOS.deziNummer, 'T. Bos', null, EMPLOYMENT_FEE, day],
          ['abonnee-registration', null, null, null, ABONNEE_FEE, day],
        ],
      );
      assert.equal(dues.unpriced, 0);
      // Not in another period, and not for another abonnee.
      assert.deepEqual((await dezi.fees.dues(P2, praktijk.id)).lines, []);
      const all = await dezi.fees.dues(P);
      assert.deepEqual([...new Set(all.lines.map((l) => l.abonneeNummer))].sort(), ['90000111', '91000001']);

      // A day without a fee: the registration is not charged, and counted as such.
      const gap = parseTariff(
        { fees: [{ item: 'abonnee-registration', amountCents: 100, validFrom: '2999-01-01' }] },
        'gap',
      );
      const unpriced = await new Fees(dezi.db, gap).dues(P, praktijk.id);
      assert.deepEqual([unpriced.lines.length, unpriced.unpriced], [0, 3]);
    });

    test('an invoice run: one invoice per abonnee with its lines and total, numbered without gaps; a rerun makes none', async () => {
      await assert.rejects(
        dezi.fees.run(dezi.fees.currentPeriod().label, OPERATOR),
        (err: unknown) => err instanceof ConflictError && /has not ended yet/.test(err.message),
      );
      await assert.rejects(dezi.fees.run('2026-Q1', OPERATOR), /per month/);
      await assert.rejects(new Fees(dezi.db, null).run(P.label, OPERATOR), NoTariffError);

      const run = await dezi.fees.run(P.label, OPERATOR, { now: after(P) });
      const year = dutchDate(after(P)).slice(0, 4);
      assert.deepEqual(
        run.made.map((m) => [m.abonneeNummer, m.number, m.totalCents, m.lines]),
        [
          ['90000111', `DEZI-${year}-000001`, ABONNEE_FEE + 2 * EMPLOYMENT_FEE, 3],
          ['91000001', `DEZI-${year}-000002`, ABONNEE_FEE + 2 * EMPLOYMENT_FEE, 3],
        ],
      );
      assert.equal(run.issueDate, dutchDate(after(P)));
      const invoice = (await dezi.fees.get(`DEZI-${year}-000002`))!;
      assert.equal(invoice.abonneeNummer, '91000001');
      assert.equal(invoice.period, P.label);
      assert.equal(invoice.dueDate, addDays(run.issueDate, 30));
      assert.equal(
        invoice.totalCents,
        invoice.lines.reduce((s, l) => s + l.amountCents, 0),
      );
      assert.deepEqual(
        invoice.lines.map((l) => l.lineNo),
        [1, 2, 3],
      );
      // Nothing left to invoice for the period; a second run makes nothing and uses no number.
      assert.deepEqual((await dezi.fees.dues(P)).lines, []);
      const again = await dezi.fees.run(P.label, OPERATOR, { now: after(P, 5) });
      assert.deepEqual([again.made.length, again.alreadyInvoiced], [0, 0]);
      const [audited] = await dezi.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_events WHERE action = 'fees.invoice.create' AND actor = 'operator:boekhouding'",
      );
      assert.equal(audited!.n, 2);

      // The next period: one new employment; two runs at once make one invoice between them.
      const visser = (await dezi.register.findPersonByDeziNummer(VISSER.deziNummer))!;
      const late = await dezi.register.createEmployment({
        personId: visser.id,
        abonneeId: praktijk.id,
        rolCode: null,
        rolCodeBron: null,
      });
      await backdate(dezi.db, '91000001', inside(P2), { abonnee: false, employments: [late.id] });
      const [one, two] = await Promise.all([
        dezi.fees.run(P2.label, OPERATOR, { now: after(P2) }),
        dezi.fees.run(P2.label, OPERATOR, { now: after(P2) }),
      ]);
      assert.equal(one!.made.length + two!.made.length, 1);
      assert.equal(one!.alreadyInvoiced + two!.alreadyInvoiced, 0, 'the second found nothing due');
      const second = await invoiceOf('91000001', P2.label);
      assert.equal(second.totalCents, EMPLOYMENT_FEE);
      await assertNoGaps(dezi);
    });

    test('payments: partial, then the rest makes it paid; too much, too early, in the future or twice is refused', async () => {
      const invoice = await invoiceOf('91000001', P.label);
      assert.equal(invoice.status, 'overdue', 'its due date has passed');
      const pay = (amountCents: number, paidOn: string) =>
        dezi.fees.recordPayment(invoice.number, { amountCents, paidOn }, OPERATOR);
      const today = Fees.today();
      await assert.rejects(pay(invoice.totalCents + 1, today), /more than what is outstanding/);
      await assert.rejects(pay(100, addDays(today, 1)), /in the future/);
      await assert.rejects(pay(100, addDays(invoice.issueDate, -1)), /before the invoice's date/);
      await assert.rejects(pay(0, today), /more than €0,00/);
      await assert.rejects(
        dezi.fees.recordPayment('DEZI-1999-000001', { amountCents: 100, paidOn: today }, OPERATOR),
        NotFoundError,
      );
      assert.equal((await dezi.fees.get(invoice.number))!.payments.length, 0, 'nothing stored by a refusal');

      const partial = await pay(20000, invoice.issueDate);
      assert.deepEqual([partial.paidCents, partial.status], [20000, 'overdue']);
      const paid = await pay(invoice.totalCents - 20000, today);
      assert.deepEqual([paid.paidCents, paid.status], [invoice.totalCents, 'paid']);
      await assert.rejects(pay(100, today), /is paid already/);
      assert.equal(await dezi.fees.outstanding(praktijk.id), EMPLOYMENT_FEE, 'the P2 invoice is left');
      const [audit] = await dezi.db.query<{
        actor: string;
        abonnee_nummer: string;
        detail: { amount_cents: number };
      }>(
        "SELECT actor, abonnee_nummer, detail FROM audit_events WHERE action = 'fees.invoice.payment' ORDER BY id DESC LIMIT 1",
      );
      assert.deepEqual(
        [audit!.actor, audit!.abonnee_nummer.trim(), audit!.detail.amount_cents],
        ['operator:boekhouding', '91000001', invoice.totalCents - 20000],
      );
    });

    test('an invoice unpaid after its due date gets a reminder, once, and the next one after the interval', async () => {
      const linde = await invoiceOf('90000111', P.label);
      assert.equal(linde.status, 'overdue');
      const sent = await dezi.fees.remind(OPERATOR);
      const seqOf = (list: { number: string; seq: number }[], n: string) =>
        list.find((r) => r.number === n)?.seq;
      assert.equal(seqOf(sent, linde.number), 1);
      const paid = await invoiceOf('91000001', P.label);
      assert.equal(seqOf(sent, paid.number), undefined, 'a paid invoice gets none');
      assert.deepEqual(await dezi.fees.remind(OPERATOR), [], 'twice on a day: nothing new');
      assert.deepEqual(await dezi.fees.remind(OPERATOR, { now: Date.now() + 13 * 86_400_000 }), []);
      const later = await dezi.fees.remind(OPERATOR, { now: Date.now() + 14 * 86_400_000 });
      assert.equal(seqOf(later, linde.number), 2);
      const detail = (await dezi.fees.get(linde.number))!;
      assert.deepEqual(
        detail.reminderList.map((r) => [r.seq, r.sentOn]),
        [
          [1, Fees.today()],
          [2, Fees.today({ now: Date.now() + 14 * 86_400_000 })],
        ],
      );
      const overdue = await dezi.fees.list({ status: 'overdue' });
      assert.ok(overdue.some((i) => i.number === linde.number));
      assert.ok(!overdue.some((i) => i.number === paid.number));
    });

    test('not paying never blocks a login: a person at an abonnee with an overdue invoice logs in', async () => {
      assert.equal((await invoiceOf('90000111', P.label)).status, 'overdue');
      const jansen = await login(rp, JANSEN.bsn);
      assert.ok(codeIssued(jansen.browser, rp.redirectUri), 'the zorgapplicatie got its code');
      // The abonnee portal as well.
      const portal = await portalLogin(new Browser(), '/abonnee/inloggen', JANSEN.bsn);
      assert.equal(portal.status, 200);
      assert.match(portal.url, /\/abonnee\/90000111$/);
    });

    async function portalLogin(browser: Browser, path: string, bsn: string): Promise<Exchange> {
      const meansPage = await browser.goto(`${dezi.url}${path}`);
      return digidLogin(browser, meansPage, bsn, NEVER);
    }

    test("the abonnee portal: an administrator sees the abonnee's invoices and each with its lines; in English too", async () => {
      const linde = await invoiceOf('90000111', P.label);
      const admin = new Browser();
      const home = await portalLogin(admin, '/abonnee/inloggen', JANSEN.bsn);
      assert.match(home.body, /href="\/abonnee\/90000111\/facturen"/);
      const list = await admin.goto(`${dezi.url}/abonnee/90000111/facturen?lang=nl`);
      assert.equal(list.status, 200);
      assert.match(
        list.body,
        new RegExp(`href="/abonnee/90000111/facturen/${linde.number}">${linde.number}<`),
      );
      assert.match(list.body, /te laat/);
      assert.match(list.body, /Er staat een factuur open na de vervaldatum/);
      assert.match(list.body, /€&nbsp;425,00|€\u00a0425,00/);
      // What the running period will bring: nothing registered at De Linde in it by this suite yet.
      assert.match(list.body, /Lopende periode/);

      const page = await admin.goto(`${dezi.url}/abonnee/90000111/facturen/${linde.number}`);
      assert.equal(page.status, 200);
      assert.match(page.body, new RegExp(`<h1(?: class="[^"]*")?>Factuur ${linde.number}</h1>`));
      assert.match(page.body, /Registratie van Huisartsenpraktijk De Linde in het Dezi-register/);
      assert.match(page.body, /Koppeling van J\. Jansen \(Dezi-nummer 900010001\), Huisarts \(01\.015\)/);
      assert.match(page.body, /Koppeling van F\. el Amrani \(Dezi-nummer 900010002\), Huisarts \(01\.015\)/);
      assert.match(page.body, /Herinnering 1, gestuurd op/);
      assert.match(page.body, /Vermeld bij uw betaling het factuurnummer/);
      assert.match(page.body, /<caption(?: class="[^"]*")? id="regels-caption">/);
      const en = await admin.goto(`${dezi.url}/abonnee/90000111/facturen/${linde.number}?lang=en`);
      assert.match(en.body, /Employment of J\. Jansen/);
      assert.match(en.body, /overdue/);
      assert.match(en.body, /€425\.00/);
      assert.doesNotMatch(en.body, /te laat|Koppeling van/);

      const [read] = await dezi.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_events WHERE action = 'portal.abonnee.invoice.read' AND outcome = 'success' AND target = $1",
        [`invoice:${linde.number}`],
      );
      assert.ok(read!.n >= 2, 'each view is audited');
    });

    test("another abonnee's administrator, a non-administrator and a logged-out browser see none of them", async () => {
      const linde = await invoiceOf('90000111', P.label);
      const own = await invoiceOf('91000001', P.label);
      // Bos works at Praktijk Factuur (Smit only from 2030 on) and administers it.
      const bos = (await dezi.register.findPersonByDeziNummer(BOS.deziNummer))!;
      await dezi.register.addAbonneeAdministrator(praktijk.id, bos.id, OPERATOR);
      const other = new Browser();
      await portalLogin(other, '/abonnee/inloggen', BOS.bsn);
      assert.equal((await other.goto(`${dezi.url}/abonnee/90000111/facturen`)).status, 403);
      assert.equal((await other.goto(`${dezi.url}/abonnee/90000111/facturen/${linde.number}`)).status, 403);
      const foreign = await other.goto(`${dezi.url}/abonnee/91000001/facturen/${linde.number}`);
      assert.equal(foreign.status, 404);
      assert.doesNotMatch(foreign.body, /De Linde|425/);
      assert.equal((await other.goto(`${dezi.url}/abonnee/91000001/facturen/DEZI-2026-99999`)).status, 404);
      const ownList = await other.goto(`${dezi.url}/abonnee/91000001/facturen`);
      assert.equal(ownList.status, 200);
      assert.match(ownList.body, new RegExp(own.number));
      assert.doesNotMatch(ownList.body, new RegExp(linde.number));
      assert.match(ownList.body, />betaald</);

      const amrani = new Browser();
      await portalLogin(amrani, '/mijn-dezi/inloggen', AMRANI.bsn);
      assert.equal((await amrani.goto(`${dezi.url}/abonnee/90000111/facturen/${linde.number}`)).status, 403);
      const anonymous = await new Browser().goto(`${dezi.url}/abonnee/90000111/facturen/${linde.number}`);
      assert.match(anonymous.body, /href="\/abonnee\/inloggen"/);
      const main = /<main[\s\S]*<\/main>/.exec(anonymous.body)![0];
      assert.doesNotMatch(
        main,
        new RegExp(linde.number),
        'only the address it was asked by (language switch)',
      );
    });

    test('the running period: a registration now shows as to be invoiced, with its amount', async () => {
      const newcomer = await dezi.register.enrol(
        {
          bsn: Bsn.parse(freshBsn()),
          deziNummer: '900019101',
          voorletters: 'N.',
          voorvoegsel: null,
          achternaam: 'Nieuw',
          loaDezi: LOA.high,
        },
        [{ abonneeId: praktijk.id, rolCode: null, rolCodeBron: null }],
      );
      assert.ok(newcomer);
      const bos = new Browser();
      await portalLogin(bos, '/abonnee/inloggen', BOS.bsn);
      const list = await bos.goto(`${dezi.url}/abonnee/91000001/facturen`);
      assert.match(list.body, /Registraties tot nu toe: 1, samen €(&nbsp;|\u00a0)85,00/);
    });
  });

function freshBsn(): string {
  const taken = new Set(SEED_PERSONS.map((p) => p.bsn));
  for (let n = 999990600; ; n++) if (passesElfproef(String(n)) && !taken.has(String(n))) return String(n);
}
