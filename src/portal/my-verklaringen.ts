// Mijn Dezi's "Mijn verklaringen": every Dezi-verklaring issued to the person, newest first, with
// the abonnee and role it states, how long it is valid and its status now (actief, ingetrokken,
// verlopen: the words of the status endpoint), and for a revoked one why. Read through the
// verklaring service's own function; this page never reads its table.
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import type { PersonVerklaring, VerklaringService } from '../verklaring/verklaring.ts';
import { html } from '../web/html.ts';
import { t, type Lang, type MessageKey } from '../web/i18n.ts';
import { formatMoment } from './format.ts';
import { PORTAL_CLIENT_ID } from './login.ts';
import { personActor } from './mijn-dezi.ts';
import { pager, pageRequest } from './paging.ts';
import { personPage, type PersonDeps } from './person-pages.ts';

export const VERKLARINGEN_PAGE_SIZE = 20;

export interface MyVerklaringenDeps extends PersonDeps {
  verklaringen: VerklaringService;
}

/** Why the register revoked a verklaring, as the person reads it; others get the general reason. */
const REASONS: Record<string, MessageKey> = {
  role_changed: 'my_verklaringen.reason.role_changed',
  employment_ended: 'my_verklaringen.reason.employment_ended',
  name_changed: 'my_verklaringen.reason.name_changed',
  person_suspended: 'my_verklaringen.reason.person_suspended',
  person_ended: 'my_verklaringen.reason.person_suspended',
  person_deceased: 'my_verklaringen.reason.person_suspended',
  abonnee_suspended: 'my_verklaringen.reason.abonnee_suspended',
  abonnee_ended: 'my_verklaringen.reason.abonnee_suspended',
};

function status(lang: Lang, v: PersonVerklaring): string {
  const word = t(lang, `my_verklaringen.status.${v.status}`);
  if (v.status !== 'ingetrokken') return word;
  const reason = t(
    lang,
    (v.revocationReason && REASONS[v.revocationReason]) || 'my_verklaringen.reason.other',
  );
  return `${word}: ${reason}`;
}

export async function myVerklaringenRoutes(app: FastifyInstance, d: MyVerklaringenDeps): Promise<void> {
  personPage(app, d, '/mijn-dezi/verklaringen', async (req, reply, { person }, lang) => {
    const p = pageRequest(req, VERKLARINGEN_PAGE_SIZE);
    const { items, total } = await d.verklaringen.ofPerson(person.id, p);
    await recordAudit(d.db, {
      actor: personActor(person),
      action: 'portal.mijn_dezi.verklaringen.read',
      outcome: 'success',
      clientId: PORTAL_CLIENT_ID,
      detail: { page: p.page },
    });
    const title = t(lang, 'my_verklaringen.title');
    const body = html`<h1>${title}</h1>
      <p>${t(lang, 'my_verklaringen.intro')}</p>
      ${
        items.length === 0
          ? html`<p>${t(lang, 'my_verklaringen.none')}</p>`
          : html`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="verklaringen-caption">
              <table>
                <caption id="verklaringen-caption">
                  ${t(lang, 'my_verklaringen.caption', { n: String(total) })}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">${t(lang, 'portal.abonnee')}</th>
                    <th scope="col">${t(lang, 'portal.role')}</th>
                    <th scope="col">${t(lang, 'my_verklaringen.col.valid')}</th>
                    <th scope="col">${t(lang, 'portal.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${items.map(
                    (v) =>
                      html`<tr>
                        <td>${v.abonneeNaam} <span class="hint">(URA ${v.abonneeNummer})</span></td>
                        <td>
                          ${v.rolCode ? `${v.rolNaam ?? v.rolCode} (${v.rolCode})` : t(lang, 'choose.norole')}
                        </td>
                        <td>
                          ${t(lang, 'my_verklaringen.valid', {
                            from: formatMoment(new Date(v.nbf * 1000), lang),
                            until: formatMoment(new Date(v.exp * 1000), lang),
                          })}
                        </td>
                        <td>${status(lang, v)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
      ${pager(lang, { path: '/mijn-dezi/verklaringen' }, p, total)}
      <p><a href="/mijn-dezi">${t(lang, 'my.back')}</a></p>`;
    return d.web.render(req, reply, { lang, title, body });
  });
}
