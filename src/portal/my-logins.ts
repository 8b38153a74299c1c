// Mijn Dezi's "Mijn inlogs": where the person's zorgidentiteit was used. Read from the audit trail's
// login records whose actor is this person's Dezi-nummer (never anyone else's): when, at which
// zorgapplicatie, for which abonnee in which role, with which means, and whether it succeeded.
// Newest first, a page at a time. A login the person does not recognise is a reason to call the
// servicedesk, and the page says so.
import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';
import { recordAudit } from '../audit/audit.ts';
import { loginsOfPerson, type AuditEntry } from '../audit/portal-queries.ts';
import type { MeansRegistry } from '../means/registry.ts';
import { roleLabel } from '../register/roles.ts';
import { dataTable } from '../web/components.ts';
import { html } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import { formatMoment } from './format.ts';
import { PORTAL_CLIENT_ID } from './login.ts';
import { personActor } from './mijn-dezi.ts';
import { pager, pageRequest } from './paging.ts';
import { personPage, type PersonDeps } from './person-pages.ts';

export const LOGINS_PAGE_SIZE = 20;

export interface MyLoginsDeps extends PersonDeps {
  provider: Provider;
  means: MeansRegistry;
}

export async function myLoginsRoutes(app: FastifyInstance, d: MyLoginsDeps): Promise<void> {
  const { web } = d;

  /** Names of the zorgapplicaties and abonnees on one page, each looked up once. */
  async function names(entries: AuditEntry[], lang: Lang) {
    const clients = new Map<string, string>();
    const abonnees = new Map<string, string>();
    for (const e of entries) {
      if (e.clientId && !clients.has(e.clientId)) {
        // A client removed since (or one whose metadata no longer loads) is named by its id.
        const client =
          e.clientId === PORTAL_CLIENT_ID
            ? null
            : await d.provider.Client.find(e.clientId).catch(() => undefined);
        clients.set(
          e.clientId,
          e.clientId === PORTAL_CLIENT_ID ? t(lang, 'my_logins.portal') : (client?.clientName ?? e.clientId),
        );
      }
      if (e.abonneeNummer && !abonnees.has(e.abonneeNummer))
        abonnees.set(
          e.abonneeNummer,
          (await d.register.findAbonnee(e.abonneeNummer))?.naam ?? e.abonneeNummer,
        );
    }
    return { clients, abonnees };
  }

  personPage(app, d, '/mijn-dezi/inlogs', async (req, reply, { person }, lang) => {
    const p = pageRequest(req, LOGINS_PAGE_SIZE);
    const { entries, total } = await loginsOfPerson(d.db, person.deziNummer, p);
    await recordAudit(d.db, {
      actor: personActor(person),
      action: 'portal.mijn_dezi.logins.read',
      outcome: 'success',
      clientId: PORTAL_CLIENT_ID,
      detail: { page: p.page },
    });
    const { clients, abonnees } = await names(entries, lang);
    const where = (e: AuditEntry) => {
      if (!e.abonneeNummer) return '—';
      const rol =
        typeof e.detail.rol_code === 'string' ? roleLabel(e.detail.rol_code) : t(lang, 'choose.norole');
      return `${abonnees.get(e.abonneeNummer)} (URA ${e.abonneeNummer}), ${rol}`;
    };
    const means = (e: AuditEntry) => {
      const id = e.detail.means;
      return typeof id === 'string' ? (d.means.get(id)?.displayName[lang] ?? id) : '—';
    };
    const title = t(lang, 'my_logins.title');
    const body = html`<h1>${title}</h1>
      <p>${t(lang, 'my_logins.intro')}</p>
      ${
        entries.length === 0
          ? html`<p>${t(lang, 'my_logins.none')}</p>`
          : dataTable({
              id: 'inlogs',
              caption: t(lang, 'my_logins.caption', { n: String(total) }),
              columns: [
                t(lang, 'audit.col.when'),
                t(lang, 'my_logins.col.client'),
                t(lang, 'my_logins.col.where'),
                t(lang, 'my_logins.col.means'),
                t(lang, 'audit.col.outcome'),
              ],
              rows: entries.map((e) => [
                formatMoment(e.at, lang),
                (e.clientId ? clients.get(e.clientId) : undefined) ?? '—',
                where(e),
                means(e),
                t(lang, e.outcome === 'success' ? 'my_logins.success' : 'my_logins.failure'),
              ]),
            })
      }
      ${pager(lang, { path: '/mijn-dezi/inlogs' }, p, total)}
      <div class="notice" role="note"><p>${t(lang, 'my_logins.unknown')}</p></div>
      <p><a href="/mijn-dezi">${t(lang, 'my.back')}</a></p>`;
    return web.render(req, reply, { lang, title, body });
  });
}
