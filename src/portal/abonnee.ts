// The abonnee portal: an abonnee's administrator (listed in the register, with an active employment
// there) invites persons, sets roles and ends employments of that abonnee only.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit, type Actor } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import type { Invitations } from '../register/invitations.ts';
import {
  BigRoleError,
  RegisterError,
  type Abonnee,
  type Employment,
  type Person,
  type Register,
} from '../register/register.ts';
import { isUuid } from '../ids.ts';
import { roleByCode, roleLabel, roleTable, type RoleSource } from '../register/roles.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import type { Web } from '../web/web.ts';
import { alert } from '../web/components.ts';
import {
  button,
  buttonGroup,
  csrfField,
  errorSummary,
  field,
  linkButton,
  refuseFormPost,
  selectField,
  textInput,
  validPost,
  type FieldError,
} from './forms.ts';
import { PORTAL_CLIENT_ID, type PortalLogin } from './login.ts';
import { fullName, portalPerson, sessionBinding } from './mijn-dezi.ts';
import type { PortalSession, PortalState } from './sessions.ts';

export interface AbonneePortalDeps {
  issuer: string;
  db: Database;
  register: Register;
  web: Web;
  state: PortalState;
  login: PortalLogin;
  invitations: Invitations;
}

const ABONNEE_NUMMER = /^[0-9]{8}$/;

interface Admin {
  session: PortalSession;
  person: Person;
  abonnee: Abonnee;
  actor: Actor;
}

/** The invitation form as sent, given back with its errors. */
interface InviteInput {
  deziNummer: string;
  rolCode: string;
  rolCodeBron: string;
}
type InviteErrors = Partial<Record<'deziNummer' | 'rolCode', string>>;

/** A refusal of the register that belongs beside a field of the invitation form (null: a page of its own). */
function inviteRefusal(
  lang: Lang,
  err: unknown,
  values: InviteInput,
): { errors: InviteErrors; status: number } | null {
  if (err instanceof BigRoleError) {
    const key = err.reason === 'unavailable' ? 'portal.admin.big_unavailable.body' : 'portal.admin.big.body';
    return {
      status: 409,
      errors: { rolCode: t(lang, key, { dezi: err.deziNummer, rol: roleLabel(err.role.code) }) },
    };
  }
  if (err instanceof RegisterError && err.code === 'not_found' && values.deziNummer !== '')
    return {
      status: 404,
      errors: { deziNummer: t(lang, 'portal.admin.invite.error.unknown', { dezi: values.deziNummer }) },
    };
  return null;
}

/** "01.015|big" → the role and its source; "" → no role; anything else → undefined. */
export function parseRoleChoice(
  code: string,
  source: string,
): { rolCode: string | null; rolCodeBron: RoleSource | null } | undefined {
  if (code === '') return { rolCode: null, rolCodeBron: null };
  if (!roleTable().has(code) || (source !== 'big' && source !== 'abonnee')) return undefined;
  return { rolCode: code, rolCodeBron: source };
}

