// The abonnee portal's mandates and role declarations: an administrator sees the mandates within
// their abonnee (and may end one) and the roles its staff declared (and confirms or refuses them).
// Only this abonnee's: another abonnee's mandate or declaration is not found.
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import { isUuid } from '../ids.ts';
import { listZorgapplicaties } from '../oidc/zorgapplicaties.ts';
import { MandateRefused, RoleDeclarationRefused, type Mandate } from '../register/register.ts';
import { html } from '../web/html.ts';
import { t } from '../web/i18n.ts';
import { csrfField, field } from './forms.ts';
import { PORTAL_CLIENT_ID } from './login.ts';
import { declarationCard, mandateCard } from './mandate-views.ts';
import { fullName, sessionBinding } from './mijn-dezi.ts';
import { adminPage, adminPost, type Admin } from './abonnee-admin.ts';
import { notFound, notice, problemPage, type AccessDeps } from './portal-access.ts';

const base = (a: Admin) => `/abonnee/${a.abonnee.abonneeNummer}`;

async function auditAdmin(
  d: AccessDeps,
  a: Admin,
  action: string,
  outcome: 'success' | 'failure',
  detail: Record<string, string | number | null> = {},
) {
  await recordAudit(d.db, {
    actor: a.actor,
    action,
    outcome,
    abonneeNummer: a.abonnee.abonneeNummer,
    clientId: PORTAL_CLIENT_ID,
    detail,
  });
}

