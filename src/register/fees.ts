// Registration fees (vergoeding): the one API the CLI, the abonnee portal and beheer use. What is
// due is computed from the register's abonnees and employments by the tariff (fee-dues.ts);
// invoices are made per period, numbered without gaps, once per abonnee and period (invoices.ts);
// the operator records payments; an invoice unpaid after its due date gets reminders. Nothing here
// is ever consulted by a login: not paying never stops care (docs/operations.md#fees).
import type { Database } from '../db/database.ts';
import { waitForAdvisoryLock } from '../db/lock.ts';
import { recordAudit, type Actor } from '../audit/audit.ts';
import { isUuid } from '../ids.ts';
import { ConflictError, NotFoundError, RegisterError } from './errors.ts';
import { duesOf, type DueLine, type Dues } from './fee-dues.ts';
import { addDays, dutchDate, parsePeriod, periodOfDate, type Period } from './fee-periods.ts';
import {
  createInvoice,
  hasInvoiceFor,
  insertPayment,
  insertReminder,
  invoiceByNumber,
  invoiceDetail,
  invoicesToRemind,
  countInvoices,
  listInvoices,
  type Invoice,
  type InvoiceDetail,
  type InvoiceFilter,
} from './invoices.ts';
import type { Tariff } from './tariff.ts';

export type { DueLine, Dues } from './fee-dues.ts';
export type { Period } from './fee-periods.ts';
export { parsePeriod, periodOfDate } from './fee-periods.ts';
export type {
  Invoice,
  InvoiceDetail,
  InvoiceFilter,
  InvoiceLine,
  InvoiceStatus,
  Payment,
  Reminder,
} from './invoices.ts';
export { INVOICE_NUMBER } from './invoices.ts';
export type { FeeItem, Tariff, TariffEntry } from './tariff.ts';
export { loadTariffFile, parseTariff, TariffError } from './tariff.ts';

/** "dezi invoices run" and friends in a deployment without a tariff. */
export class NoTariffError extends RegisterError {
  override name = 'NoTariffError';
  constructor() {
    super('no tariff is configured: set DEZI_TARIFF_FILE to the tariff file', 'conflict');
  }
}

const INVOICE_RUN_LOCK = 7_347_716; // "dezi invoice run": one run at a time, whatever instance

/** Options every operation accepts: the clock (tests, and a run for a chosen date). */
export interface When {
  /** Now, as epoch ms; today is its date in the Netherlands. */
  now?: number;
}

export interface RunResult {
  period: Period;
  issueDate: string;
  /** The invoices this run made (none on a second run of the same period). */
  made: { number: string; abonneeNummer: string; totalCents: number; lines: number }[];
  /** Abonnees that already had an invoice for the period. */
  alreadyInvoiced: number;
  /** Registrations on a day no fee is valid for: not charged. */
  unpriced: number;
  /** Reminders this run sent (for other periods' overdue invoices too). */
  reminders: { number: string; seq: number }[];
}

export class Fees {
  readonly #db: Database;
  readonly tariff: Tariff | null;

  constructor(db: Database, tariff: Tariff | null) {
    this.#db = db;
    this.tariff = tariff;
  }

