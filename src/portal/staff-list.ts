// The abonnee portal's staff list: search by name or Dezi-nummer, sort, page, administrators
// marked; per employment the role change and the end of the employment (on a date of the
// administrator's choosing, today or later). An administrator cannot end their own employment:
// the button is not offered, and the server refuses it. Notices after a change name the person.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import { isUuid } from '../ids.ts';
import { dutchDate } from '../register/fee-periods.ts';
import {
  BigRoleError,
  RegisterError,
  STAFF_SORTS,
  type Employment,
  type StaffMember,
  type StaffSort,
} from '../register/register.ts';
import { roleLabel, roleTable } from '../register/roles.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import { adminPost, adminProblem, type Admin, type AdminDeps } from './abonnee-admin.ts';
import {
  button,
  buttonGroup,
  csrfField,
  dateField,
  errorSummary,
  field,
  linkButton,
  selectField,
} from './forms.ts';
import { formatDate } from './format.ts';
import { PORTAL_CLIENT_ID } from './login.ts';
import { fullName, sessionBinding } from './mijn-dezi.ts';
import { pager, pageRequest, queryParam } from './paging.ts';

export const STAFF_PAGE_SIZE = 20;

/** The role and role-source fields of a form (role change, invitation). */
export function roleFields(
  lang: Lang,
  prefix: string,
  current?: { rolCode: string | null; bron: string | null },
  error?: string,
): SafeHtml {
  const fromAbonnee = current?.bron === 'abonnee' || Boolean(current?.bron?.endsWith('/abonnee'));
  return html`${selectField({
    id: `${prefix}-rol`,
    name: 'rolCode',
    label: t(lang, 'portal.role'),
    lang,
    error,
    value: current?.rolCode ?? '',
    options: [
      { value: '', label: t(lang, 'choose.norole') },
      ...[...roleTable().values()].map((r) => ({ value: r.code, label: `${r.naam} (${r.code})` })),
    ],
  })}
  ${selectField({
    id: `${prefix}-bron`,
    name: 'rolCodeBron',
    label: t(lang, 'portal.role_source'),
    lang,
    value: fromAbonnee ? 'abonnee' : 'big',
    options: [
      { value: 'big', label: t(lang, 'portal.role_source.big') },
      { value: 'abonnee', label: t(lang, 'portal.role_source.abonnee') },
    ],
  })}`;
}

/** An employment of this abonnee named in the form; another abonnee's is not found. */
export async function ownEmployment(d: AdminDeps, req: FastifyRequest, a: Admin): Promise<Employment | null> {
  const id = field(req, 'employment', 36);
  const e = isUuid(id) ? await d.register.getEmployment(id) : null;
  return e && e.abonnee.id === a.abonnee.id ? e : null;
}

/** A register rule refused the change: say which kind of refusal, change nothing. */
export function registerRefusal(
  d: AdminDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  a: Admin,
  err: unknown,
): FastifyReply {
  if (!(err instanceof RegisterError)) throw err;
  const back = `/abonnee/${a.abonnee.abonneeNummer}`;
  if (err instanceof BigRoleError)
    return d.web.renderProblem(req, reply, {
      status: 409,
      titleKey: 'portal.admin.big.title',
      bodyKey: err.reason === 'unavailable' ? 'portal.admin.big_unavailable.body' : 'portal.admin.big.body',
      vars: { dezi: err.deziNummer, rol: roleLabel(err.role.code) },
      actions: html`<p><a href="${back}">${t(d.web.lang(req), 'portal.back')}</a></p>`,
    });
  if (err.code === 'not_found') return adminProblem(d.web, req, reply, 404, 'not_found', back);
  if (err.code === 'invalid') return adminProblem(d.web, req, reply, 400, 'invalid', back);
  return adminProblem(d.web, req, reply, 409, 'refused', back);
}

interface StaffView {
  search: string;
  sort: StaffSort;
  descending: boolean;
}

function staffView(req: FastifyRequest): StaffView {
  const sort = queryParam(req, 'sorteer', 20);
  return {
    search: queryParam(req, 'zoek', 100),
    sort: (STAFF_SORTS as readonly string[]).includes(sort) ? (sort as StaffSort) : 'naam',
    descending: queryParam(req, 'volgorde', 10) === 'aflopend',
  };
}

function statusText(lang: Lang, e: Employment): string {
  const status = t(lang, `register.status.${e.status}`);
  if (!e.endDate) return status;
  return e.status === 'ended'
    ? t(lang, 'staff.ended_on', { status, datum: formatDate(e.endDate, lang) })
    : t(lang, 'staff.ends_on', { status, datum: formatDate(e.endDate, lang) });
}

