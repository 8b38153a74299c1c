// Beheer: the registration fees. Every abonnee's invoices, found by abonnee, status and period, with
// what is outstanding on them; an invoice with its lines, payments and reminders, where the operator
// records a payment received; making the invoices of a period that has ended, and sending the
// reminders that are due. The same Fees service as `dezi invoices …`, so the rules (numbers without
// gaps, one invoice per abonnee and period, no payment beyond what is outstanding) are the
// register's, and each change is audited there with the operator as actor; reading is audited here.
// Not paying never blocks a login: this page is where it shows.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../../audit/audit.ts';
import { ConflictError, NotFoundError, RegisterError, type Abonnee } from '../../register/register.ts';
import {
  Fees,
  INVOICE_NUMBER,
  parseEuroAmount,
  type Invoice,
  type InvoiceDetail,
  type InvoiceFilter,
  type InvoiceStatus,
} from '../../register/fees.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { t, type Lang } from '../../web/i18n.ts';
import { formatDate, formatMoney } from '../format.ts';
import { button, field, textInput } from '../forms.ts';
import { invoiceDocument, invoiceTable, periodName } from '../invoices.ts';
import { pageRequest, pager } from '../paging.ts';
import {
  beheerPage,
  beheerProblem,
  csrf,
  dateInput,
  errorSummary,
  melding,
  notice,
  operatorOf,
  queryValue,
  selectInput,
  type BeheerDeps,
  type FieldErrors,
} from './shared.ts';

const PAGE_SIZE = 50;
const URA = /^[0-9]{8}$/;
const PERIOD = /^[0-9]{4}-(?:[0-9]{2}|Q[1-4])$/;
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const STATUSES: readonly InvoiceStatus[] = ['open', 'overdue', 'paid'];
const LIST_NOTICES = ['gemaakt', 'niets_gemaakt', 'herinnerd', 'geen_herinneringen'] as const;

/** The list's filter as typed, kept in the form and in the paging links. */
interface Filter {
  abonnee: string;
  status: string;
  periode: string;
}

interface PaymentInput {
  bedrag: string;
  datum: string;
}

const statusWord = (lang: Lang, s: InvoiceStatus) => t(lang, `invoices.status.${s}`);

