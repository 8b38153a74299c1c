// The operator's fee commands (dezi invoices …): make a period's invoices, record a payment, send
// the reminders that are due, list and show invoices. Each acts as the operator named by --operator
// (default: the login name) and is audited as such.
import { parseArgs } from 'node:util';
import { CliUsageError, operator, type CliContext } from './cli.ts';
import { NotFoundError } from './errors.ts';
import { Fees, formatEuro, parseEuroAmount, type Invoice, type InvoiceStatus } from './fees.ts';

export const FEES_USAGE = `  invoices run --period PERIOD   make the invoices of a period that has ended (2026-11, or 2026-Q4
                                 when the tariff invoices per quarter); running it again makes none;
                                 then sends the reminders that are due
  invoices pay NUMBER --amount EUROS --date YYYY-MM-DD
                                 record a payment received on an invoice (e.g. --amount 255,00)
  invoices remind                send a reminder for every invoice unpaid after its due date
  invoices list [--abonnee URA] [--status open|paid|overdue] [--period PERIOD]
  invoices show NUMBER           an invoice with its lines, payments and reminders (JSON)
  (invoice commands accept --operator NAME; the tariff is DEZI_TARIFF_FILE)
`;

export const FEES_COMMANDS: ReadonlySet<string> = new Set([
  'invoices run',
  'invoices pay',
  'invoices remind',
  'invoices list',
  'invoices show',
]);

const STATUSES: readonly InvoiceStatus[] = ['open', 'paid', 'overdue'];

const summary = (i: Invoice) =>
  `${i.number}  ${i.abonneeNummer}  ${i.period}  ${formatEuro(i.totalCents)}  paid ${formatEuro(i.paidCents)}  ` +
  `due ${i.dueDate}  ${i.status}${i.reminders ? `  (${i.reminders} reminder${i.reminders > 1 ? 's' : ''})` : ''}`;

/** Runs one fee command; returns the exit status. */
export async function runFeesCommand(
  ctx: CliContext & { fees: Fees },
  command: string,
  args: string[],
): Promise<number> {
  switch (command) {
    case 'invoices run': {
      const { values } = parseArgs({
        args,
        options: { period: { type: 'string' }, operator: { type: 'string' } },
        strict: true,
      });
      if (!values.period) throw new CliUsageError('invoices run needs --period (e.g. 2026-11)');
      const result = await ctx.fees.run(values.period, operator(values.operator));
      ctx.out(
        `period ${result.period.label} (${result.period.start} to ${result.period.end}): ` +
          `${result.made.length} invoice(s) made on ${result.issueDate}`,
      );
      for (const m of result.made)
        ctx.out(`  ${m.number}  ${m.abonneeNummer}  ${formatEuro(m.totalCents)}  (${m.lines} line(s))`);
      if (result.alreadyInvoiced > 0)
        ctx.out(
          `${result.alreadyInvoiced} abonnee(s) invoiced for this period already: nothing new for them`,
        );
      if (result.unpriced > 0)
        ctx.err(`${result.unpriced} registration(s) on a day the tariff has no fee for: not charged`);
      for (const r of result.reminders) ctx.out(`reminder ${r.seq} sent for ${r.number}`);
      return 0;
    }
    case 'invoices pay': {
      const { values, positionals } = parseArgs({
        args,
        options: { amount: { type: 'string' }, date: { type: 'string' }, operator: { type: 'string' } },
        allowPositionals: true,
        strict: true,
      });
      if (positionals.length !== 1) throw new CliUsageError('expected one invoice number');
      if (!values.amount || !values.date) throw new CliUsageError('invoices pay needs --amount and --date');
      const invoice = await ctx.fees.recordPayment(
        positionals[0]!,
        { amountCents: parseEuroAmount(values.amount), paidOn: values.date },
        operator(values.operator),
      );
      ctx.out(summary(invoice));
      return 0;
    }
    case 'invoices remind': {
      const { values } = parseArgs({ args, options: { operator: { type: 'string' } }, strict: true });
      const sent = await ctx.fees.remind(operator(values.operator));
      if (sent.length === 0) ctx.out('no reminders due');
      for (const r of sent) ctx.out(`reminder ${r.seq} sent for ${r.number}`);
      return 0;
    }
    case 'invoices list': {
      const { values } = parseArgs({
        args,
        options: { abonnee: { type: 'string' }, status: { type: 'string' }, period: { type: 'string' } },
        strict: true,
      });
      if (values.status !== undefined && !STATUSES.includes(values.status as InvoiceStatus))
        throw new CliUsageError(`--status takes ${STATUSES.join(', ')}`);
      let abonneeId: string | undefined;
      if (values.abonnee !== undefined) {
        const abonnee = await ctx.register.findAbonnee(values.abonnee);
        if (!abonnee) throw new NotFoundError(`abonnee ${values.abonnee}`);
        abonneeId = abonnee.id;
      }
      const invoices = await ctx.fees.list({
        abonneeId,
        status: values.status as InvoiceStatus | undefined,
        period: values.period,
      });
      if (invoices.length === 0) ctx.out('no invoices');
      for (const i of invoices) ctx.out(summary(i));
      return 0;
    }
    case 'invoices show': {
      const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
      if (positionals.length !== 1) throw new CliUsageError('expected one invoice number');
      const invoice = await ctx.fees.get(positionals[0]!);
      if (!invoice) throw new NotFoundError(`invoice ${positionals[0]}`);
      ctx.out(JSON.stringify(invoice, null, 2));
      return 0;
    }
    default:
      return -1;
  }
}
