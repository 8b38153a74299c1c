// The abonnee portal: an abonnee's administrator (listed in the register, with an active employment
// there) invites persons, sets roles and ends employments of that abonnee only. Who may act is
// abonnee-admin.ts; the staff list and ending an employment are staff-list.ts; the abonnee's
// invoices (invoices.ts) and its own audit entries (abonnee-log.ts) have pages of their own.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import type { Invitations } from '../register/invitations.ts';
import { BigRoleError, RegisterError, type Register } from '../register/register.ts';
import { isUuid } from '../ids.ts';
import { roleByCode, roleLabel, roleTable, type RoleSource } from '../register/roles.ts';
import { alert } from '../web/components.ts';
import { html } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import type { Web } from '../web/web.ts';
import { abonneeLoginPage, adminPage, adminPost, adminProblem, type Admin } from './abonnee-admin.ts';
import {
  button,
  buttonGroup,
  csrfField,
  errorSummary,
  field,
  textButton,
  textInput,
  type FieldError,
} from './forms.ts';
import { PORTAL_CLIENT_ID, type PortalLogin } from './login.ts';
import { portalPerson, sessionBinding } from './mijn-dezi.ts';
import type { PortalState } from './sessions.ts';
import { ownEmployment, registerRefusal, roleFields, staffNotice, staffSection } from './staff-list.ts';