  #tariff(): Tariff {
    if (!this.tariff) throw new NoTariffError();
    return this.tariff;
  }

  /** Today in the Netherlands (YYYY-MM-DD). */
  static today(w: When = {}): string {
    return dutchDate(w.now ?? Date.now());
  }

  /** A period as typed ("2026-11", "2026-Q4"), checked against the tariff's kind of period. */
  period(label: string): Period {
    return parsePeriod(label, this.#tariff().invoicePeriod);
  }

  /** The period that today falls in. */
  currentPeriod(w: When = {}): Period {
    return periodOfDate(Fees.today(w), this.#tariff().invoicePeriod);
  }

  /** The last period that has ended: the one whose invoices are made next. */
  previousPeriod(w: When = {}): Period {
    return periodOfDate(addDays(this.currentPeriod(w).start, -1), this.#tariff().invoicePeriod);
  }

  /** What is due and not invoiced yet in a period, for one abonnee or all. */
  dues(period: Period, abonneeId: string | null = null): Promise<Dues> {
    if (abonneeId !== null && !isUuid(abonneeId)) return Promise.resolve({ lines: [], unpriced: 0 });
    return duesOf(this.#db, this.#tariff(), period, abonneeId);
  }

  /**
   * Makes the invoices of a period that has ended: one per abonnee with something due, none for an
   * abonnee invoiced for the period already (so a second run makes nothing), then sends the
   * reminders that are due. All in one transaction under one lock: the numbers have no gaps.
   */
  async run(periodLabel: string, actor: Actor, w: When = {}): Promise<RunResult> {
    const tariff = this.#tariff();
    const period = this.period(periodLabel);
    const issueDate = Fees.today(w);
    if (issueDate < period.end)
      throw new ConflictError(
        `the period ${period.label} has not ended yet: its invoices can be made from ${period.end}`,
      );
    const dueDate = addDays(issueDate, tariff.paymentTermDays);
    const result = await this.#db.transaction(async (tx) => {
      await waitForAdvisoryLock(tx, INVOICE_RUN_LOCK, 'invoice run');
      const { lines, unpriced } = await duesOf(tx, tariff, period);
      const byAbonnee = new Map<string, DueLine[]>();
      for (const l of lines) byAbonnee.set(l.abonneeId, [...(byAbonnee.get(l.abonneeId) ?? []), l]);
      const made: RunResult['made'] = [];
      let alreadyInvoiced = 0;
      // In abonnee-number order, so that the numbers follow a stable order.
      const ordered = [...byAbonnee.values()].sort((a, b) =>
        a[0]!.abonneeNummer.localeCompare(b[0]!.abonneeNummer),
      );
      for (const own of ordered) {
        const abonnee = { id: own[0]!.abonneeId, abonneeNummer: own[0]!.abonneeNummer };
        if (await hasInvoiceFor(tx, abonnee.id, period.label)) {
          alreadyInvoiced++;
          continue;
        }
        const invoice = await createInvoice(tx, { abonnee, period, lines: own, issueDate, dueDate, actor });
        made.push({
          number: invoice.number,
          abonneeNummer: abonnee.abonneeNummer,
          totalCents: invoice.totalCents,
          lines: own.length,
        });
      }
      await recordAudit(tx, {
        actor,
        action: 'fees.run',
        outcome: 'success',
        target: `period:${period.label}`,
        detail: { invoices: made.length, already_invoiced: alreadyInvoiced, unpriced },
      });
      return { period, issueDate, made, alreadyInvoiced, unpriced };
    });
    return { ...result, reminders: await this.remind(actor, w) };
  }

  /**
   * Records a payment the operator received. Partial payments add up; a payment beyond what is
   * outstanding, before the invoice's date or in the future is refused (nothing is stored).
   */
  async recordPayment(
    number: string,
    p: { amountCents: number; paidOn: string },
    actor: Actor,
    w: When = {},
  ): Promise<Invoice> {
    if (!Number.isInteger(p.amountCents) || p.amountCents <= 0)
      throw new RegisterError('a payment is an amount of more than €0,00');
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(p.paidOn) || Number.isNaN(Date.parse(`${p.paidOn}T00:00:00Z`)))
      throw new RegisterError('the payment date must be a date YYYY-MM-DD');
    const today = Fees.today(w);
    if (p.paidOn > today) throw new RegisterError('the payment date lies in the future');
    return this.#db.transaction(async (tx) => {
      const invoice = await invoiceByNumber(tx, number, today, true);
      if (!invoice) throw new NotFoundError(`invoice ${number}`);
      if (p.paidOn < invoice.issueDate)
        throw new RegisterError(`the payment date lies before the invoice's date (${invoice.issueDate})`);
      const outstanding = invoice.totalCents - invoice.paidCents;
      if (outstanding <= 0) throw new ConflictError(`invoice ${number} is paid already`);
      if (p.amountCents > outstanding)
        throw new ConflictError(
          `the amount is more than what is outstanding on ${number} (${formatEuro(outstanding)})`,
        );
      await insertPayment(tx, invoice, p, actor);
      return (await invoiceByNumber(tx, number, today))!;
    });
  }

  /**
   * Sends a reminder for every invoice unpaid after its due date that has had none yet, or whose
   * last one is reminderIntervalDays old. Sending is recording: the reminder shows on the invoice in
   * the abonnee portal and in beheer. Running it twice a day sends nothing new.
   */
  async remind(actor: Actor, w: When = {}): Promise<{ number: string; seq: number }[]> {
    const tariff = this.#tariff();
    const today = Fees.today(w);
    return this.#db.transaction(async (tx) => {
      await waitForAdvisoryLock(tx, INVOICE_RUN_LOCK, 'invoice run');
      const due = await invoicesToRemind(tx, today, addDays(today, -tariff.reminderIntervalDays));
      const sent: { number: string; seq: number }[] = [];
      for (const invoice of due) {
        const seq = invoice.lastReminder + 1;
        await insertReminder(tx, invoice, seq, today, actor);
        sent.push({ number: invoice.number, seq });
      }
      return sent;
    });
  }

  /** Invoices, newest first: all (beheer), or one abonnee's (the abonnee portal). */
  list(filter: InvoiceFilter = {}, w: When = {}): Promise<Invoice[]> {
    if (filter.abonneeId !== undefined && !isUuid(filter.abonneeId)) return Promise.resolve([]);
    return listInvoices(this.#db, filter, Fees.today(w));
  }

  /** How many invoices a filter finds, and what is outstanding on them (beheer's list). */
  count(filter: InvoiceFilter = {}, w: When = {}): Promise<{ count: number; outstandingCents: number }> {
    if (filter.abonneeId !== undefined && !isUuid(filter.abonneeId))
      return Promise.resolve({ count: 0, outstandingCents: 0 });
    return countInvoices(this.#db, filter, Fees.today(w));
  }

  /** One invoice with its lines, payments and reminders; null when there is none by that number. */
  get(number: string, w: When = {}): Promise<InvoiceDetail | null> {
    return invoiceDetail(this.#db, number, Fees.today(w));
  }

  /** What the abonnee still has to pay on its invoices. */
  async outstanding(abonneeId: string, w: When = {}): Promise<number> {
    const invoices = await this.list({ abonneeId }, w);
    return invoices.reduce((sum, i) => sum + Math.max(0, i.totalCents - i.paidCents), 0);
  }
}

/** "€ 255,00": for messages to the operator (pages format by language). */
export function formatEuro(cents: number): string {
  return new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/**
 * An amount as an operator types it, in euros: "255", "255,00", "255.00", "1.234,50", "1,234.50".
 * Returns euro cents; throws on anything else.
 */
export function parseEuroAmount(text: string): number {
  const s = text.trim().replace(/^€\s*/, '');
  const m = /^([0-9]{1,3}(?:([.,])[0-9]{3})*|[0-9]+)(?:([.,])([0-9]{1,2}))?$/.exec(s);
  // A thousands separator and a decimal separator must differ ("1.234,50", not "1.234.50").
  if (!m || (m[2] && m[3] && m[2] === m[3]))
    throw new RegisterError(`an amount in euros such as 255,00 or 255.00, got "${text}"`);
  // "1,234" and "1.234" are ambiguous: three digits after one separator are read as thousands.
  const euros = Number(m[1]!.replace(/[.,]/g, ''));
  const cents = m[4] ? Number(m[4].padEnd(2, '0')) : 0;
  return euros * 100 + cents;
}