function memberRow(lang: Lang, a: Admin, csrf: SafeHtml, m: StaffMember, n: number): SafeHtml {
  const { employment: e, person } = m;
  const base = `/abonnee/${a.abonnee.abonneeNummer}`;
  const naam = fullName(person);
  const own = person.id === a.person.id;
  const open = e.status !== 'ended';
  return html`<li class="card">
    <p>
      <strong>${naam}</strong>
      <span class="hint">Dezi-nummer ${person.deziNummer}</span><br />
      ${e.rolNaam ? `${e.rolNaam} (${e.rolCode})` : t(lang, 'choose.norole')} · ${statusText(lang, e)}
      ${m.administrator ? html` · <span class="badge">${t(lang, 'staff.administrator')}</span>` : ''}
    </p>
    ${
      open
        ? html`<details>
              <summary>${t(lang, 'portal.admin.change_role')}</summary>
              <form method="post" action="${base}/rol">
                ${csrf}<input type="hidden" name="employment" value="${e.id}" />
                ${roleFields(lang, `e${n}`, { rolCode: e.rolCode, bron: e.rolCodeBron })}
                ${button({ label: t(lang, 'portal.admin.save_role') })}
              </form>
            </details>
            ${
              own
                ? html`<p class="hint">${t(lang, 'staff.own_employment')}</p>`
                : html`<form method="post" action="${base}/beeindigen">
                    ${csrf}<input type="hidden" name="employment" value="${e.id}" />
                    ${button({ label: t(lang, 'portal.admin.end', { naam }), variant: 'destructive' })}
                  </form>`
            }`
        : ''
    }
  </li>`;
}

/** The staff section of the abonnee's page: search and sort form, one page of the list, the pager. */
export async function staffSection(
  d: AdminDeps,
  req: FastifyRequest,
  a: Admin,
  lang: Lang,
): Promise<SafeHtml> {
  const view = staffView(req);
  const page = pageRequest(req, STAFF_PAGE_SIZE);
  const staff = await d.register.staffOfAbonnee(a.abonnee.id, {
    search: view.search,
    sort: view.sort,
    descending: view.descending,
    limit: page.limit,
    offset: page.offset,
  });
  const base = `/abonnee/${a.abonnee.abonneeNummer}`;
  const csrf = csrfField(d.web, sessionBinding(a.session));
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}" ${selected ? html`selected` : ''}>${label}</option>`;
  return html`<h2 id="medewerkers">${t(lang, 'portal.admin.employments')}</h2>
    <form method="get" action="${base}" role="search" aria-labelledby="medewerkers">
      <div class="field">
        <label for="zoek">${t(lang, 'staff.search')}</label>
        <input type="text" id="zoek" name="zoek" value="${view.search}" maxlength="100" autocomplete="off" />
      </div>
      <div class="form-row">
        <div class="field">
          <label for="sorteer">${t(lang, 'staff.sort')}</label>
          <select id="sorteer" name="sorteer">
            ${STAFF_SORTS.map((s) => option(s, t(lang, `staff.sort.${s}`), s === view.sort))}
          </select>
        </div>
        <div class="field">
          <label for="volgorde">${t(lang, 'staff.order')}</label>
          <select id="volgorde" name="volgorde">
            ${option('oplopend', t(lang, 'staff.order.ascending'), !view.descending)}
            ${option('aflopend', t(lang, 'staff.order.descending'), view.descending)}
          </select>
        </div>
      </div>
      ${button({ label: t(lang, 'staff.search.submit'), variant: 'secondary' })}
    </form>
    <p role="status">
      ${
        view.search
          ? t(lang, 'staff.found', { n: String(staff.total), zoek: view.search })
          : t(lang, 'staff.count', { n: String(staff.total) })
      }
    </p>
    ${
      staff.members.length === 0
        ? html`<p>${view.search ? t(lang, 'staff.none_found') : t(lang, 'portal.admin.no_employments')}</p>`
        : html`<ul class="plain-list">
            ${staff.members.map((m, i) => memberRow(lang, a, csrf, m, page.offset + i))}
          </ul>`
    }
    ${pager(
      lang,
      {
        path: base,
        params: {
          zoek: view.search,
          sorteer: view.sort === 'naam' ? '' : view.sort,
          volgorde: view.descending ? 'aflopend' : '',
        },
      },
      page,
      staff.total,
    )}`;
}

/**
 * The notice after a change, naming the person: "De koppeling van J. Jansen is beëindigd." Only an
 * employment of this abonnee is named; any other id in the address gives the plain notice.
 */
export async function staffNotice(
  d: AdminDeps,
  req: FastifyRequest,
  a: Admin,
  lang: Lang,
): Promise<string | null> {
  const melding = queryParam(req, 'melding', 20);
  if (melding !== 'rol' && melding !== 'beeindigd') return null;
  const id = queryParam(req, 'koppeling', 36);
  const e = isUuid(id) ? await d.register.getEmployment(id) : null;
  const person = e && e.abonnee.id === a.abonnee.id ? await d.register.getPerson(e.personId) : null;
  if (!e || !person)
    return t(lang, melding === 'rol' ? 'portal.admin.notice.rol' : 'portal.admin.notice.beeindigd');
  const naam = fullName(person);
  if (melding === 'rol')
    return t(lang, 'staff.notice.rol', {
      naam,
      rol: e.rolCode ? roleLabel(e.rolCode) : t(lang, 'choose.norole'),
    });
  if (e.status === 'ended') return t(lang, 'staff.notice.ended', { naam });
  return t(lang, 'staff.notice.ends', { naam, datum: e.endDate ? formatDate(e.endDate, lang) : '' });
}

