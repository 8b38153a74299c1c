// The abonnee's invoices in the abonnee portal: the list with what is outstanding and what the
// running period will bring, and each invoice as a printable page with the lines behind it, its
// payments and reminders. Only the abonnee's own administrators see them; another abonnee's
// invoice number is not found. Not paying is shown, never enforced: logins go on (care first).
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import {
  INVOICE_NUMBER,
  type DueLine,
  type Fees,
  type Invoice,
  type InvoiceDetail,
  type InvoiceLine,
  type Period,
} from '../register/fees.ts';
import type { Abonnee } from '../register/register.ts';
import { roleLabel } from '../register/roles.ts';
import { dataTable, type Content } from '../web/components.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import { adminPage, adminProblem, type AdminDeps } from './abonnee-admin.ts';
import { formatDate, formatMoney } from './format.ts';
import { PORTAL_CLIENT_ID } from './login.ts';

export interface InvoicePageDeps extends AdminDeps {
  fees: Fees;
}

const MONTHS = {
  nl: 'januari februari maart april mei juni juli augustus september oktober november december'.split(' '),
  en: 'January February March April May June July August September October November December'.split(' '),
};

/** "november 2026" / "November 2026"; "4e kwartaal 2026" / "Q4 2026". */
export function periodName(label: string, lang: Lang): string {
  const quarter = /^([0-9]{4})-Q([1-4])$/.exec(label);
  if (quarter) return t(lang, 'invoices.quarter', { q: quarter[2]!, year: quarter[1]! });
  const [year, month] = label.split('-');
  return `${MONTHS[lang][Number(month) - 1] ?? month} ${year}`;
}

function lineText(
  lang: Lang,
  l: Pick<InvoiceLine, 'item' | 'deziNummer' | 'personName' | 'rolCode'>,
  abonnee: string,
): string {
  if (l.item === 'abonnee-registration') return t(lang, 'invoices.line.abonnee', { abonnee });
  return t(lang, 'invoices.line.employment', {
    naam: l.personName ?? '',
    dezi: l.deziNummer ?? '',
    rol: l.rolCode ? roleLabel(l.rolCode) : t(lang, 'choose.norole'),
  });
}

const statusWord = (lang: Lang, i: Invoice) => t(lang, `invoices.status.${i.status}`);

/**
 * Invoices as a table, newest first: an abonnee's own in the abonnee portal, or every abonnee's in
 * beheer (with the abonnee and the reminders sent).
 */
export function invoiceTable(
  lang: Lang,
  invoices: readonly Invoice[],
  o: { caption: string; href: (i: Invoice) => string; beheer?: boolean },
): SafeHtml {
  const statusCell = (i: Invoice) =>
    o.beheer && i.reminders > 0
      ? html`${statusWord(lang, i)}<br />${t(lang, 'invoices.reminders', { n: String(i.reminders) })}`
      : statusWord(lang, i);
  const beheer = (cell: Content) => (o.beheer ? [cell] : []);
  return dataTable({
    id: 'facturen',
    caption: o.caption,
    columns: [
      t(lang, 'invoices.col.number'),
      ...beheer(t(lang, 'invoices.col.abonnee')),
      t(lang, 'invoices.col.period'),
      t(lang, 'invoices.col.due'),
      t(lang, 'invoices.col.total'),
      t(lang, 'invoices.col.paid'),
      t(lang, 'invoices.col.status'),
    ],
    rows: invoices.map((i) => [
      html`<a href="${o.href(i)}">${i.number}</a>`,
      ...beheer(html`${i.abonneeNaam} (<code>${i.abonneeNummer}</code>)`),
      periodName(i.period, lang),
      formatDate(i.dueDate, lang),
      formatMoney(i.totalCents, lang),
      formatMoney(i.paidCents, lang),
      statusCell(i),
    ]),
  });
}

/**
 * An invoice as both the abonnee and the operator read it: who it is from and to, its dates and
 * status, the lines behind it, its payments, what is left to pay and the reminders sent.
 */
