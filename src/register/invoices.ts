// Invoices as stored: made with a number from a gapless yearly series, read with their lines,
// payments and reminders, and their status derived from those (never stored, so it cannot drift):
// paid when the payments reach the total, overdue when not and the due date has passed, else open.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { describeActor, recordAudit, type Actor } from '../audit/audit.ts';
import type { DueLine } from './fee-dues.ts';
import type { Period } from './fee-periods.ts';
import type { FeeItem } from './tariff.ts';

export type InvoiceStatus = 'open' | 'paid' | 'overdue';

export interface InvoiceLine {
  lineNo: number;
  item: FeeItem;
  subjectId: string;
  eventDate: string;
  deziNummer: string | null;
  personName: string | null;
  rolCode: string | null;
  amountCents: number;
}

export interface Payment {
  id: string;
  amountCents: number;
  paidOn: string;
  recordedBy: string;
}

export interface Reminder {
  seq: number;
  sentOn: string;
}

export interface Invoice {
  id: string;
  number: string;
  abonneeId: string;
  abonneeNummer: string;
  abonneeNaam: string;
  period: string;
  periodStart: string;
  periodEnd: string;
  issueDate: string;
  dueDate: string;
  totalCents: number;
  paidCents: number;
  status: InvoiceStatus;
  reminders: number;
}

export interface InvoiceDetail extends Invoice {
  lines: InvoiceLine[];
  payments: Payment[];
  reminderList: Reminder[];
}

export const INVOICE_NUMBER = /^DEZI-[0-9]{4}-[0-9]{6}$/;

interface InvoiceRow {
  id: string;
  number: string;
  abonnee_id: string;
  abonnee_nummer: string;
  abonnee_naam: string;
  period: string;
  period_start: string;
  period_end: string;
  issue_date: string;
  due_date: string;
  total_cents: string | number;
  paid_cents: string | number;
  reminders: number;
}

const SELECT = `
  SELECT i.id, i.number, i.abonnee_id, a.abonnee_nummer, a.naam AS abonnee_naam, i.period,
         to_char(i.period_start, 'YYYY-MM-DD') AS period_start, to_char(i.period_end, 'YYYY-MM-DD') AS period_end,
         to_char(i.issue_date, 'YYYY-MM-DD') AS issue_date, to_char(i.due_date, 'YYYY-MM-DD') AS due_date,
         i.total_cents,
         coalesce((SELECT sum(p.amount_cents) FROM invoice_payments p WHERE p.invoice_id = i.id), 0) AS paid_cents,
         (SELECT count(*)::int FROM invoice_reminders r WHERE r.invoice_id = i.id) AS reminders
  FROM invoices i JOIN abonnees a ON a.id = i.abonnee_id`;

export function statusOf(
  totalCents: number,
  paidCents: number,
  dueDate: string,
  today: string,
): InvoiceStatus {
  if (paidCents >= totalCents) return 'paid';
  return today > dueDate ? 'overdue' : 'open';
}

function toInvoice(r: InvoiceRow, today: string): Invoice {
  const totalCents = Number(r.total_cents);
  const paidCents = Number(r.paid_cents);
  return {
    id: r.id,
    number: r.number,
    abonneeId: r.abonnee_id,
    abonneeNummer: r.abonnee_nummer,
    abonneeNaam: r.abonnee_naam,
    period: r.period,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    totalCents,
    paidCents,
    status: statusOf(totalCents, paidCents, r.due_date, today),
    reminders: Number(r.reminders),
  };
}

/** The next number of the year's series; in the caller's transaction, so a rollback returns it. */
async function nextNumber(tx: Queryable, year: number): Promise<string> {
  const [row] = await tx.query<{ last_number: number }>(
    `INSERT INTO invoice_number_series AS s (year, last_number) VALUES ($1, 1)
     ON CONFLICT (year) DO UPDATE SET last_number = s.last_number + 1 RETURNING s.last_number`,
    [year],
  );
  return `DEZI-${year}-${String(row!.last_number).padStart(6, '0')}`;
}

