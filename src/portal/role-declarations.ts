// Mijn Dezi's self-declared roles: a care worker without a BIG profession declares the role they work
// in at one of their employments, sees whether the abonnee confirmed it, and may withdraw it while it
// waits. Nothing changes at the employment until the abonnee confirms (register/role-declarations.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import { isUuid } from '../ids.ts';
import {
  declarableRoles,
  RoleDeclarationRefused,
  type Employment,
  type RoleDeclarationRefusalReason,
} from '../register/register.ts';
import { html } from '../web/html.ts';
import { t, type Lang, type MessageKey } from '../web/i18n.ts';
import { csrfField, errorSummary, field, selectField, type FieldError } from './forms.ts';
import { PORTAL_CLIENT_ID } from './login.ts';
import { errorFor } from './mandate-forms.ts';
import { declarationCard } from './mandate-views.ts';
import { sessionBinding } from './mijn-dezi.ts';
import {
  notFound,
  notice,
  personPage,
  personPost,
  problemPage,
  type AccessDeps,
  type Me,
} from './portal-access.ts';

const BASE = '/mijn-dezi/rol';

const REFUSAL: Record<RoleDeclarationRefusalReason, { field: string; key: MessageKey }> = {
  not_found: { field: 'werkgever', key: 'roledecl.error.employment' },
  employment_ended: { field: 'werkgever', key: 'roledecl.error.employment' },
  big_role: { field: 'werkgever', key: 'roledecl.error.big_role' },
  already_pending: { field: 'werkgever', key: 'roledecl.error.already_pending' },
  unknown_role: { field: 'rolcode', key: 'roledecl.error.role' },
  big_profession: { field: 'rolcode', key: 'roledecl.error.role' },
  not_pending: { field: 'werkgever', key: 'roledecl.refused.body' },
  own_declaration: { field: 'werkgever', key: 'roledecl.refused.body' },
};

/** The employments a role can be declared for: active, without a role from the BIG-register. */
export function declarableEmployments(employments: Employment[]): Employment[] {
  return employments.filter((e) => e.roleSource !== 'big');
}

const employmentLabel = (lang: Lang, e: Employment) =>
  t(lang, 'roledecl.form.employment.option', {
    abonnee: e.abonnee.naam,
    rol: e.rolNaam ? `${e.rolNaam} (${e.rolCode})` : t(lang, 'choose.norole'),
  });