export function invoiceDocument(
  lang: Lang,
  invoice: InvoiceDetail,
  to: Pick<Abonnee, 'naam' | 'abonneeNummer' | 'kvk'>,
  issuer: string,
): SafeHtml {
  const outstanding = Math.max(0, invoice.totalCents - invoice.paidCents);
  const cell = (s: string | SafeHtml) => html`<td>${s}</td>`;
  return html`${
      invoice.status === 'overdue'
        ? html`<div class="notice notice-warning" role="note"><p>${t(lang, 'invoice.overdue')}</p></div>`
        : ''
    }
    <dl class="facts">
      <dt>${t(lang, 'invoice.from')}</dt>
      <dd>${issuer}</dd>
      <dt>${t(lang, 'invoice.to')}</dt>
      <dd>${to.naam} (URA ${to.abonneeNummer}${to.kvk ? `, KvK ${to.kvk}` : ''})</dd>
      <dt>${t(lang, 'invoice.date')}</dt>
      <dd>${formatDate(invoice.issueDate, lang)}</dd>
      <dt>${t(lang, 'invoice.period')}</dt>
      <dd>${periodName(invoice.period, lang)}</dd>
      <dt>${t(lang, 'invoice.due')}</dt>
      <dd>${formatDate(invoice.dueDate, lang)}</dd>
      <dt>${t(lang, 'invoices.col.status')}</dt>
      <dd>${statusWord(lang, invoice)}</dd>
    </dl>
    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="regels-caption">
      <table>
        <caption id="regels-caption">
          ${t(lang, 'invoice.lines')}
        </caption>
        <thead>
          <tr>
            <th scope="col">${t(lang, 'invoice.col.date')}</th>
            <th scope="col">${t(lang, 'invoice.col.description')}</th>
            <th scope="col">${t(lang, 'invoice.col.amount')}</th>
          </tr>
        </thead>
        <tbody>
          ${invoice.lines.map(
            (l) =>
              html`<tr>
                ${cell(formatDate(l.eventDate, lang))} ${cell(lineText(lang, l, to.naam))}
                ${cell(formatMoney(l.amountCents, lang))}
              </tr>`,
          )}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colspan="2">${t(lang, 'invoice.total')}</th>
            <td>${formatMoney(invoice.totalCents, lang)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
    <h2>${t(lang, 'invoice.payments')}</h2>
    ${
      invoice.payments.length === 0
        ? html`<p>${t(lang, 'invoice.no_payments')}</p>`
        : html`<ul>
            ${invoice.payments.map(
              (p) =>
                html`<li>
                  ${t(lang, 'invoice.payment', { amount: formatMoney(p.amountCents, lang), date: formatDate(p.paidOn, lang) })}
                </li>`,
            )}
          </ul>`
    }
    <p>
      ${
        outstanding === 0
          ? t(lang, 'invoice.paid_in_full')
          : t(lang, 'invoice.to_pay', {
              amount: formatMoney(outstanding, lang),
              date: formatDate(invoice.dueDate, lang),
              nummer: invoice.number,
            })
      }
    </p>
    ${
      invoice.reminderList.length === 0
        ? ''
        : html`<h2>${t(lang, 'invoice.reminders')}</h2>
            <ul>
              ${invoice.reminderList.map(
                (r) =>
                  html`<li>
                    ${t(lang, 'invoice.reminder', { seq: String(r.seq), date: formatDate(r.sentOn, lang) })}
                  </li>`,
              )}
            </ul>`
    }`;
}