/** "2026-12-31" or "31-12-2026" (as a browser without a date picker lets a person type it). */
function parseEndDate(value: string): string | null {
  const iso = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(value);
  const dutch = /^([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})$/.exec(value);
  const date = iso
    ? value
    : dutch
      ? `${dutch[3]}-${dutch[2]!.padStart(2, '0')}-${dutch[1]!.padStart(2, '0')}`
      : null;
  if (!date) return null;
  const t = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === date ? date : null;
}

export async function staffRoutes(app: FastifyInstance, d: AdminDeps): Promise<void> {
  const { web } = d;

  /** "Koppeling beëindigen?": the date, and what ending does; with the error when the date was wrong. */
  function confirmPage(
    req: FastifyRequest,
    reply: FastifyReply,
    a: Admin,
    e: Employment,
    naam: string,
    o: { value: string; error?: string },
  ) {
    const lang = web.lang(req, reply);
    const today = dutchDate(Date.now());
    const title = t(lang, 'portal.admin.end.confirm_title');
    return web.render(req, reply, {
      lang,
      status: o.error ? 400 : 200,
      title,
      error: Boolean(o.error),
      body: html`<h1>${title}</h1>
        ${errorSummary(lang, o.error ? [{ id: 'einddatum', message: o.error }] : [])}
        <p>${t(lang, 'staff.end.confirm', { naam, abonnee: a.abonnee.naam })}</p>
        <form method="post" action="/abonnee/${a.abonnee.abonneeNummer}/beeindigen">
          ${csrfField(web, sessionBinding(a.session))}
          <input type="hidden" name="employment" value="${e.id}" />
          <input type="hidden" name="bevestigd" value="ja" />
          ${dateField({
            id: 'einddatum',
            name: 'einddatum',
            label: t(lang, 'staff.end.date'),
            hint: t(lang, 'staff.end.date.hint', { naam }),
            error: o.error,
            value: o.value,
            min: today,
            lang,
          })}
          ${buttonGroup(
            button({ label: t(lang, 'portal.admin.end.yes'), variant: 'destructive' }),
            linkButton({
              href: `/abonnee/${a.abonnee.abonneeNummer}`,
              label: t(lang, 'portal.admin.end.no'),
              variant: 'secondary',
            }),
          )}
        </form>`,
    });
  }

  adminPost(app, d, 'beeindigen', async (req, reply, a) => {
    const e = await ownEmployment(d, req, a);
    if (!e) return adminProblem(web, req, reply, 404, 'not_found', `/abonnee/${a.abonnee.abonneeNummer}`);
    if (e.personId === a.person.id) {
      // Ending it would end their own administration with it: another administrator must do it.
      await recordAudit(d.db, {
        actor: a.actor,
        action: 'register.employment.end',
        outcome: 'failure',
        abonneeNummer: a.abonnee.abonneeNummer,
        clientId: PORTAL_CLIENT_ID,
        target: `employment:${e.id}`,
        detail: { reason: 'own_employment' },
      });
      return web.renderProblem(req, reply, {
        status: 409,
        titleKey: 'staff.own.title',
        bodyKey: 'staff.own.body',
        vars: { abonnee: a.abonnee.naam },
        actions: html`<p>
          <a href="/abonnee/${a.abonnee.abonneeNummer}">${t(web.lang(req), 'portal.back')}</a>
        </p>`,
      });
    }
    const person = await d.register.getPerson(e.personId);
    const naam = person ? fullName(person) : '';
    const today = dutchDate(Date.now());
    if (field(req, 'bevestigd', 2) !== 'ja')
      // Ending revokes the person's verklaringen at once: ask first, and for the date (WCAG 3.3.4).
      return confirmPage(req, reply, a, e, naam, { value: today });
    // A form without the field (an older page still open) ends it today, as that page said.
    const given = Object.hasOwn((req.body ?? {}) as object, 'einddatum');
    const typed = given ? field(req, 'einddatum', 10) : today;
    const endDate = parseEndDate(typed);
    const lang = web.lang(req, reply);
    if (!endDate)
      return confirmPage(req, reply, a, e, naam, { value: typed, error: t(lang, 'staff.end.date.invalid') });
    if (endDate < today)
      return confirmPage(req, reply, a, e, naam, { value: typed, error: t(lang, 'staff.end.date.past') });
    if (endDate < e.startDate)
      return confirmPage(req, reply, a, e, naam, {
        value: typed,
        error: t(lang, 'staff.end.date.before_start', { datum: formatDate(e.startDate, lang) }),
      });
    try {
      await d.register.endEmployment(e.id, a.actor, endDate);
    } catch (err) {
      return registerRefusal(d, req, reply, a, err);
    }
    return reply.redirect(`/abonnee/${a.abonnee.abonneeNummer}?melding=beeindigd&koppeling=${e.id}`, 303);
  });
}
