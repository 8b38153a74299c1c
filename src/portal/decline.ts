// Declining an invitation in Mijn Dezi: the person says no to an abonnee's invitation addressed to
// them. The invitation is closed (declined), no employment is made, and the abonnee sees it in its
// invitations and in its own audit entries.
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import { isUuid } from '../ids.ts';
import type { Invitations } from '../register/invitations.ts';
import { html } from '../web/html.ts';
import { t } from '../web/i18n.ts';
import { field } from './forms.ts';
import { PORTAL_CLIENT_ID } from './login.ts';
import { personActor } from './mijn-dezi.ts';
import { personPost, type PersonDeps } from './person-pages.ts';

export interface DeclineDeps extends PersonDeps {
  invitations: Invitations;
}

export async function declineRoutes(app: FastifyInstance, d: DeclineDeps): Promise<void> {
  personPost(app, d, '/mijn-dezi/uitnodigingen/afwijzen', async (req, reply, { person }, lang) => {
    const id = field(req, 'id', 36);
    const declined = isUuid(id) ? await d.invitations.decline(id, person.deziNummer) : null;
    await recordAudit(d.db, {
      actor: personActor(person),
      action: 'invitation.decline',
      outcome: declined ? 'success' : 'failure',
      abonneeNummer: declined?.abonneeNummer ?? null,
      clientId: PORTAL_CLIENT_ID,
      detail: declined ? { invitation_id: declined.id } : { reason: 'not_found' },
    });
    if (!declined)
      return d.web.renderProblem(req, reply, {
        status: 404,
        titleKey: 'portal.invitation.failed.title',
        bodyKey: 'portal.invitation.failed.body',
        actions: html`<p><a href="/mijn-dezi">${t(lang, 'portal.back')}</a></p>`,
      });
    return reply.redirect('/mijn-dezi?melding=afgewezen', 303);
  });
}