export async function invoiceRoutes(app: FastifyInstance, d: InvoicePageDeps): Promise<void> {
  const { web, fees } = d;

  /** What the running period will bring: registered, not invoiced yet. */
  async function running(abonneeId: string): Promise<{ period: Period; lines: DueLine[] } | null> {
    if (!fees.tariff) return null;
    const period = fees.currentPeriod();
    return { period, lines: (await fees.dues(period, abonneeId)).lines };
  }

  adminPage(app, d, '/facturen', async (req, reply, a, lang) => {
    const invoices = await fees.list({ abonneeId: a.abonnee.id });
    const next = await running(a.abonnee.id);
    await recordAudit(d.db, {
      actor: a.actor,
      action: 'portal.abonnee.invoices.read',
      outcome: 'success',
      abonneeNummer: a.abonnee.abonneeNummer,
      clientId: PORTAL_CLIENT_ID,
      detail: { invoices: invoices.length },
    });
    const base = `/abonnee/${a.abonnee.abonneeNummer}`;
    const outstanding = invoices.reduce((sum, i) => sum + Math.max(0, i.totalCents - i.paidCents), 0);
    const overdue = invoices.some((i) => i.status === 'overdue');
    const title = t(lang, 'invoices.title');
    const nextTotal = next?.lines.reduce((sum, l) => sum + l.amountCents, 0) ?? 0;
    const body = html`<h1>${title}</h1>
      <p class="hint">${a.abonnee.naam} (URA ${a.abonnee.abonneeNummer})</p>
      <p>${t(lang, 'invoices.intro')}</p>
      ${overdue ? html`<div class="notice notice-warning" role="note"><p>${t(lang, 'invoices.overdue_notice')}</p></div>` : ''}
      <dl class="facts">
        <dt>${t(lang, 'invoices.outstanding')}</dt>
        <dd>${formatMoney(outstanding, lang)}</dd>
      </dl>
      ${
        invoices.length === 0
          ? html`<p>${t(lang, 'invoices.none')}</p>`
          : invoiceTable(lang, invoices, {
              caption: t(lang, 'invoices.caption'),
              href: (i) => `${base}/facturen/${i.number}`,
            })
      }
      ${
        next
          ? html`<h2>${t(lang, 'invoices.running', { period: periodName(next.period.label, lang) })}</h2>
              <p>
                ${
                  next.lines.length === 0
                    ? t(lang, 'invoices.running.none')
                    : t(lang, 'invoices.running.some', {
                        n: String(next.lines.length),
                        total: formatMoney(nextTotal, lang),
                        date: formatDate(next.period.end, lang),
                      })
                }
              </p>`
          : ''
      }
      <p><a href="${base}">${t(lang, 'abonnee.back', { abonnee: a.abonnee.naam })}</a></p>`;
    return web.render(req, reply, { lang, title, body });
  });

  adminPage(app, d, '/facturen/:nummer', async (req, reply, a, lang) => {
    const { nummer } = req.params as { nummer: string };
    const invoice = await fees.get(nummer);
    const base = `/abonnee/${a.abonnee.abonneeNummer}`;
    // Another abonnee's invoice is not found here, exactly as one that does not exist.
    if (!invoice || invoice.abonneeId !== a.abonnee.id) {
      await recordAudit(d.db, {
        actor: a.actor,
        action: 'portal.abonnee.invoice.read',
        outcome: 'failure',
        abonneeNummer: a.abonnee.abonneeNummer,
        clientId: PORTAL_CLIENT_ID,
        // What was asked for only when it is an invoice number: an address may hold anything.
        detail: { reason: 'not_found', asked: INVOICE_NUMBER.test(nummer) ? nummer : null },
      });
      return adminProblem(web, req, reply, 404, 'not_found', `${base}/facturen`);
    }
    await recordAudit(d.db, {
      actor: a.actor,
      action: 'portal.abonnee.invoice.read',
      outcome: 'success',
      abonneeNummer: a.abonnee.abonneeNummer,
      clientId: PORTAL_CLIENT_ID,
      target: `invoice:${invoice.number}`,
    });
    const title = t(lang, 'invoice.title', { nummer: invoice.number });
    const issuer = fees.tariff?.issuer ?? t(lang, 'invoice.issuer_default');
    const body = html`<h1>${title}</h1>
      ${invoiceDocument(lang, invoice, a.abonnee, issuer)}
      <p class="hint">${t(lang, 'invoice.print')}</p>
      <p><a href="${base}/facturen">${t(lang, 'invoice.back')}</a></p>`;
    return web.render(req, reply, { lang, title, body });
  });
}
