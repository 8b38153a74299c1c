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
import { csrfField, field, refuseFormPost, textInput, validPost } from './forms.ts';
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

  function roleFields(
    lang: Lang,
    prefix: string,
    current?: { rolCode: string | null; bron: string | null },
  ): SafeHtml {
    return html`<div class="field">
        <label for="${prefix}-rol">${t(lang, 'portal.role')}</label>
        <select id="${prefix}-rol" name="rolCode">
          <option value="">${t(lang, 'choose.norole')}</option>
          ${[...roleTable().values()].map((r) => html`<option value="${r.code}" ${current?.rolCode === r.code ? html`selected` : ''}>${r.naam} (${r.code})</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="${prefix}-bron">${t(lang, 'portal.role_source')}</label>
        <select id="${prefix}-bron" name="rolCodeBron">
          <option value="big" ${current?.bron?.endsWith('/abonnee') ? '' : html`selected`}>
            ${t(lang, 'portal.role_source.big')}
          </option>
          <option value="abonnee" ${current?.bron?.endsWith('/abonnee') ? html`selected` : ''}>
            ${t(lang, 'portal.role_source.abonnee')}
          </option>
        </select>
      </div>`;
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
        <p><a class="button" href="/abonnee/inloggen">${t(lang, 'portal.mijn.login')}</a></p>`,
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
      return html`<li class="card">
        <p>
          <strong>${p ? fullName(p) : '?'}</strong>
          <span class="hint">Dezi-nummer ${p?.deziNummer ?? ''}</span><br />
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
                    <button class="button" type="submit">${t(lang, 'portal.admin.save_role')}</button>
                  </form>
                </details>
                <form method="post" action="${base}/beeindigen">
                  ${csrf}<input type="hidden" name="employment" value="${e.id}" />
                  <button class="link-button" type="submit">
                    ${t(lang, 'portal.admin.end', { naam: p ? fullName(p) : '' })}
                  </button>
                </form>`
            : ''
        }
      </li>`;
    };
    const body = html`<h1>${a.abonnee.naam}</h1>
      <p class="hint">URA ${a.abonnee.abonneeNummer}</p>
      ${notice ? html`<div class="notice" role="status"><p>${notice}</p></div>` : ''}
      <h2>${t(lang, 'portal.admin.employments')}</h2>
      ${
        employments.length === 0
          ? html`<p>${t(lang, 'portal.admin.no_employments')}</p>`
          : html`<ul class="plain-list">
              ${employments.map(row)}
            </ul>`
      }

      <ul class="plain-list">
        <li><a href="${base}/rolverklaringen">${t(lang, 'roledecl.admin.title')}</a></li>
        <li><a href="${base}/mandaten">${t(lang, 'mandate.admin.title')}</a></li>
      </ul>

      <h2>${t(lang, 'portal.admin.invite')}</h2>
      <form method="post" action="${base}/uitnodigen">
        ${csrf}
        ${textInput({ name: 'deziNummer', label: t(lang, 'portal.admin.invite.dezi_nummer'), hint: t(lang, 'portal.admin.invite.hint'), value: '', maxlength: 9, autocomplete: 'off' })}
        ${roleFields(lang, 'invite')}
        <p class="hint">${t(lang, 'portal.admin.invite.big_hint')}</p>
        <button class="button" type="submit">${t(lang, 'portal.admin.invite.submit')}</button>
      </form>

      <h2>${t(lang, 'portal.admin.invitations')}</h2>
      ${
        invitations.length === 0
          ? html`<p>${t(lang, 'portal.admin.no_invitations')}</p>`
          : html`<ul class="plain-list">
              ${invitations.map(
                (i) =>
                  html`<li>
                    ${i.deziNummer ? `Dezi-nummer ${i.deziNummer}` : t(lang, 'portal.admin.by_code')},
                    ${i.rolCode ? roleLabel(i.rolCode) : t(lang, 'choose.norole')}:
                    ${t(lang, `portal.invitation.status.${i.status}`)}
                    ${
                      i.status === 'pending'
                        ? html`<form method="post" action="${base}/intrekken" class="inline-form">
                            ${csrf}<input type="hidden" name="invitation" value="${i.id}" />
                            <button class="link-button" type="submit">
                              ${t(lang, 'portal.admin.withdraw')}
                            </button>
                          </form>`
                        : ''
                    }
                  </li>`,
              )}
            </ul>`
      }
      <p><a href="/mijn-dezi">${t(lang, 'portal.mijn.title')}</a></p>`;
    return web.render(req, reply, { lang, title: a.abonnee.naam, body });
  });

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
            <button class="button" type="submit">${t(lang, 'portal.admin.end.yes')}</button>
          </form>
          <p><a href="/abonnee/${a.abonnee.abonneeNummer}">${t(lang, 'portal.admin.end.no')}</a></p>`,
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
    const deziNummer = field(req, 'deziNummer', 9);
    const role = parseRoleChoice(field(req, 'rolCode', 6), field(req, 'rolCodeBron', 7));
    if (!role || (deziNummer !== '' && !/^[0-9]{9}$/.test(deziNummer)))
      return problem(req, reply, 400, 'invalid', `/abonnee/${a.abonnee.abonneeNummer}`);
    let created;
    try {
      created = await d.invitations.create(
        { abonneeId: a.abonnee.id, deziNummer: deziNummer || null, ...role },
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
        <p class="code-display"><code>${created.code}</code></p>
        <p>${t(lang, 'portal.admin.code.role', { rol })}</p>
        ${
          role.rolCode && roleByCode(role.rolCode)?.big
            ? html`<div class="notice" role="note"><p>${t(lang, 'portal.admin.code.big', { rol })}</p></div>`
            : ''
        }
        <p><a href="/abonnee/${a.abonnee.abonneeNummer}">${t(lang, 'portal.back')}</a></p>`,
    });
  });
}