export async function abonneeMandatePages(app: FastifyInstance, d: AccessDeps): Promise<void> {
  const { web } = d;

  adminPage(app, d, '/mandaten', async (req, reply, a, lang) => {
    const [mandates, known] = await Promise.all([
      d.register.mandates.ofAbonnee(a.abonnee.id),
      listZorgapplicaties(d.db, [PORTAL_CLIENT_ID]),
    ]);
    await auditAdmin(d, a, 'portal.abonnee.mandates.read', 'success', { count: mandates.length });
    const csrf = csrfField(web, sessionBinding(a.session));
    const open = (m: Mandate) => m.status === 'pending' || m.status === 'accepted';
    const title = t(lang, 'mandate.admin.title');
    const body = html`<h1>${title}</h1>
      <p class="hint">${a.abonnee.naam} · URA ${a.abonnee.abonneeNummer}</p>
      ${notice(req, { beeindigd: t(lang, 'mandate.notice.ended') })}
      <p>${t(lang, 'mandate.admin.intro')}</p>
      ${
        mandates.length === 0
          ? html`<p>${t(lang, 'mandate.admin.none')}</p>`
          : html`<ul class="plain-list">
              ${mandates.map((m) =>
                mandateCard(lang, m, {
                  heading: t(lang, 'mandate.admin.heading', {
                    van: fullName(m.mandator),
                    aan: fullName(m.mandatee),
                  }),
                  known,
                  actions: open(m)
                    ? html`<form method="post" action="${base(a)}/mandaten/beeindigen" class="inline-form">
                        ${csrf}<input type="hidden" name="id" value="${m.id}" />
                        <button class="button button-secondary" type="submit">
                          ${t(lang, 'mandate.admin.end', { van: fullName(m.mandator), aan: fullName(m.mandatee) })}
                        </button>
                      </form>`
                    : undefined,
                }),
              )}
            </ul>`
      }
      <p><a href="${base(a)}">${t(lang, 'mandate.admin.back', { abonnee: a.abonnee.naam })}</a></p>`;
    return web.render(req, reply, { lang, title, body });
  });

  adminPost(app, d, 'mandaten/beeindigen', async (req, reply, a, lang) => {
    const back = `${base(a)}/mandaten`;
    const id = field(req, 'id', 36);
    const m = isUuid(id) ? await d.register.mandates.get(id) : null;
    if (!m || m.abonnee.id !== a.abonnee.id) {
      await auditAdmin(d, a, 'portal.abonnee.mandate.end', 'failure', { reason: 'not_found' });
      return notFound(web, req, reply, back);
    }
    if (field(req, 'bevestigd', 2) !== 'ja') {
      const title = t(lang, 'mandate.end.confirm_title');
      return web.render(req, reply, {
        lang,
        title,
        body: html`<h1>${title}</h1>
          <p>${t(lang, 'mandate.end.confirm', { van: fullName(m.mandator), aan: fullName(m.mandatee) })}</p>
          <form method="post" action="${back}/beeindigen">
            ${csrfField(web, sessionBinding(a.session))}
            <input type="hidden" name="id" value="${m.id}" />
            <input type="hidden" name="bevestigd" value="ja" />
            <div class="form-row">
              <button class="button" type="submit">${t(lang, 'mandate.end.yes')}</button>
              <a href="${back}">${t(lang, 'mandate.form.cancel')}</a>
            </div>
          </form>`,
      });
    }
    try {
      await d.register.mandates.end(m.id, { abonneeId: a.abonnee.id }, a.actor);
    } catch (err) {
      if (!(err instanceof MandateRefused)) throw err;
      await auditAdmin(d, a, 'portal.abonnee.mandate.end', 'failure', {
        mandate_id: m.id,
        reason: err.reason,
      });
      if (err.reason === 'not_found') return notFound(web, req, reply, back);
      return problemPage(web, req, reply, {
        status: 409,
        titleKey: 'mandate.refused.title',
        bodyKey: 'mandate.refused.body',
        back,
      });
    }
    return reply.redirect(`${back}?melding=beeindigd`, 303);
  });

  adminPage(app, d, '/rolverklaringen', async (req, reply, a, lang) => {
    const [declarations, employments] = await Promise.all([
      d.register.roleDeclarations.ofAbonnee(a.abonnee.id),
      d.register.employmentsOfAbonnee(a.abonnee.id),
    ]);
    // What the employment states now, beside what is declared: the administrator decides on both.
    const roles = new Map(
      employments.map((e) => [e.id, e.rolNaam ? `${e.rolNaam} (${e.rolCode})` : t(lang, 'choose.norole')]),
    );
    await auditAdmin(d, a, 'portal.abonnee.role_declarations.read', 'success', {
      count: declarations.length,
    });
    const csrf = csrfField(web, sessionBinding(a.session));
    const pending = declarations.filter((x) => x.status === 'pending');
    const decided = declarations.filter((x) => x.status !== 'pending');
    const title = t(lang, 'roledecl.admin.title');
    const heading = (x: (typeof declarations)[number]) =>
      t(lang, 'roledecl.admin.heading', { naam: fullName(x.person), dezi: x.person.deziNummer });
    const body = html`<h1>${title}</h1>
      <p class="hint">${a.abonnee.naam} · URA ${a.abonnee.abonneeNummer}</p>
      ${notice(req, {
        bevestigd: t(lang, 'roledecl.notice.confirmed'),
        geweigerd: t(lang, 'roledecl.notice.refused'),
      })}
      <p>${t(lang, 'roledecl.admin.intro')}</p>
      <h2>${t(lang, 'roledecl.admin.pending')}</h2>
      ${
        pending.length === 0
          ? html`<p>${t(lang, 'roledecl.admin.pending.none')}</p>`
          : html`<ul class="plain-list">
              ${pending.map((x) =>
                declarationCard(lang, x, {
                  heading: heading(x),
                  currentRole: roles.get(x.employmentId) ?? '',
                  actions: html`<div class="form-row">
                    <form method="post" action="${base(a)}/rolverklaringen/bevestigen" class="inline-form">
                      ${csrf}<input type="hidden" name="id" value="${x.id}" />
                      <button class="button" type="submit">
                        ${t(lang, 'roledecl.admin.confirm', { naam: fullName(x.person), rol: x.rolNaam })}
                      </button>
                    </form>
                    <form method="post" action="${base(a)}/rolverklaringen/weigeren" class="inline-form">
                      ${csrf}<input type="hidden" name="id" value="${x.id}" />
                      <button class="button button-secondary" type="submit">
                        ${t(lang, 'roledecl.admin.refuse', { naam: fullName(x.person), rol: x.rolNaam })}
                      </button>
                    </form>
                  </div>`,
                }),
              )}
            </ul>`
      }
      <h2>${t(lang, 'roledecl.admin.decided')}</h2>
      ${
        decided.length === 0
          ? html`<p>${t(lang, 'roledecl.admin.decided.none')}</p>`
          : html`<ul class="plain-list">
              ${decided.map((x) => declarationCard(lang, x, { heading: heading(x) }))}
            </ul>`
      }
      <p><a href="${base(a)}">${t(lang, 'mandate.admin.back', { abonnee: a.abonnee.naam })}</a></p>`;
    return web.render(req, reply, { lang, title, body });
  });

  for (const [path, melding] of [
    ['bevestigen', 'bevestigd'],
    ['weigeren', 'geweigerd'],
  ] as const)
    adminPost(app, d, `rolverklaringen/${path}`, async (req, reply, a) => {
      const back = `${base(a)}/rolverklaringen`;
      const id = field(req, 'id', 36);
      try {
        if (path === 'bevestigen') await d.register.roleDeclarations.confirm(id, a.abonnee.id, a.actor);
        else await d.register.roleDeclarations.refuse(id, a.abonnee.id, a.actor);
      } catch (err) {
        if (!(err instanceof RoleDeclarationRefused)) throw err;
        await auditAdmin(
          d,
          a,
          `portal.abonnee.role_declaration.${path === 'bevestigen' ? 'confirm' : 'refuse'}`,
          'failure',
          {
            role_declaration_id: isUuid(id) ? id : null,
            reason: err.reason,
          },
        );
        if (err.reason === 'not_found') return notFound(web, req, reply, back);
        return problemPage(web, req, reply, {
          status: err.status,
          titleKey: 'roledecl.refused.title',
          bodyKey: err.reason === 'own_declaration' ? 'roledecl.refused.own' : 'roledecl.refused.body',
          back,
        });
      }
      return reply.redirect(`${back}?melding=${melding}`, 303);
    });
}