export async function invoiceRoutes(app: FastifyInstance, d: BeheerDeps): Promise<void> {
  const { web, fees } = d;

  /** The filter checked: an unknown abonnee or a malformed value is an error at its field. */
  async function checkFilter(
    lang: Lang,
    f: Filter,
  ): Promise<{ filter: InvoiceFilter; errors: FieldErrors; abonnee: Abonnee | null }> {
    const errors: FieldErrors = {};
    const filter: InvoiceFilter = {};
    let abonnee: Abonnee | null = null;
    if (f.abonnee !== '') {
      abonnee = URA.test(f.abonnee) ? await d.register.findAbonnee(f.abonnee) : null;
      if (abonnee) filter.abonneeId = abonnee.id;
      else errors.abonnee = t(lang, 'beheer.invoices.error.abonnee');
    }
    if (f.status !== '') {
      if (STATUSES.includes(f.status as InvoiceStatus)) filter.status = f.status as InvoiceStatus;
      else errors.status = t(lang, 'beheer.invoices.error.status');
    }
    if (f.periode !== '') {
      if (PERIOD.test(f.periode)) filter.period = f.periode;
      else errors.periode = t(lang, 'beheer.invoices.error.period');
    }
    return { filter, errors, abonnee };
  }

  async function listPage(
    req: FastifyRequest,
    reply: FastifyReply,
    o: { run?: { periode: string; error?: string }; status?: number } = {},
  ) {
    const lang = web.lang(req, reply);
    const { actor } = operatorOf(req);
    const raw: Filter = {
      abonnee: queryValue(req, 'abonnee', 8),
      status: queryValue(req, 'status', 10),
      periode: queryValue(req, 'periode', 7),
    };
    const { filter, errors } = await checkFilter(lang, raw);
    const paging = pageRequest(req, PAGE_SIZE);
    const valid = Object.keys(errors).length === 0;
    const [invoices, totals] = valid
      ? await Promise.all([
          fees.list({ ...filter, limit: paging.limit, offset: paging.offset }),
          fees.count(filter),
        ])
      : [[] as Invoice[], { count: 0, outstandingCents: 0 }];
    await recordAudit(d.db, {
      actor,
      action: 'beheer.invoices.search',
      outcome: valid ? 'success' : 'failure',
      detail: {
        abonnee: raw.abonnee || null,
        status: raw.status || null,
        period: raw.periode || null,
        results: totals.count,
      },
    });
    if (o.run?.error) errors.periode_run = o.run.error;
    const shown = melding(req, LIST_NOTICES);
    const n = queryValue(req, 'aantal', 6);
    const title = t(lang, 'beheer.invoices.title');
    return beheerPage(web, req, reply, {
      title,
      section: 'facturen',
      status: o.status ?? (valid ? undefined : 400),
      hasErrors: Object.keys(errors).length > 0,
      body: html`<h1>${title}</h1>
        ${errorSummary(lang, errors)}
        ${notice(shown ? t(lang, `beheer.invoices.notice.${shown}`, { n }) : null)}
        <p>${t(lang, 'beheer.invoices.intro')}</p>
        <form method="get" action="/beheer/facturen" role="search">
          ${textInput({ lang, name: 'abonnee', label: t(lang, 'beheer.invoices.filter.abonnee'), hint: t(lang, 'beheer.invoices.filter.abonnee.hint'), value: raw.abonnee, error: errors.abonnee, maxlength: 8, autocomplete: 'off' })}
          ${selectInput({
            lang,
            name: 'status',
            label: t(lang, 'beheer.invoices.filter.status'),
            value: raw.status,
            error: errors.status,
            options: [
              ['', t(lang, 'beheer.invoices.filter.status.all')],
              ...STATUSES.map((s): [string, string] => [s, statusWord(lang, s)]),
            ],
          })}
          ${textInput({ lang, name: 'periode', label: t(lang, 'beheer.invoices.filter.period'), hint: t(lang, 'beheer.invoices.filter.period.hint'), value: raw.periode, error: errors.periode, maxlength: 7, autocomplete: 'off' })}
          ${button({ label: t(lang, 'beheer.search') })}
        </form>

        <h2 id="facturen-gevonden">${t(lang, 'beheer.invoices.found', { n: String(totals.count) })}</h2>
        ${
          invoices.length === 0
            ? html`<p>${t(lang, 'beheer.invoices.none')}</p>`
            : html`<dl class="facts">
                  <dt>${t(lang, 'beheer.invoices.outstanding')}</dt>
                  <dd>${formatMoney(totals.outstandingCents, lang)}</dd>
                </dl>
                ${invoiceTable(lang, invoices, {
                  caption: t(lang, 'beheer.invoices.caption'),
                  href: (i) => `/beheer/facturen/${i.number}`,
                  beheer: true,
                })}
                ${pager(lang, { path: '/beheer/facturen', params: { ...raw } }, paging, totals.count)}`
        }
        ${runForms(req, lang, o.run?.periode, errors.periode_run)}`,
    });
  }

  /** Making a period's invoices and sending reminders: only with a tariff (else said so). */
  function runForms(req: FastifyRequest, lang: Lang, periode: string | undefined, error?: string): SafeHtml {
    if (!fees.tariff)
      return html`<h2>${t(lang, 'beheer.invoices.run.title')}</h2>
        <p>${t(lang, 'beheer.invoices.no_tariff')}</p>`;
    const kind = fees.tariff.invoicePeriod;
    return html`<h2>${t(lang, 'beheer.invoices.run.title')}</h2>
      <p>${t(lang, 'beheer.invoices.run.intro')}</p>
      <form method="post" action="/beheer/facturen/maken">
        ${csrf(web, req)}
        ${textInput({
          lang,
          name: 'periode_run',
          label: t(lang, 'beheer.invoices.run.period'),
          hint: t(
            lang,
            kind === 'month' ? 'beheer.invoices.run.period.month' : 'beheer.invoices.run.period.quarter',
          ),
          value: periode ?? fees.previousPeriod().label,
          error,
          maxlength: 7,
          autocomplete: 'off',
          required: true,
        })}
        ${button({ label: t(lang, 'beheer.invoices.run.submit') })}
      </form>
      <h2>${t(lang, 'beheer.invoices.remind.title')}</h2>
      <p>${t(lang, 'beheer.invoices.remind.intro', { days: String(fees.tariff.reminderIntervalDays) })}</p>
      <form method="post" action="/beheer/facturen/herinneren">
        ${csrf(web, req)} ${button({ label: t(lang, 'beheer.invoices.remind.submit'), variant: 'secondary' })}
      </form>`;
  }

  app.get('/beheer/facturen', async (req, reply) => listPage(req, reply));

  app.post('/beheer/facturen/maken', async (req, reply) => {
    const lang = web.lang(req, reply);
    if (!fees.tariff) return beheerProblem(web, req, reply, 409, 'refused', '/beheer/facturen');
    const periode = field(req, 'periode_run', 7);
    let error: string | undefined;
    try {
      const period = fees.period(periode);
      if (Fees.today() < period.end)
        error = t(lang, 'beheer.invoices.run.error.not_ended', {
          period: periodName(period.label, lang),
          date: formatDate(period.end, lang),
        });
      else {
        const result = await fees.run(period.label, operatorOf(req).actor);
        const made = result.made.length;
        return reply.redirect(
          `/beheer/facturen?periode=${period.label}&melding=${made > 0 ? 'gemaakt' : 'niets_gemaakt'}&aantal=${made}`,
          303,
        );
      }
    } catch (err) {
      if (!(err instanceof RegisterError)) throw err;
      error = t(
        lang,
        fees.tariff.invoicePeriod === 'month'
          ? 'beheer.invoices.run.error.month'
          : 'beheer.invoices.run.error.quarter',
      );
    }
    return listPage(req, reply, { run: { periode, error }, status: 400 });
  });

  app.post('/beheer/facturen/herinneren', async (req, reply) => {
    if (!fees.tariff) return beheerProblem(web, req, reply, 409, 'refused', '/beheer/facturen');
    const sent = await fees.remind(operatorOf(req).actor);
    return reply.redirect(
      `/beheer/facturen?status=overdue&melding=${sent.length > 0 ? 'herinnerd' : 'geen_herinneringen'}&aantal=${sent.length}`,
      303,
    );
  });

  /** The invoice of the route's :nummer, or null (a malformed number is not looked up). */
  async function invoiceOf(req: FastifyRequest): Promise<InvoiceDetail | null> {
    const { nummer } = req.params as { nummer: string };
    return INVOICE_NUMBER.test(nummer) ? fees.get(nummer) : null;
  }

  async function invoicePage(
    req: FastifyRequest,
    reply: FastifyReply,
    invoice: InvoiceDetail,
    o: { input?: PaymentInput; errors?: FieldErrors; status?: number } = {},
  ) {
    const lang = web.lang(req, reply);
    const abonnee = await d.register.findAbonnee(invoice.abonneeNummer);
    const errors = o.errors ?? {};
    const outstanding = Math.max(0, invoice.totalCents - invoice.paidCents);
    const title = t(lang, 'invoice.title', { nummer: invoice.number });
    const issuer = fees.tariff?.issuer ?? t(lang, 'invoice.issuer_default');
    const input = o.input ?? { bedrag: '', datum: Fees.today() };
    return beheerPage(web, req, reply, {
      title,
      section: 'facturen',
      status: o.status,
      hasErrors: Object.keys(errors).length > 0,
      body: html`<h1>${title}</h1>
        ${errorSummary(lang, errors)}
        ${notice(melding(req, ['betaald'] as const) ? t(lang, 'beheer.invoice.notice.betaald') : null)}
        ${invoiceDocument(lang, invoice, abonnee ?? { naam: invoice.abonneeNaam, abonneeNummer: invoice.abonneeNummer, kvk: null }, issuer)}
        ${
          outstanding > 0
            ? html`<h2 id="betaling">${t(lang, 'beheer.invoice.pay.title')}</h2>
                <form method="post" action="/beheer/facturen/${invoice.number}/betaling">
                  ${csrf(web, req)}
                  ${textInput({ lang, name: 'bedrag', label: t(lang, 'beheer.invoice.pay.amount'), hint: t(lang, 'beheer.invoice.pay.amount.hint', { amount: formatMoney(outstanding, lang) }), value: input.bedrag, error: errors.bedrag, maxlength: 20, autocomplete: 'off', required: true })}
                  ${dateInput({ lang, name: 'datum', label: t(lang, 'beheer.invoice.pay.date'), value: input.datum, error: errors.datum })}
                  ${button({ label: t(lang, 'beheer.invoice.pay.submit') })}
                </form>`
            : ''
        }
        <p>
          <a href="/beheer/facturen?abonnee=${invoice.abonneeNummer}"
            >${t(lang, 'beheer.invoice.others', { naam: invoice.abonneeNaam })}</a
          >
        </p>
        <p><a href="/beheer/facturen">${t(lang, 'invoice.back')}</a></p>`,
    });
  }

  app.get('/beheer/facturen/:nummer', async (req, reply) => {
    const invoice = await invoiceOf(req);
    const { nummer } = req.params as { nummer: string };
    await recordAudit(d.db, {
      actor: operatorOf(req).actor,
      action: 'beheer.invoice.read',
      outcome: invoice ? 'success' : 'failure',
      abonneeNummer: invoice?.abonneeNummer ?? null,
      target: invoice ? `invoice:${invoice.number}` : null,
      // What was asked for only when it is an invoice number: an address may hold anything.
      detail: invoice ? {} : { reason: 'not_found', asked: INVOICE_NUMBER.test(nummer) ? nummer : null },
    });
    if (!invoice) return beheerProblem(web, req, reply, 404, 'not_found', '/beheer/facturen');
    return invoicePage(req, reply, invoice);
  });

  app.post('/beheer/facturen/:nummer/betaling', async (req, reply) => {
    const invoice = await invoiceOf(req);
    if (!invoice) return beheerProblem(web, req, reply, 404, 'not_found', '/beheer/facturen');
    // Paid in full: the page has no payment form; a post from an old tab is refused, nothing stored.
    if (invoice.paidCents >= invoice.totalCents)
      return beheerProblem(web, req, reply, 409, 'refused', `/beheer/facturen/${invoice.number}`);
    const lang = web.lang(req, reply);
    const input: PaymentInput = { bedrag: field(req, 'bedrag', 20), datum: field(req, 'datum', 10) };
    const outstanding = invoice.totalCents - invoice.paidCents;
    const errors: FieldErrors = {};
    let cents = 0;
    try {
      cents = parseEuroAmount(input.bedrag);
    } catch {
      errors.bedrag = t(lang, 'beheer.invoice.pay.error.amount');
    }
    if (!errors.bedrag && cents <= 0) errors.bedrag = t(lang, 'beheer.invoice.pay.error.amount');
    else if (!errors.bedrag && cents > outstanding)
      errors.bedrag = t(lang, 'beheer.invoice.pay.error.too_much', {
        amount: formatMoney(outstanding, lang),
      });
    if (!DATE.test(input.datum) || Number.isNaN(Date.parse(`${input.datum}T00:00:00Z`)))
      errors.datum = t(lang, 'beheer.invoice.pay.error.date');
    else if (input.datum > Fees.today()) errors.datum = t(lang, 'beheer.invoice.pay.error.future');
    else if (input.datum < invoice.issueDate)
      errors.datum = t(lang, 'beheer.invoice.pay.error.before', {
        date: formatDate(invoice.issueDate, lang),
      });
    if (Object.keys(errors).length === 0) {
      try {
        await fees.recordPayment(
          invoice.number,
          { amountCents: cents, paidOn: input.datum },
          operatorOf(req).actor,
        );
        return reply.redirect(`/beheer/facturen/${invoice.number}?melding=betaald`, 303);
      } catch (err) {
        // Another operator recorded a payment in between: what is outstanding changed.
        if (!(err instanceof ConflictError || err instanceof NotFoundError)) throw err;
        errors.bedrag = t(lang, 'beheer.invoice.pay.error.changed');
      }
    }
    const fresh = (await fees.get(invoice.number)) ?? invoice;
    return invoicePage(req, reply, fresh, { input, errors, status: 400 });
  });
}