/** Makes one abonnee's invoice for a period from its due lines, audited; in the run's transaction. */
export async function createInvoice(
  tx: Queryable,
  o: {
    abonnee: { id: string; abonneeNummer: string };
    period: Period;
    lines: DueLine[];
    issueDate: string;
    dueDate: string;
    actor: Actor;
  },
): Promise<{ id: string; number: string; totalCents: number }> {
  const id = randomUUID();
  const number = await nextNumber(tx, Number(o.issueDate.slice(0, 4)));
  const totalCents = o.lines.reduce((sum, l) => sum + l.amountCents, 0);
  await tx.query(
    `INSERT INTO invoices (id, number, abonnee_id, period, period_start, period_end, issue_date, due_date,
       total_cents, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      id,
      number,
      o.abonnee.id,
      o.period.label,
      o.period.start,
      o.period.end,
      o.issueDate,
      o.dueDate,
      totalCents,
      describeActor(o.actor),
    ],
  );
  let lineNo = 0;
  for (const l of o.lines) {
    await tx.query(
      `INSERT INTO invoice_lines (invoice_id, line_no, item, subject_id, event_date, dezi_nummer, person_name,
         rol_code, amount_cents)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [id, ++lineNo, l.item, l.subjectId, l.eventDate, l.deziNummer, l.personName, l.rolCode, l.amountCents],
    );
  }
  await recordAudit(tx, {
    actor: o.actor,
    action: 'fees.invoice.create',
    outcome: 'success',
    abonneeNummer: o.abonnee.abonneeNummer,
    target: `invoice:${number}`,
    detail: { period: o.period.label, lines: o.lines.length, total_cents: totalCents, due_date: o.dueDate },
  });
  return { id, number, totalCents };
}

/** Whether the abonnee has an invoice for this period already (a run makes no second one). */
export async function hasInvoiceFor(q: Queryable, abonneeId: string, period: string): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM invoices WHERE abonnee_id = $1 AND period = $2', [
    abonneeId,
    period,
  ]);
  return rows.length > 0;
}

export async function invoiceByNumber(
  q: Queryable,
  number: string,
  today: string,
  lock = false,
): Promise<Invoice | null> {
  if (!INVOICE_NUMBER.test(number)) return null;
  const [row] = await q.query<InvoiceRow>(`${SELECT} WHERE i.number = $1${lock ? ' FOR UPDATE OF i' : ''}`, [
    number,
  ]);
  return row ? toInvoice(row, today) : null;
}

export async function invoiceDetail(
  q: Queryable,
  number: string,
  today: string,
): Promise<InvoiceDetail | null> {
  const invoice = await invoiceByNumber(q, number, today);
  if (!invoice) return null;
  const [lines, payments, reminders] = await Promise.all([
    q.query<{
      line_no: number;
      item: FeeItem;
      subject_id: string;
      event_date: string;
      dezi_nummer: string | null;
      person_name: string | null;
      rol_code: string | null;
      amount_cents: string | number;
    }>(
      `SELECT line_no, item, subject_id, to_char(event_date, 'YYYY-MM-DD') AS event_date, dezi_nummer,
              person_name, rol_code, amount_cents
       FROM invoice_lines WHERE invoice_id = $1 ORDER BY line_no`,
      [invoice.id],
    ),
    q.query<{ id: string; amount_cents: string | number; paid_on: string; recorded_by: string }>(
      `SELECT id, amount_cents, to_char(paid_on, 'YYYY-MM-DD') AS paid_on, recorded_by
       FROM invoice_payments WHERE invoice_id = $1 ORDER BY paid_on, recorded_at`,
      [invoice.id],
    ),
    q.query<{ seq: number; sent_on: string }>(
      `SELECT seq, to_char(sent_on, 'YYYY-MM-DD') AS sent_on FROM invoice_reminders
       WHERE invoice_id = $1 ORDER BY seq`,
      [invoice.id],
    ),
  ]);
  return {
    ...invoice,
    lines: lines.map((l) => ({
      lineNo: Number(l.line_no),
      item: l.item,
      subjectId: l.subject_id,
      eventDate: l.event_date,
      deziNummer: l.dezi_nummer,
      personName: l.person_name,
      rolCode: l.rol_code,
      amountCents: Number(l.amount_cents),
    })),
    payments: payments.map((p) => ({
      id: p.id,
      amountCents: Number(p.amount_cents),
      paidOn: p.paid_on,
      recordedBy: p.recorded_by,
    })),
    reminderList: reminders.map((r) => ({ seq: Number(r.seq), sentOn: r.sent_on })),
  };
}

export interface InvoiceFilter {
  abonneeId?: string;
  status?: InvoiceStatus;
  period?: string;
  /** A page of the list (beheer); all when absent. */
  limit?: number;
  offset?: number;
}

