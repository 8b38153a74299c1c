// Beheer: the audit trail. Search by person (Dezi-nummer), abonnee, zorgapplicatie, action and period,
// newest first, in pages; export the same search as CSV; check the hash chain as `dezi audit verify`
// does and show the result. The search itself is src/audit/search.ts. What the operator types is
// posted, not put in the URL (nine digits might be a BSN typed by mistake; a URL ends up in logs);
// links from other pages of beheer carry a register number they know in the query. Every search,
// export and check is itself audited.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit, verifyAuditChain, type AuditVerification } from '../../audit/audit.ts';
import {
  AUDIT_CRITERIA,
  auditCsv,
  checkAuditCriteria,
  searchAudit,
  type AuditCriteria,
  type AuditCriterion,
  type AuditPage,
} from '../../audit/search.ts';
import { formatAmsterdam } from '../../time.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { t, type Lang, type MessageKey } from '../../web/i18n.ts';
import { field, textInput } from '../forms.ts';
import {
  beheerPage,
  csrf,
  dateInput,
  errorSummary,
  formatWhen,
  operatorOf,
  queryValue,
  type BeheerDeps,
  type FieldErrors,
} from './shared.ts';

type Raw = Partial<Record<AuditCriterion, string>>;

const LABELS: Record<AuditCriterion, MessageKey> = {
  person: 'beheer.audit.person',
  abonnee: 'beheer.audit.abonnee',
  client: 'beheer.audit.client',
  action: 'beheer.audit.action',
  from: 'beheer.audit.from',
  until: 'beheer.audit.until',
};

const FORMAT_ERRORS: Record<AuditCriterion, MessageKey> = {
  person: 'beheer.audit.error.person',
  abonnee: 'beheer.audit.error.abonnee',
  client: 'beheer.audit.error.client',
  action: 'beheer.audit.error.action',
  from: 'beheer.audit.error.date',
  until: 'beheer.audit.error.date',
};

const PROBLEM_TEXT = {
  changed: 'beheer.audit.verify.changed',
  deleted: 'beheer.audit.verify.deleted',
  out_of_order: 'beheer.audit.verify.out_of_order',
} as const satisfies Record<string, MessageKey>;

function rawFrom(get: (name: string) => string): Raw {
  return Object.fromEntries(AUDIT_CRITERIA.map((c) => [c, get(c)])) as Raw;
}

/** The search's criteria as hidden fields, for the paging and export forms. */
function hiddenCriteria(criteria: AuditCriteria): SafeHtml {
  return html`${AUDIT_CRITERIA.map((c) =>
    criteria[c] ? html`<input type="hidden" name="${c}" value="${criteria[c]}" />` : '',
  )}`;
}