export async function roleDeclarationPages(app: FastifyInstance, d: AccessDeps): Promise<void> {
  const { web } = d;

  async function page(
    req: FastifyRequest,
    reply: FastifyReply,
    me: Me,
    lang: Lang,
    form: { werkgever: string; rolcode: string; errors: FieldError[]; status?: number },
  ) {
    const [declarations, employments] = await Promise.all([
      d.register.roleDeclarations.ofPerson(me.person.id),
      d.register.activeEmployments(me.person.id).then(declarableEmployments),
    ]);
    const csrf = csrfField(web, sessionBinding(me.session));
    const title = t(lang, 'roledecl.title');
    const { errors } = form;
    const body = html`<h1>${title}</h1>
      ${errorSummary(lang, errors)}
      ${notice(req, {
        verklaard: t(lang, 'roledecl.notice.declared'),
        ingetrokken: t(lang, 'roledecl.notice.withdrawn'),
      })}
      <p>${t(lang, 'roledecl.intro')}</p>

      <h2>${t(lang, 'roledecl.mine')}</h2>
      ${
        declarations.length === 0
          ? html`<p>${t(lang, 'roledecl.mine.none')}</p>`
          : html`<ul class="plain-list">
              ${declarations.map((dc) =>
                declarationCard(lang, dc, {
                  heading: `${dc.rolNaam} (${dc.rolCode})`,
                  actions:
                    dc.status === 'pending'
                      ? html`<form method="post" action="${BASE}/intrekken" class="inline-form">
                          ${csrf}<input type="hidden" name="id" value="${dc.id}" />
                          <button class="button button-secondary" type="submit">
                            ${t(lang, 'roledecl.withdraw', { rol: dc.rolNaam, abonnee: dc.abonnee.naam })}
                          </button>
                        </form>`
                      : undefined,
                }),
              )}
            </ul>`
      }

      <h2 id="verklaren">${t(lang, 'roledecl.declare')}</h2>
      ${
        employments.length === 0
          ? html`<p>${t(lang, 'roledecl.no_employment')}</p>`
          : html`<form method="post" action="${BASE}" novalidate>
              ${csrf}
              ${selectField({
                id: 'werkgever',
                name: 'werkgever',
                label: t(lang, 'roledecl.form.employment'),
                options: employments.map((e) => ({ value: e.id, label: employmentLabel(lang, e) })),
                value: form.werkgever,
                error: errorFor(errors, 'werkgever'),
                lang,
              })}
              ${selectField({
                id: 'rolcode',
                name: 'rolcode',
                label: t(lang, 'roledecl.form.role'),
                hint: t(lang, 'roledecl.form.role.hint'),
                options: [
                  { value: '', label: t(lang, 'roledecl.form.role.choose') },
                  ...declarableRoles().map((r) => ({ value: r.code, label: `${r.naam} (${r.code})` })),
                ],
                value: form.rolcode,
                error: errorFor(errors, 'rolcode'),
                lang,
              })}
              <button class="button" type="submit">${t(lang, 'roledecl.form.submit')}</button>
            </form>`
      }
      <p><a href="/mijn-dezi">${t(lang, 'mandate.back_to_mijn_dezi')}</a></p>`;
    return web.render(req, reply.code(form.status ?? 200), {
      lang,
      title,
      error: errors.length > 0,
      body,
    });
  }

  personPage(app, d, BASE, async (req, reply, me, lang) => {
    await recordAudit(d.db, {
      actor: me.actor,
      action: 'portal.role_declarations.read',
      outcome: 'success',
      clientId: PORTAL_CLIENT_ID,
    });
    return page(req, reply, me, lang, { werkgever: '', rolcode: '', errors: [] });
  });

  personPost(app, d, BASE, async (req, reply, me, lang) => {
    const werkgever = field(req, 'werkgever', 36);
    const rolcode = field(req, 'rolcode', 6);
    const errors: FieldError[] = [];
    if (!isUuid(werkgever)) errors.push({ id: 'werkgever', message: t(lang, 'roledecl.error.employment') });
    if (!declarableRoles().some((r) => r.code === rolcode))
      errors.push({ id: 'rolcode', message: t(lang, 'roledecl.error.role') });
    let status = 400;
    if (errors.length === 0) {
      try {
        await d.register.roleDeclarations.declare(
          { personId: me.person.id, employmentId: werkgever, rolCode: rolcode },
          me.actor,
        );
        return reply.redirect(`${BASE}?melding=verklaard`, 303);
      } catch (err) {
        if (!(err instanceof RoleDeclarationRefused)) throw err;
        const { field: name, key } = REFUSAL[err.reason];
        errors.push({ id: name, message: t(lang, key) });
        status = err.status;
      }
    }
    await recordAudit(d.db, {
      actor: me.actor,
      action: 'portal.role_declaration.declare',
      outcome: 'failure',
      clientId: PORTAL_CLIENT_ID,
      detail: { reason: errors.map((e) => e.id).join(','), rol_code: rolcode.slice(0, 6) || null },
    });
    return page(req, reply, me, lang, { werkgever, rolcode, errors, status });
  });

  personPost(app, d, `${BASE}/intrekken`, async (req, reply, me) => {
    const id = field(req, 'id', 36);
    if (!isUuid(id)) return notFound(web, req, reply, BASE);
    try {
      await d.register.roleDeclarations.withdraw(id, me.person.id, me.actor);
    } catch (err) {
      if (!(err instanceof RoleDeclarationRefused)) throw err;
      await recordAudit(d.db, {
        actor: me.actor,
        action: 'portal.role_declaration.withdraw',
        outcome: 'failure',
        clientId: PORTAL_CLIENT_ID,
        detail: { role_declaration_id: id, reason: err.reason },
      });
      if (err.reason === 'not_found') return notFound(web, req, reply, BASE);
      return problemPage(web, req, reply, {
        status: 409,
        titleKey: 'roledecl.refused.title',
        bodyKey: 'roledecl.refused.body',
        back: BASE,
      });
    }
    return reply.redirect(`${BASE}?melding=ingetrokken`, 303);
  });
}