export async function abonneePortalRoutes(app: FastifyInstance, d: AbonneePortalDeps): Promise<void> {
  const { web } = d;

  /** The role and where it comes from; `error` beside the role (a role the register refused). */
  function roleFields(
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

  const problem = (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    key: 'forbidden' | 'not_found' | 'invalid' | 'refused',
    back = '/abonnee',
  ) =>
    web.renderProblem(req, reply, {
      status,
      titleKey: `portal.admin.${key}.title`,
      bodyKey: `portal.admin.${key}.body`,
      actions: html`<p><a href="${back}">${t(web.lang(req), 'portal.back')}</a></p>`,
    });

  /**
   * The logged-in person, if they administer the abonnee named in the path. Checked on every
   * request: an authorisation withdrawn or an employment ended takes effect at once.
   */
  async function admin(req: FastifyRequest): Promise<Admin | 'login' | 'forbidden'> {
    const me = await portalPerson(d.state, d.register, req);
    if (!me) return 'login';
    const { abonneeNummer } = req.params as { abonneeNummer: string };
    if (!ABONNEE_NUMMER.test(abonneeNummer)) return 'forbidden';
    const abonnee = (await d.register.administeredAbonnees(me.person.id)).find(
      (a) => a.abonneeNummer === abonneeNummer,
    );
    if (!abonnee) {
      await recordAudit(d.db, {
        actor: { kind: 'person', deziNummer: me.person.deziNummer, clientId: PORTAL_CLIENT_ID },
        action: 'portal.abonnee.access',
        outcome: 'failure',
        abonneeNummer,
        clientId: PORTAL_CLIENT_ID,
        detail: { reason: 'not_an_administrator' },
      });
      return 'forbidden';
    }
    return {
      ...me,
      abonnee,
      actor: {
        kind: 'person',
        deziNummer: me.person.deziNummer,
        abonneeNummer: abonnee.abonneeNummer,
        clientId: PORTAL_CLIENT_ID,
      },
    };
  }

  function loginPage(req: FastifyRequest, reply: FastifyReply, lang: Lang) {
    return web.render(req, reply, {
      lang,
      title: t(lang, 'portal.admin.title'),
      body: html`<h1>${t(lang, 'portal.admin.title')}</h1>
        <p>${t(lang, 'portal.admin.login_intro')}</p>
        ${buttonGroup(linkButton({ href: '/abonnee/inloggen', label: t(lang, 'portal.mijn.login') }))}`,
    });
  }

  app.get('/abonnee/inloggen', async (req, reply) => d.login.start(reply, 'abonnee', web.lang(req, reply)));

  app.get('/abonnee', async (req, reply) => {
    const lang = web.lang(req, reply);
    const me = await portalPerson(d.state, d.register, req);
    if (!me) return loginPage(req, reply, lang);
    const abonnees = await d.register.administeredAbonnees(me.person.id);
    if (abonnees.length === 0) return problem(req, reply, 403, 'forbidden', '/mijn-dezi');
    if (abonnees.length === 1) return reply.redirect(`/abonnee/${abonnees[0]!.abonneeNummer}`, 303);
    return web.render(req, reply, {
      lang,
      title: t(lang, 'portal.admin.title'),
      body: html`<h1>${t(lang, 'portal.admin.title')}</h1>
        <ul>
          ${abonnees.map((a) => html`<li><a href="/abonnee/${a.abonneeNummer}">${a.naam} (URA ${a.abonneeNummer})</a></li>`)}
        </ul>`,
    });
  });

  app.get('/abonnee/:abonneeNummer', async (req, reply) => {
    const lang = web.lang(req, reply);
    const a = await admin(req);
    if (a === 'login') return loginPage(req, reply, lang);
    if (a === 'forbidden') return problem(req, reply, 403, 'forbidden', '/mijn-dezi');
    return overview(req, reply, a, lang);
  });

  /**
   * The abonnee's page: its care workers, the invitation form and the invitations. With `invite`, the
   * invitation form came back with errors: shown at the top (an error summary linking to the fields),
   * beside the fields, and with what the administrator entered.
   */
  async function overview(
    req: FastifyRequest,
    reply: FastifyReply,
    a: Admin,
    lang: Lang,
    invite?: { values: InviteInput; errors: InviteErrors; status: number },
  ): Promise<FastifyReply> {
    const [employments, invitations] = await Promise.all([
      d.register.employmentsOfAbonnee(a.abonnee.id),
      d.invitations.ofAbonnee(a.abonnee.id),
    ]);
    const persons = new Map<string, Person | null>();
    for (const e of employments)
      if (!persons.has(e.personId)) persons.set(e.personId, await d.register.getPerson(e.personId));
    await recordAudit(d.db, {
      actor: a.actor,
      action: 'portal.abonnee.read',
      outcome: 'success',
      abonneeNummer: a.abonnee.abonneeNummer,
      clientId: PORTAL_CLIENT_ID,
      detail: { employments: employments.length },
    });
    const csrf = csrfField(web, sessionBinding(a.session));
    const base = `/abonnee/${a.abonnee.abonneeNummer}`;
    const melding = (req.query as Record<string, unknown>).melding;
    const notices: Record<string, string> = {
      rol: t(lang, 'portal.admin.notice.rol'),
      beeindigd: t(lang, 'portal.admin.notice.beeindigd'),
      uitgenodigd: t(lang, 'portal.admin.notice.uitgenodigd'),
      ingetrokken: t(lang, 'portal.admin.notice.ingetrokken'),
    };
    let notice = typeof melding === 'string' && Object.hasOwn(notices, melding) ? notices[melding] : null;
    // The invitation just made (only one of this abonnee's own): to whom, as what.
    const made = (req.query as Record<string, unknown>).uitnodiging;
    const invited =
      melding === 'uitgenodigd' ? invitations.find((i) => i.id === made && i.deziNummer !== null) : undefined;
    if (invited)
      notice = t(lang, 'portal.admin.notice.uitgenodigd_aan', {
        dezi: invited.deziNummer!,
        rol: invited.rolCode ? roleLabel(invited.rolCode) : t(lang, 'choose.norole'),
      });
    const row = (e: Employment, n: number) => {
      const p = persons.get(e.personId);
      const end = e.endDate;
      const active = e.status !== 'ended';
      const status = t(lang, `register.status.${e.status}`);
      return html`<li class="rhc-card rhc-card--default dezi-card">
        <p>
          <strong>${p ? fullName(p) : '?'}</strong>
          <span class="utrecht-form-field-description">Dezi-nummer ${p?.deziNummer ?? ''}</span><br />
          ${e.rolNaam ? `${e.rolNaam} (${e.rolCode})` : t(lang, 'choose.norole')} ·
          ${status}${end ? ` (${end})` : ''}
        </p>
        ${
          active
            ? html`<details>
                  <summary>${t(lang, 'portal.admin.change_role')}</summary>
                  <form method="post" action="${base}/rol">
                    ${csrf}<input type="hidden" name="employment" value="${e.id}" />
                    ${roleFields(lang, `e${n}`, { rolCode: e.rolCode, bron: e.rolCodeBron })}
                    ${button({ label: t(lang, 'portal.admin.save_role') })}
                  </form>
                </details>
                <form method="post" action="${base}/beeindigen">
                  ${csrf}<input type="hidden" name="employment" value="${e.id}" />
                  ${button({ label: t(lang, 'portal.admin.end', { naam: p ? fullName(p) : '' }), variant: 'destructive' })}
                </form>`
            : ''
        }
      </li>`;
    };
    const errors = invite?.errors ?? {};
    const summary: FieldError[] = [
      ...(errors.deziNummer ? [{ id: 'deziNummer', message: errors.deziNummer }] : []),
      ...(errors.rolCode ? [{ id: 'invite-rol', message: errors.rolCode }] : []),
    ];
    const body = html`<h1>${a.abonnee.naam}</h1>
      ${errorSummary(lang, summary)}
      <p class="utrecht-form-field-description">URA ${a.abonnee.abonneeNummer}</p>
      ${notice && !invite ? alert({ type: 'ok', body: notice }) : ''}
      <h2>${t(lang, 'portal.admin.employments')}</h2>
      ${
        employments.length === 0
          ? html`<p>${t(lang, 'portal.admin.no_employments')}</p>`
          : html`<ul class="dezi-plain-list">
              ${employments.map(row)}
            </ul>`
      }

      <h2 id="uitnodigen">${t(lang, 'portal.admin.invite')}</h2>
      <form method="post" action="${base}/uitnodigen" novalidate>
        ${csrf}
        ${textInput({ name: 'deziNummer', label: t(lang, 'portal.admin.invite.dezi_nummer'), hint: t(lang, 'portal.admin.invite.hint'), value: invite?.values.deziNummer ?? '', maxlength: 9, autocomplete: 'off', inputmode: 'numeric', error: errors.deziNummer, lang })}
        ${roleFields(lang, 'invite', { rolCode: invite?.values.rolCode ?? null, bron: invite?.values.rolCodeBron ?? null }, errors.rolCode)}
        <p class="utrecht-form-field-description">${t(lang, 'portal.admin.invite.big_hint')}</p>
        ${buttonGroup(button({ label: t(lang, 'portal.admin.invite.submit') }))}
      </form>

      <h2>${t(lang, 'portal.admin.invitations')}</h2>
      ${
        invitations.length === 0
          ? html`<p>${t(lang, 'portal.admin.no_invitations')}</p>`
          : html`<ul class="dezi-plain-list">
              ${invitations.map(
                (i) =>
                  html`<li>
                    ${i.deziNummer ? `Dezi-nummer ${i.deziNummer}` : t(lang, 'portal.admin.by_code')},
                    ${i.rolCode ? roleLabel(i.rolCode) : t(lang, 'choose.norole')}:
                    ${t(lang, `portal.invitation.status.${i.status}`)}
                    ${
                      i.status === 'pending'
                        ? html`<form method="post" action="${base}/intrekken" class="dezi-inline-form">
                            ${csrf}<input type="hidden" name="invitation" value="${i.id}" />
                            ${button({ label: t(lang, 'portal.admin.withdraw'), variant: 'destructive' })}
                          </form>`
                        : ''
                    }
                  </li>`,
              )}
            </ul>`
      }
      <p><a href="/mijn-dezi">${t(lang, 'portal.mijn.title')}</a></p>`;
    if (invite) reply.code(invite.status);
    return web.render(req, reply, { lang, title: a.abonnee.naam, body, error: Boolean(invite) });
  }

  /** Every post: an administrator of this abonnee, with the session's CSRF token, from our origin. */
  function post(
    path: string,
    fn: (req: FastifyRequest, reply: FastifyReply, a: Admin) => Promise<FastifyReply>,
  ) {
    app.post(`/abonnee/:abonneeNummer/${path}`, async (req, reply) => {
      const a = await admin(req);
      if (a === 'login')
        return web.renderProblem(req, reply, {
          status: 401,
          titleKey: 'portal.session_expired.title',
          bodyKey: 'portal.session_expired.body',
        });
      if (a === 'forbidden') return problem(req, reply, 403, 'forbidden', '/mijn-dezi');
      if (!validPost(web, d.issuer, req, sessionBinding(a.session))) return refuseFormPost(web, req, reply);
      return fn(req, reply, a);
    });
  }

  /** A register rule refused the change: say which kind of refusal, change nothing. */
  function refusal(req: FastifyRequest, reply: FastifyReply, a: Admin, err: unknown): FastifyReply {
    if (!(err instanceof RegisterError)) throw err;
    const back = `/abonnee/${a.abonnee.abonneeNummer}`;
    if (err instanceof BigRoleError)
      return web.renderProblem(req, reply, {
        status: 409,
        titleKey: 'portal.admin.big.title',
        bodyKey: err.reason === 'unavailable' ? 'portal.admin.big_unavailable.body' : 'portal.admin.big.body',
        vars: { dezi: err.deziNummer, rol: roleLabel(err.role.code) },
        actions: html`<p><a href="${back}">${t(web.lang(req), 'portal.back')}</a></p>`,
      });
    if (err.code === 'not_found') return problem(req, reply, 404, 'not_found', back);
    if (err.code === 'invalid') return problem(req, reply, 400, 'invalid', back);
    return problem(req, reply, 409, 'refused', back);
  }

  /** An employment of this abonnee; another abonnee's is not found. */
  async function ownEmployment(req: FastifyRequest, a: Admin): Promise<Employment | null> {
    const id = field(req, 'employment', 36);
    const e = isUuid(id) ? await d.register.getEmployment(id) : null;
    return e && e.abonnee.id === a.abonnee.id ? e : null;
  }

  post('rol', async (req, reply, a) => {
    const e = await ownEmployment(req, a);
    if (!e) return problem(req, reply, 404, 'not_found', `/abonnee/${a.abonnee.abonneeNummer}`);
    const role = parseRoleChoice(field(req, 'rolCode', 6), field(req, 'rolCodeBron', 7));
    if (!role) return problem(req, reply, 400, 'invalid', `/abonnee/${a.abonnee.abonneeNummer}`);
    try {
      await d.register.changeRole(e.id, role, a.actor);
    } catch (err) {
      return refusal(req, reply, a, err);
    }
    return reply.redirect(`/abonnee/${a.abonnee.abonneeNummer}?melding=rol`, 303);
  });

  post('beeindigen', async (req, reply, a) => {
    const e = await ownEmployment(req, a);
    if (!e) return problem(req, reply, 404, 'not_found', `/abonnee/${a.abonnee.abonneeNummer}`);
    if (field(req, 'bevestigd', 2) !== 'ja') {
      // Ending revokes the person's verklaringen at once: ask before doing it (WCAG 3.3.4).
      const lang = web.lang(req, reply);
      const person = await d.register.getPerson(e.personId);
      const naam = person ? fullName(person) : '';
      return web.render(req, reply, {
        lang,
        title: t(lang, 'portal.admin.end.confirm_title'),
        body: html`<h1>${t(lang, 'portal.admin.end.confirm_title')}</h1>
          <p>${t(lang, 'portal.admin.end.confirm', { naam, abonnee: a.abonnee.naam })}</p>
          <form method="post" action="/abonnee/${a.abonnee.abonneeNummer}/beeindigen">
            ${csrfField(web, sessionBinding(a.session))}
            <input type="hidden" name="employment" value="${e.id}" />
            <input type="hidden" name="bevestigd" value="ja" />
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
    try {
      await d.register.endEmployment(e.id, a.actor);
    } catch (err) {
      return refusal(req, reply, a, err);
    }
    return reply.redirect(`/abonnee/${a.abonnee.abonneeNummer}?melding=beeindigd`, 303);
  });

  post('intrekken', async (req, reply, a) => {
    const id = field(req, 'invitation', 36);
    if (!isUuid(id) || !(await d.invitations.withdraw(id, a.abonnee.id)))
      return problem(req, reply, 404, 'not_found', `/abonnee/${a.abonnee.abonneeNummer}`);
    await recordAudit(d.db, {
      actor: a.actor,
      action: 'invitation.withdraw',
      outcome: 'success',
      abonneeNummer: a.abonnee.abonneeNummer,
      clientId: PORTAL_CLIENT_ID,
      detail: { invitation_id: id },
    });
    return reply.redirect(`/abonnee/${a.abonnee.abonneeNummer}?melding=ingetrokken`, 303);
  });

  post('uitnodigen', async (req, reply, a) => {
    const lang = web.lang(req, reply);
    const values: InviteInput = {
      deziNummer: field(req, 'deziNummer', 9),
      rolCode: field(req, 'rolCode', 6),
      rolCodeBron: field(req, 'rolCodeBron', 7),
    };
    const role = parseRoleChoice(values.rolCode, values.rolCodeBron);
    const errors: InviteErrors = {};
    if (values.deziNummer !== '' && !/^[0-9]{9}$/.test(values.deziNummer))
      errors.deziNummer = t(lang, 'portal.admin.invite.error.dezi_nummer');
    if (!role) errors.rolCode = t(lang, 'portal.admin.invite.error.role');
    // The form again, with the errors and what was entered; nothing made.
    if (!role || errors.deziNummer) return overview(req, reply, a, lang, { values, errors, status: 400 });
    let created;
    try {
      created = await d.invitations.create(
        { abonneeId: a.abonnee.id, deziNummer: values.deziNummer || null, ...role },
        a.person.deziNummer,
      );
    } catch (err) {
      if (err instanceof BigRoleError)
        await recordAudit(d.db, {
          actor: a.actor,
          action: 'invitation.create',
          outcome: 'failure',
          abonneeNummer: a.abonnee.abonneeNummer,
          clientId: PORTAL_CLIENT_ID,
          detail: { reason: `big_${err.reason}`, dezi_nummer: err.deziNummer, rol_code: err.role.code },
        });
      const refused = inviteRefusal(lang, err, values);
      if (refused)
        return overview(req, reply, a, lang, { values, errors: refused.errors, status: refused.status });
      return refusal(req, reply, a, err);
    }
    await recordAudit(d.db, {
      actor: a.actor,
      action: 'invitation.create',
      outcome: 'success',
      abonneeNummer: a.abonnee.abonneeNummer,
      clientId: PORTAL_CLIENT_ID,
      detail: {
        invitation_id: created.invitation.id,
        dezi_nummer: created.invitation.deziNummer,
        by_code: created.code !== undefined,
      },
    });
    if (!created.code)
      return reply.redirect(
        `/abonnee/${a.abonnee.abonneeNummer}?melding=uitgenodigd&uitnodiging=${created.invitation.id}`,
        303,
      );
    // The code is shown once, here; only its hash is kept. A BIG role is checked when it is used.
    const rol = role.rolCode ? roleLabel(role.rolCode) : t(lang, 'choose.norole');
    return web.render(req, reply, {
      lang,
      title: t(lang, 'portal.admin.code.title'),
      body: html`<h1>${t(lang, 'portal.admin.code.title')}</h1>
        <p>${t(lang, 'portal.admin.code.intro')}</p>
        <p class="dezi-code-display"><code>${created.code}</code></p>
        <p>${t(lang, 'portal.admin.code.role', { rol })}</p>
        ${
          role.rolCode && roleByCode(role.rolCode)?.big
            ? alert({ type: 'info', role: 'note', body: t(lang, 'portal.admin.code.big', { rol }) })
            : ''
        }
        <p><a href="/abonnee/${a.abonnee.abonneeNummer}">${t(lang, 'portal.back')}</a></p>`,
    });
  });
}