export async function auditRoutes(app: FastifyInstance, d: BeheerDeps): Promise<void> {
  const { web } = d;

  function page(
    req: FastifyRequest,
    reply: FastifyReply,
    o: {
      raw: Raw;
      errors?: FieldErrors;
      criteria?: AuditCriteria;
      result?: AuditPage;
      verification?: AuditVerification;
      status?: number;
    },
  ) {
    const lang = web.lang(req, reply);
    const errors = o.errors ?? {};
    const input = (c: AuditCriterion) =>
      c === 'from' || c === 'until'
        ? dateInput({ lang, name: c, label: t(lang, LABELS[c]), value: o.raw[c] ?? '', error: errors[c] })
        : textInput({
            lang,
            name: c,
            label: t(lang, LABELS[c]),
            hint: c === 'action' ? t(lang, 'beheer.audit.action.hint') : undefined,
            value: o.raw[c] ?? '',
            error: errors[c],
            maxlength: 100,
            autocomplete: 'off',
          });
    return beheerPage(web, req, reply, {
      title: t(lang, 'beheer.audit.title'),
      section: 'audit',
      status: o.status,
      hasErrors: Object.keys(errors).length > 0,
      body: html`<h1>${t(lang, 'beheer.audit.title')}</h1>
        ${errorSummary(lang, errors)}
        <p>${t(lang, 'beheer.audit.intro')}</p>
        <form method="post" action="/beheer/audit" role="search">
          ${csrf(web, req)} ${AUDIT_CRITERIA.map(input)}
          <button class="button" type="submit">${t(lang, 'beheer.search')}</button>
        </form>
        ${o.result && o.criteria ? results(req, lang, o.criteria, o.result) : ''}

        <h2 id="controle">${t(lang, 'beheer.audit.verify.title')}</h2>
        <p>${t(lang, 'beheer.audit.verify.intro')}</p>
        ${o.verification ? verification(lang, o.verification) : ''}
        <form method="post" action="/beheer/audit/controleren">
          ${csrf(web, req)}
          <button class="button button-secondary" type="submit">
            ${t(lang, 'beheer.audit.verify.submit')}
          </button>
        </form>`,
    });
  }

  function results(req: FastifyRequest, lang: Lang, criteria: AuditCriteria, result: AuditPage): SafeHtml {
    const pager = (cursor: 'before' | 'after', value: string, label: MessageKey) =>
      html`<form method="post" action="/beheer/audit" class="inline-form">
        ${csrf(web, req)} ${hiddenCriteria(criteria)}
        <input type="hidden" name="${cursor}" value="${value}" />
        <button class="button button-secondary" type="submit">${t(lang, label)}</button>
      </form>`;
    return html`<h2 id="resultaat">${t(lang, 'beheer.audit.results')}</h2>
      ${
        result.records.length === 0
          ? html`<p>${t(lang, 'beheer.audit.none')}</p>`
          : html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="resultaat">
              <table>
                <caption>
                  ${t(lang, 'beheer.audit.caption', { n: String(result.records.length) })}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">${t(lang, 'beheer.audit.at')}</th>
                    <th scope="col">${t(lang, 'beheer.audit.actor')}</th>
                    <th scope="col">${t(lang, 'beheer.audit.action')}</th>
                    <th scope="col">${t(lang, 'beheer.audit.abonnee')}</th>
                    <th scope="col">${t(lang, 'beheer.audit.client')}</th>
                    <th scope="col">${t(lang, 'beheer.audit.target')}</th>
                    <th scope="col">${t(lang, 'beheer.audit.outcome')}</th>
                    <th scope="col">${t(lang, 'beheer.audit.detail')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${result.records.map(
                    (r) =>
                      html`<tr>
                        <td>${formatWhen(r.at)}</td>
                        <td>${r.actor ? html`<code>${r.actor}</code>` : ''}</td>
                        <td><code>${r.action}</code></td>
                        <td>${r.abonneeNummer ?? ''}</td>
                        <td>${r.clientId ? html`<code>${r.clientId}</code>` : ''}</td>
                        <td>${r.target ? html`<code>${r.target}</code>` : ''}</td>
                        <td>
                          ${r.outcome === 'success' ? t(lang, 'beheer.outcome.success') : t(lang, 'beheer.outcome.failure')}
                        </td>
                        <td><code>${JSON.stringify(r.detail)}</code></td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
      <div class="form-row">
        ${result.newer ? pager('after', result.newer, 'beheer.audit.newer') : ''}
        ${result.older ? pager('before', result.older, 'beheer.audit.older') : ''}
      </div>
      <form method="post" action="/beheer/audit/export">
        ${csrf(web, req)} ${hiddenCriteria(criteria)}
        <button class="button button-secondary" type="submit">${t(lang, 'beheer.audit.export')}</button>
      </form>`;
  }

  function verification(lang: Lang, v: AuditVerification): SafeHtml {
    const intact = v.problems.length === 0;
    return html`<div class="notice ${intact ? '' : 'notice-error'}" role="status">
      <p>
        ${
          v.head
            ? t(lang, 'beheer.audit.verify.records', {
                n: String(v.records),
                seq: String(v.head.seq),
              })
            : t(lang, 'beheer.audit.verify.empty')
        }
      </p>
      ${v.head ? html`<p>${t(lang, 'beheer.audit.verify.head')} <code>${v.head.hash}</code></p>` : ''}
      <p>
        <strong
          >${
            intact
              ? t(lang, 'beheer.audit.verify.intact')
              : t(lang, 'beheer.audit.verify.altered', { n: String(v.problems.length) })
          }</strong
        >
      </p>
      ${
        intact
          ? ''
          : html`<ul>
              ${v.problems.map((p) => html`<li>${t(lang, PROBLEM_TEXT[p.problem], { seq: String(p.seq) })}</li>`)}
            </ul>`
      }
      ${v.pending > 0 ? html`<p>${t(lang, 'beheer.audit.verify.pending', { n: String(v.pending) })}</p>` : ''}
    </div>`;
  }

  /**
   * Checks the criteria (a Dezi-nummer must be one in the register: nine digits that are not might be
   * a BSN, which is then not shown back) and searches; a refused criterion is a 400 with the form kept.
   */
  async function search(
    req: FastifyRequest,
    reply: FastifyReply,
    raw: Raw,
    cursor: { before?: string; after?: string },
  ) {
    const lang = web.lang(req, reply);
    const checked = checkAuditCriteria(raw);
    const errors: FieldErrors = {};
    if ('problems' in checked)
      for (const [c, problem] of Object.entries(checked.problems) as [AuditCriterion, string][])
        errors[c] = t(lang, problem === 'order' ? 'beheer.audit.error.order' : FORMAT_ERRORS[c]);
    const criteria = 'criteria' in checked ? checked.criteria : undefined;
    if (criteria?.person && !(await d.register.findPersonByDeziNummer(criteria.person)))
      errors.person = t(lang, 'beheer.audit.error.person_unknown');
    if (errors.person) raw = { ...raw, person: '' };
    if (Object.keys(errors).length || !criteria) return page(req, reply, { raw, errors, status: 400 });
    const result = await searchAudit(d.db, criteria, cursor);
    await recordAudit(d.db, {
      actor: operatorOf(req).actor,
      action: 'beheer.audit.search',
      outcome: 'success',
      detail: { criteria: JSON.stringify(criteria), results: result.records.length },
    });
    return page(req, reply, { raw, criteria, result });
  }

  app.get('/beheer/audit', async (req, reply) => {
    const raw = rawFrom((name) => queryValue(req, name, 100));
    if (AUDIT_CRITERIA.every((c) => !raw[c])) return page(req, reply, { raw });
    return search(req, reply, raw, {});
  });

  app.post('/beheer/audit', async (req, reply) =>
    search(
      req,
      reply,
      rawFrom((name) => field(req, name, 100)),
      {
        before: field(req, 'before', 20) || undefined,
        after: field(req, 'after', 20) || undefined,
      },
    ),
  );

  app.post('/beheer/audit/export', async (req, reply) => {
    const checked = checkAuditCriteria(rawFrom((name) => field(req, name, 100)));
    if (!('criteria' in checked))
      return search(
        req,
        reply,
        rawFrom((name) => field(req, name, 100)),
        {},
      );
    const { criteria } = checked;
    await recordAudit(d.db, {
      actor: operatorOf(req).actor,
      action: 'beheer.audit.export',
      outcome: 'success',
      detail: { criteria: JSON.stringify(criteria) },
    });
    const stamp = formatAmsterdam(Date.now()).slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="dezi-audit-${stamp}.csv"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(auditCsv(d.db, criteria)));
  });

  app.post('/beheer/audit/controleren', async (req, reply) => {
    const result = await verifyAuditChain(d.db);
    await recordAudit(d.db, {
      actor: operatorOf(req).actor,
      action: 'beheer.audit.verify',
      outcome: result.problems.length === 0 ? 'success' : 'failure',
      detail: {
        records: result.records,
        problems: result.problems.length,
        pending: result.pending,
        head_seq: result.head?.seq ?? null,
      },
    });
    return page(req, reply, { raw: {}, verification: result });
  });
}
