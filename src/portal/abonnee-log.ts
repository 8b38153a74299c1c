// The abonnee's own audit entries (NEN 7513: an organisation sees what was done on its behalf):
// every record whose abonnee_nummer is this abonnee's, newest first, a page at a time; and the
// abonnee portal's logout.
import type { FastifyInstance } from 'fastify';
import { entriesOfAbonnee, type AuditEntry } from '../audit/portal-queries.ts';
import { recordAudit } from '../audit/audit.ts';
import { dataTable } from '../web/components.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { t, type Lang, type MessageKey } from '../web/i18n.ts';
import { adminPage, type AdminDeps } from './abonnee-admin.ts';
import { refuseFormPost, validPost } from './forms.ts';
import { formatMoment } from './format.ts';
import { PORTAL_CLIENT_ID } from './login.ts';
import { fullName, personActor, portalPerson, sessionBinding } from './mijn-dezi.ts';
import { pager, pageRequest } from './paging.ts';

export const LOG_PAGE_SIZE = 25;

/** What an action is called on the page; an action not listed is "another action" with its code. */
const ACTIONS: Record<string, MessageKey> = {
  login: 'audit.action.login',
  'portal.login': 'audit.action.portal.login',
  'portal.logout': 'audit.action.portal.logout',
  'portal.abonnee.read': 'audit.action.portal.abonnee.read',
  'portal.abonnee.access': 'audit.action.portal.abonnee.access',
  'portal.abonnee.audit.read': 'audit.action.portal.abonnee.audit.read',
  'portal.abonnee.invoices.read': 'audit.action.portal.abonnee.invoices.read',
  'portal.abonnee.invoice.read': 'audit.action.portal.abonnee.invoice.read',
  'invitation.create': 'audit.action.invitation.create',
  'invitation.withdraw': 'audit.action.invitation.withdraw',
  'invitation.accept': 'audit.action.invitation.accept',
  'invitation.decline': 'audit.action.invitation.decline',
  'register.employment.create': 'audit.action.register.employment.create',
  'register.employment.change_role': 'audit.action.register.employment.change_role',
  'register.employment.end': 'audit.action.register.employment.end',
  'verklaring.issue': 'audit.action.verklaring.issue',
  'fees.invoice.create': 'audit.action.fees.invoice.create',
  'fees.invoice.payment': 'audit.action.fees.invoice.payment',
  'fees.invoice.reminder': 'audit.action.fees.invoice.reminder',
};

function who(lang: Lang, e: AuditEntry): string {
  if (e.actorKind === 'person' && e.actor) return `Dezi-nummer ${e.actor}`;
  if (e.actorKind === 'operator') return t(lang, 'audit.actor.operator');
  if (e.actorKind === 'system') return t(lang, 'audit.actor.system');
  return t(lang, 'audit.actor.unknown');
}

function what(lang: Lang, e: AuditEntry): SafeHtml {
  const key = ACTIONS[e.action];
  return key ? html`${t(lang, key)}` : html`${t(lang, 'audit.action.other')} (<code>${e.action}</code>)`;
}

/** What the entry was about, in words where Dezi knows them: a person, an employment's person, an invoice. */
function about(lang: Lang, e: AuditEntry, people: Map<string, string>): string {
  if (e.target?.startsWith('employment:') && people.has(e.target.slice(11)))
    return people.get(e.target.slice(11))!;
  const dezi = e.detail.dezi_nummer;
  if (typeof dezi === 'string' && /^[0-9]{9}$/.test(dezi)) return `Dezi-nummer ${dezi}`;
  if (e.target?.startsWith('invoice:')) return t(lang, 'audit.about.invoice', { nummer: e.target.slice(8) });
  if (e.target?.startsWith('person:')) return `Dezi-nummer ${e.target.slice(7)}`;
  return '—';
}

export async function abonneeLogRoutes(app: FastifyInstance, d: AdminDeps): Promise<void> {
  const { web } = d;

  adminPage(app, d, '/logboek', async (req, reply, a, lang) => {
    const p = pageRequest(req, LOG_PAGE_SIZE);
    const { entries, total } = await entriesOfAbonnee(d.db, a.abonnee.abonneeNummer, p);
    await recordAudit(d.db, {
      actor: a.actor,
      action: 'portal.abonnee.audit.read',
      outcome: 'success',
      abonneeNummer: a.abonnee.abonneeNummer,
      clientId: PORTAL_CLIENT_ID,
      detail: { page: p.page },
    });
    // The persons of this abonnee's employments the page's entries are about, each looked up once.
    const people = new Map<string, string>();
    for (const e of entries) {
      const id = e.target?.startsWith('employment:') ? e.target.slice(11) : null;
      if (!id || people.has(id)) continue;
      const employment = await d.register.getEmployment(id);
      const person =
        employment?.abonnee.id === a.abonnee.id ? await d.register.getPerson(employment.personId) : null;
      if (person) people.set(id, `${fullName(person)} (Dezi-nummer ${person.deziNummer})`);
    }
    const base = `/abonnee/${a.abonnee.abonneeNummer}`;
    const title = t(lang, 'abonnee_log.title');
    const body = html`<h1>${title}</h1>
      <p class="hint">${a.abonnee.naam} (URA ${a.abonnee.abonneeNummer})</p>
      <p>${t(lang, 'abonnee_log.intro')}</p>
      ${
        entries.length === 0
          ? html`<p>${t(lang, 'abonnee_log.none')}</p>`
          : dataTable({
              id: 'logboek',
              caption: t(lang, 'abonnee_log.caption', { n: String(total) }),
              columns: [
                t(lang, 'audit.col.when'),
                t(lang, 'audit.col.who'),
                t(lang, 'audit.col.what'),
                t(lang, 'audit.col.about'),
                t(lang, 'audit.col.outcome'),
              ],
              rows: entries.map((e) => [
                formatMoment(e.at, lang),
                who(lang, e),
                what(lang, e),
                about(lang, e, people),
                t(lang, e.outcome === 'success' ? 'audit.outcome.success' : 'audit.outcome.failure'),
              ]),
            })
      }
      ${pager(lang, { path: `${base}/logboek` }, p, total)}
      <p><a href="${base}">${t(lang, 'abonnee.back', { abonnee: a.abonnee.naam })}</a></p>`;
    return web.render(req, reply, { lang, title, body });
  });

  app.post('/abonnee/uitloggen', async (req, reply) => {
    const me = await portalPerson(d.state, d.register, req);
    if (!me) return reply.redirect('/abonnee', 303);
    if (!validPost(web, d.issuer, req, sessionBinding(me.session))) return refuseFormPost(web, req, reply);
    await d.state.endSession(req, reply);
    await recordAudit(d.db, {
      actor: personActor(me.person),
      action: 'portal.logout',
      outcome: 'success',
      clientId: PORTAL_CLIENT_ID,
      detail: { portal: 'abonnee' },
    });
    return reply.redirect('/abonnee?melding=uitgelogd', 303);
  });
}