/** The WHERE clause of a filter; the status, derived as statusOf does, is filtered on in the database. */
function whereOf(f: InvoiceFilter, today: string): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (f.abonneeId) where.push(`i.abonnee_id = ${param(f.abonneeId)}`);
  if (f.period) where.push(`i.period = ${param(f.period)}`);
  if (f.status === 'paid') where.push('i.paid_cents >= i.total_cents');
  if (f.status === 'overdue') where.push(`i.paid_cents < i.total_cents AND i.due_date < ${param(today)}`);
  if (f.status === 'open') where.push(`i.paid_cents < i.total_cents AND i.due_date >= ${param(today)}`);
  return { where: where.length ? ` WHERE ${where.join(' AND ')}` : '', params };
}

/** Invoices newest first. */
export async function listInvoices(q: Queryable, f: InvoiceFilter, today: string): Promise<Invoice[]> {
  const { where, params } = whereOf(f, today);
  const page =
    f.limit === undefined ? '' : ` LIMIT $${params.push(f.limit)} OFFSET $${params.push(f.offset ?? 0)}`;
  const rows = await q.query<InvoiceRow>(
    `SELECT * FROM (${SELECT}) i${where} ORDER BY i.number DESC${page}`,
    params,
  );
  return rows.map((r) => toInvoice(r, today));
}

/** How many invoices a filter finds (for paging), and what is still to be paid on them. */
export async function countInvoices(
  q: Queryable,
  f: InvoiceFilter,
  today: string,
): Promise<{ count: number; outstandingCents: number }> {
  const { where, params } = whereOf(f, today);
  const [row] = await q.query<{ count: string | number; outstanding: string | number | null }>(
    `SELECT count(*) AS count, sum(greatest(i.total_cents - i.paid_cents, 0)) AS outstanding
     FROM (${SELECT}) i${where}`,
    params,
  );
  return { count: Number(row?.count ?? 0), outstandingCents: Number(row?.outstanding ?? 0) };
}

export async function insertPayment(
  tx: Queryable,
  invoice: Invoice,
  p: { amountCents: number; paidOn: string },
  actor: Actor,
): Promise<string> {
  const id = randomUUID();
  await tx.query(
    `INSERT INTO invoice_payments (id, invoice_id, amount_cents, paid_on, recorded_by) VALUES ($1, $2, $3, $4, $5)`,
    [id, invoice.id, p.amountCents, p.paidOn, describeActor(actor)],
  );
  await recordAudit(tx, {
    actor,
    action: 'fees.invoice.payment',
    outcome: 'success',
    abonneeNummer: invoice.abonneeNummer,
    target: `invoice:${invoice.number}`,
    detail: {
      amount_cents: p.amountCents,
      paid_on: p.paidOn,
      paid_cents: invoice.paidCents + p.amountCents,
      total_cents: invoice.totalCents,
    },
  });
  return id;
}

/** Unpaid invoices past their due date whose last reminder (if any) was sent on or before `lastBefore`. */
export async function invoicesToRemind(
  q: Queryable,
  today: string,
  lastOnOrBefore: string,
): Promise<(Invoice & { lastReminder: number })[]> {
  const rows = await q.query<InvoiceRow & { last_seq: number | null; last_sent: string | null }>(
    `SELECT * FROM (${SELECT}) i
       LEFT JOIN LATERAL (SELECT r.seq AS last_seq, to_char(r.sent_on, 'YYYY-MM-DD') AS last_sent
                          FROM invoice_reminders r WHERE r.invoice_id = i.id ORDER BY r.seq DESC LIMIT 1) r ON true
     WHERE i.due_date < $1 AND i.paid_cents < i.total_cents AND (r.last_sent IS NULL OR r.last_sent <= $2)
     ORDER BY i.number`,
    [today, lastOnOrBefore],
  );
  return rows.map((r) => ({ ...toInvoice(r, today), lastReminder: Number(r.last_seq ?? 0) }));
}

export async function insertReminder(
  tx: Queryable,
  invoice: Invoice,
  seq: number,
  sentOn: string,
  actor: Actor,
): Promise<void> {
  await tx.query(
    'INSERT INTO invoice_reminders (invoice_id, seq, sent_on, created_by) VALUES ($1, $2, $3, $4)',
    [invoice.id, seq, sentOn, describeActor(actor)],
  );
  await recordAudit(tx, {
    actor,
    action: 'fees.invoice.reminder',
    outcome: 'success',
    abonneeNummer: invoice.abonneeNummer,
    target: `invoice:${invoice.number}`,
    detail: {
      reminder: seq,
      due_date: invoice.dueDate,
      outstanding_cents: invoice.totalCents - invoice.paidCents,
    },
  });
}