export interface AbonneePortalDeps {
  issuer: string;
  db: Database;
  register: Register;
  web: Web;
  state: PortalState;
  login: PortalLogin;
  invitations: Invitations;
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

/** The invitation form as sent, given back with its errors. */
interface InviteInput {
  deziNummer: string;
  rolCode: string;
  rolCodeBron: string;
}
type InviteErrors = Partial<Record<'deziNummer' | 'rolCode', string>>;
interface InviteAgain {
  values: InviteInput;
  errors: InviteErrors;
  status: number;
}

/** A refusal of the register that belongs beside a field of the invitation form (null: a page of its own). */
function inviteRefusal(lang: Lang, err: unknown, values: InviteInput): Omit<InviteAgain, 'values'> | null {
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

export async function abonneePortalRoutes(app: FastifyInstance, d: AbonneePortalDeps): Promise<void> {
  const { web } = d;
  const problem = (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    key: 'not_found' | 'invalid',
    a: Admin,
  ) => adminProblem(web, req, reply, status, key, `/abonnee/${a.abonnee.abonneeNummer}`);

  app.get('/abonnee/inloggen', async (req, reply) => d.login.start(reply, 'abonnee', web.lang(req, reply)));

  app.get('/abonnee', async (req, reply) => {
    const lang = web.lang(req, reply);
    const me = await portalPerson(d.state, d.register, req);
    if (!me) return abonneeLoginPage(web, req, reply, lang);
    const abonnees = await d.register.administeredAbonnees(me.person.id);
    if (abonnees.length === 0) return adminProblem(web, req, reply, 403, 'forbidden', '/mijn-dezi');
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

  adminPage(app, d, '', async (req, reply, a, lang) => overview(req, reply, a, lang));

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
    invite?: InviteAgain,
  ): Promise<FastifyReply> {
    const invitations = await d.invitations.ofAbonnee(a.abonnee.id);
    const staff = await staffSection(d, req, a, lang);
    await recordAudit(d.db, {
      actor: a.actor,
      action: 'portal.abonnee.read',
      outcome: 'success',
      abonneeNummer: a.abonnee.abonneeNummer,
      clientId: PORTAL_CLIENT_ID,
      detail: {},
    });
    const csrf = csrfField(web, sessionBinding(a.session));
    const base = `/abonnee/${a.abonnee.abonneeNummer}`;
    const melding = (req.query as Record<string, unknown>).melding;
    const notices: Record<string, string> = {
      uitgenodigd: t(lang, 'portal.admin.notice.uitgenodigd'),
      ingetrokken: t(lang, 'portal.admin.notice.ingetrokken'),
    };
    let notice =
      (await staffNotice(d, req, a, lang)) ??
      (typeof melding === 'string' && Object.hasOwn(notices, melding) ? notices[melding] : null);
    // The invitation just made or withdrawn (only one of this abonnee's own): to whom, as what.
    const named = (req.query as Record<string, unknown>).uitnodiging;
    const invitation = invitations.find((i) => i.id === named && i.deziNummer !== null);
    if (invitation && melding === 'uitgenodigd')
      notice = t(lang, 'portal.admin.notice.uitgenodigd_aan', {
        dezi: invitation.deziNummer!,
        rol: invitation.rolCode ? roleLabel(invitation.rolCode) : t(lang, 'choose.norole'),
      });
    if (invitation && melding === 'ingetrokken')
      notice = t(lang, 'abonnee.notice.withdrawn_for', { dezi: invitation.deziNummer! });
    const pending = invitations.filter((i) => i.status === 'pending').length;
    const errors = invite?.errors ?? {};
    const summary: FieldError[] = [
      ...(errors.deziNummer ? [{ id: 'deziNummer', message: errors.deziNummer }] : []),
      ...(errors.rolCode ? [{ id: 'invite-rol', message: errors.rolCode }] : []),
    ];
    const body = html`<h1>${a.abonnee.naam}</h1>
      ${errorSummary(lang, summary)}
      <p class="hint">URA ${a.abonnee.abonneeNummer}</p>
      ${notice && !invite ? alert({ type: 'ok', body: notice }) : ''}
      <nav aria-label="${t(lang, 'abonnee.nav')}">
        <ul>
          <li><a href="#medewerkers">${t(lang, 'portal.admin.employments')}</a></li>
          <li><a href="#uitnodigingen">${t(lang, 'abonnee.nav.invitations', { n: String(pending) })}</a></li>
          <li><a href="${base}/facturen">${t(lang, 'invoices.title')}</a></li>
          <li><a href="${base}/logboek">${t(lang, 'abonnee_log.title')}</a></li>
        </ul>
      </nav>
      ${staff}

      <ul class="plain-list">
        <li><a href="${base}/rolverklaringen">${t(lang, 'roledecl.admin.title')}</a></li>
        <li><a href="${base}/mandaten">${t(lang, 'mandate.admin.title')}</a></li>
      </ul>

      <h2 id="uitnodigen">${t(lang, 'portal.admin.invite')}</h2>
      <form method="post" action="${base}/uitnodigen" novalidate>
        ${csrf}
        ${textInput({
          name: 'deziNummer',
          label: t(lang, 'portal.admin.invite.dezi_nummer'),
          hint: t(lang, 'portal.admin.invite.hint'),
          value: invite?.values.deziNummer ?? '',
          error: errors.deziNummer,
          maxlength: 9,
          inputmode: 'numeric',
          autocomplete: 'off',
          lang,
        })}
        ${roleFields(
          lang,
          'invite',
          invite ? { rolCode: invite.values.rolCode, bron: invite.values.rolCodeBron } : undefined,
          errors.rolCode,
        )}
        <p class="hint">${t(lang, 'portal.admin.invite.big_hint')}</p>
        ${buttonGroup(button({ label: t(lang, 'portal.admin.invite.submit') }))}
      </form>

      <h2 id="uitnodigingen">${t(lang, 'portal.admin.invitations')}</h2>
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
                            ${textButton({ label: t(lang, 'portal.admin.withdraw') })}
                          </form>`
                        : ''
                    }
                  </li>`,
              )}
            </ul>`
      }
      <p><a href="/mijn-dezi">${t(lang, 'portal.mijn.title')}</a></p>
      <form method="post" action="/abonnee/uitloggen">
        ${csrf} ${buttonGroup(button({ label: t(lang, 'portal.logout'), variant: 'secondary' }))}
      </form>`;
    if (invite) reply.code(invite.status);
    return web.render(req, reply, { lang, title: a.abonnee.naam, body, error: Boolean(invite) });
  }

  adminPost(app, d, 'rol', async (req, reply, a) => {
    const e = await ownEmployment(d, req, a);
    if (!e) return problem(req, reply, 404, 'not_found', a);
    const role = parseRoleChoice(field(req, 'rolCode', 6), field(req, 'rolCodeBron', 7));
    if (!role) return problem(req, reply, 400, 'invalid', a);
    try {
      await d.register.changeRole(e.id, role, a.actor);
    } catch (err) {
      return registerRefusal(d, req, reply, a, err);
    }
    return reply.redirect(`/abonnee/${a.abonnee.abonneeNummer}?melding=rol&koppeling=${e.id}`, 303);
  });

  adminPost(app, d, 'intrekken', async (req, reply, a) => {
    const id = field(req, 'invitation', 36);
    if (!isUuid(id) || !(await d.invitations.withdraw(id, a.abonnee.id)))
      return problem(req, reply, 404, 'not_found', a);
    await recordAudit(d.db, {
      actor: a.actor,
      action: 'invitation.withdraw',
      outcome: 'success',
      abonneeNummer: a.abonnee.abonneeNummer,
      clientId: PORTAL_CLIENT_ID,
      detail: { invitation_id: id },
    });
    return reply.redirect(`/abonnee/${a.abonnee.abonneeNummer}?melding=ingetrokken&uitnodiging=${id}`, 303);
  });

  adminPost(app, d, 'uitnodigen', async (req, reply, a) => {
    const lang = web.lang(req, reply);
    const values: InviteInput = {
      deziNummer: field(req, 'deziNummer', 9),
      rolCode: field(req, 'rolCode', 6),
      rolCodeBron: field(req, 'rolCodeBron', 7),
    };
    const { deziNummer } = values;
    const role = parseRoleChoice(values.rolCode, values.rolCodeBron);
    const errors: InviteErrors = {};
    if (deziNummer !== '' && !/^[0-9]{9}$/.test(deziNummer))
      errors.deziNummer = t(lang, 'portal.admin.invite.error.dezi_nummer');
    if (!role) errors.rolCode = t(lang, 'portal.admin.invite.error.role');
    // The form again, with the errors and what was entered; nothing made.
    if (!role || errors.deziNummer) return overview(req, reply, a, lang, { values, errors, status: 400 });
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
      const refused = inviteRefusal(lang, err, values);
      if (refused) return overview(req, reply, a, lang, { values, ...refused });
      return registerRefusal(d, req, reply, a, err);
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
            ? alert({ type: 'info', role: 'note', body: t(lang, 'portal.admin.code.big', { rol }) })
            : ''
        }
        <p><a href="/abonnee/${a.abonnee.abonneeNummer}">${t(lang, 'portal.back')}</a></p>`,
    });
  });
}
