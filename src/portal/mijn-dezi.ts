// Mijn Dezi: the person sees their Dezi-nummer, name, employments and linked login means; links
// another means (a login with it, while logged in), unlinks one, sets a preferred one; accepts an
// abonnee's invitation, addressed to them or by registration code.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit, type Actor } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import type { MeansRegistry } from '../means/registry.ts';
import type { Invitations } from '../register/invitations.ts';
import { BigRoleError, RegisterError, type Person, type Register } from '../register/register.ts';
import { isUuid } from '../ids.ts';
import { roleLabel } from '../register/roles.ts';
import { html } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import type { Web } from '../web/web.ts';
import { alert, badge, dataList } from '../web/components.ts';
import {
  button,
  buttonGroup,
  csrfField,
  field,
  linkButton,
  refuseFormPost,
  textButton,
  textInput,
  validPost,
} from './forms.ts';
import { unlinkConfirmPage } from './link-means.ts';
import { PORTAL_CLIENT_ID, type PortalLogin } from './login.ts';
import type { PortalSession, PortalState } from './sessions.ts';

export interface MijnDeziDeps {
  issuer: string;
  db: Database;
  register: Register;
  means: MeansRegistry;
  web: Web;
  state: PortalState;
  login: PortalLogin;
  invitations: Invitations;
  /** Whether a wallet issuer is configured (Mijn Dezi then links "Mijn wallet"). */
  wallet: unknown;
}

const NOTICES = [
  'geregistreerd',
  'gekoppeld',
  'al-gekoppeld',
  'ontkoppeld',
  'voorkeur',
  'geaccepteerd',
  'afgewezen',
] as const;
type Notice = (typeof NOTICES)[number];

export const fullName = (p: { voorletters: string; voorvoegsel: string | null; achternaam: string }) =>
  [p.voorletters, p.voorvoegsel, p.achternaam].filter(Boolean).join(' ');

export const sessionBinding = (s: PortalSession) => `portal:${s.tokenHash}`;

export const personActor = (p: Person): Actor => ({
  kind: 'person',
  deziNummer: p.deziNummer,
  clientId: PORTAL_CLIENT_ID,
});

/** The logged-in, active person, or null (the caller shows the login page). */
export async function portalPerson(
  state: PortalState,
  register: Register,
  req: FastifyRequest,
): Promise<{ session: PortalSession; person: Person } | null> {
  const session = await state.session(req);
  if (!session) return null;
  const person = await register.getPerson(session.personId);
  return person && person.status === 'active' ? { session, person } : null;
}

export async function mijnDeziRoutes(app: FastifyInstance, d: MijnDeziDeps): Promise<void> {
  const { web } = d;

  function loginPage(req: FastifyRequest, reply: FastifyReply, lang: Lang) {
    return web.render(req, reply, {
      lang,
      title: t(lang, 'portal.mijn.title'),
      body: html`<h1>${t(lang, 'portal.mijn.title')}</h1>
        <p>${t(lang, 'portal.mijn.login_intro')}</p>
        ${buttonGroup(linkButton({ href: '/mijn-dezi/inloggen', label: t(lang, 'portal.mijn.login') }))}
        <p><a href="/registreren">${t(lang, 'portal.mijn.not_registered')}</a></p>`,
    });
  }

  async function audit(
    person: Person,
    action: string,
    outcome: 'success' | 'failure',
    detail: Record<string, string | number | boolean | null> = {},
  ) {
    await recordAudit(d.db, {
      actor: personActor(person),
      action,
      outcome,
      clientId: PORTAL_CLIENT_ID,
      detail,
    });
  }

  app.get('/mijn-dezi', async (req, reply) => {
    const lang = web.lang(req, reply);
    const me = await portalPerson(d.state, d.register, req);
    if (!me) return loginPage(req, reply, lang);
    const { person, session } = me;
    const [employments, linked, invitations] = await Promise.all([
      d.register.employmentsOfPerson(person.id),
      d.register.listLinkedMeans(person.id),
      d.invitations.pendingFor(person.deziNummer),
    ]);
    await audit(person, 'portal.mijn_dezi.read', 'success');
    const melding = (req.query as Record<string, unknown>).melding;
    const notice = NOTICES.includes(melding as Notice) ? (melding as Notice) : null;
    const csrf = csrfField(web, sessionBinding(session));
    const meansName = (id: string) => d.means.get(id)?.displayName[lang] ?? id;
    const body = html`<h1>${t(lang, 'portal.mijn.title')}</h1>
      ${notice ? alert({ type: 'ok', body: t(lang, `portal.mijn.notice.${notice}` as const) }) : ''}
      ${dataList([
        [t(lang, 'portal.mijn.dezi_nummer'), html`<code>${person.deziNummer}</code>`],
        [t(lang, 'portal.mijn.name'), fullName(person)],
      ])}

      <h2 id="werkgevers">${t(lang, 'portal.mijn.employments')}</h2>
      ${
        employments.length === 0
          ? html`<p>${t(lang, 'portal.mijn.no_employments')}</p>`
          : html`<div
              class="utrecht-table-container utrecht-table-container--overflow-inline"
              tabindex="0"
              role="region"
              aria-labelledby="werkgevers"
            >
              <table aria-labelledby="werkgevers">
                <thead>
                  <tr>
                    <th scope="col">${t(lang, 'portal.abonnee')}</th>
                    <th scope="col">${t(lang, 'portal.role')}</th>
                    <th scope="col">${t(lang, 'portal.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${employments.map((e) => {
                    // An abonnee that is suspended or ended makes an employment not ended so too.
                    const status =
                      e.status === 'ended' || e.abonnee.status === 'active' ? e.status : e.abonnee.status;
                    return html`<tr>
                      <td>
                        ${e.abonnee.naam}
                        <span class="utrecht-form-field-description">(URA ${e.abonnee.abonneeNummer})</span>
                      </td>
                      <td>${e.rolNaam ? `${e.rolNaam} (${e.rolCode})` : t(lang, 'choose.norole')}</td>
                      <td>${t(lang, `register.status.${status}`)}</td>
                    </tr>`;
                  })}
                </tbody>
              </table>
            </div>`
      }

      <ul class="plain-list">
        <li><a href="/mijn-dezi/mandaten">${t(lang, 'mandate.link')}</a></li>
        <li><a href="/mijn-dezi/rol">${t(lang, 'roledecl.link')}</a></li>
        ${d.wallet ? html`<li><a href="/mijn-dezi/wallet">${t(lang, 'wallet.link')}</a></li>` : ''}
      </ul>

      <h2>${t(lang, 'portal.mijn.invitations')}</h2>
      ${
        invitations.length === 0
          ? html`<p>${t(lang, 'portal.mijn.no_invitations')}</p>`
          : html`<ul class="dezi-plain-list">
              ${invitations.map(
                (i) =>
                  html`<li>
                    <form method="post" action="/mijn-dezi/uitnodigingen/accepteren" class="dezi-inline-form">
                      ${csrf}<input type="hidden" name="id" value="${i.id}" />
                      <span
                        >${i.abonneeNaam} (URA ${i.abonneeNummer}):
                        ${i.rolCode ? roleLabel(i.rolCode) : t(lang, 'choose.norole')}</span
                      >
                      ${button({ label: t(lang, 'portal.mijn.accept', { abonnee: i.abonneeNaam }) })}
                    </form>
                    <form method="post" action="/mijn-dezi/uitnodigingen/afwijzen" class="inline-form">
                      ${csrf}<input type="hidden" name="id" value="${i.id}" />
                      <button class="link-button" type="submit">
                        ${t(lang, 'my.decline', { abonnee: i.abonneeNaam })}
                      </button>
                    </form>
                  </li>`,
              )}
            </ul>`
      }
      <form method="post" action="/mijn-dezi/code">
        ${csrf}
        ${textInput({ name: 'code', label: t(lang, 'portal.mijn.code'), hint: t(lang, 'portal.mijn.code.hint'), value: '', maxlength: 20, autocomplete: 'off', lang })}
        ${buttonGroup(button({ label: t(lang, 'portal.mijn.code.submit'), variant: 'secondary' }))}
      </form>

      <h2>${t(lang, 'portal.mijn.means')}</h2>
      <p>${t(lang, 'portal.mijn.means.intro')}</p>
      ${
        linked.length === 0
          ? html`<p>${t(lang, 'portal.mijn.no_means')}</p>`
          : html`<ul class="dezi-plain-list">
              ${linked.map(
                (m) =>
                  html`<li>
                    <strong>${meansName(m.meansId)}</strong
                    >${m.preferred ? badge(t(lang, 'portal.mijn.preferred')) : ''}
                    <div class="dezi-actions">
                      ${
                        m.preferred
                          ? ''
                          : html`<form method="post" action="/mijn-dezi/middelen/voorkeur">
                              ${csrf}<input type="hidden" name="id" value="${m.id}" />
                              ${textButton({ label: t(lang, 'portal.mijn.make_preferred', { means: meansName(m.meansId) }) })}
                            </form>`
                      }
                      <form method="post" action="/mijn-dezi/middelen/ontkoppelen">
                        ${csrf}<input type="hidden" name="id" value="${m.id}" />
                        ${button({ label: t(lang, 'portal.mijn.unlink', { means: meansName(m.meansId) }), variant: 'destructive' })}
                      </form>
                    </div>
                  </li>`,
              )}
            </ul>`
      }
      ${buttonGroup(linkButton({ href: '/mijn-dezi/koppelen', label: t(lang, 'portal.mijn.link') }))}

      <h2>${t(lang, 'my.history')}</h2>
      <ul>
        <li><a href="/mijn-dezi/inlogs">${t(lang, 'my_logins.title')}</a></li>
        <li><a href="/mijn-dezi/verklaringen">${t(lang, 'my_verklaringen.title')}</a></li>
      </ul>

      <h2>${t(lang, 'portal.mijn.admin')}</h2>
      <p><a href="/abonnee">${t(lang, 'portal.mijn.admin_link')}</a></p>
      <form method="post" action="/mijn-dezi/uitloggen">
        ${csrf} ${buttonGroup(button({ label: t(lang, 'portal.logout'), variant: 'secondary' }))}
      </form>`;
    return web.render(req, reply, { lang, title: t(lang, 'portal.mijn.title'), body });
  });

  app.get('/mijn-dezi/inloggen', async (req, reply) =>
    d.login.start(reply, 'mijn-dezi', web.lang(req, reply)),
  );

  // oidc-provider sends the browser here only when a portal login did not finish (cancelled).
  app.get('/mijn-dezi/terug', async (req, reply) =>
    web.renderProblem(req, reply, {
      status: 400,
      titleKey: 'portal.login_cancelled.title',
      bodyKey: 'portal.login_cancelled.body',
      actions: html`<p><a href="/mijn-dezi">${t(web.lang(req), 'portal.back')}</a></p>`,
    }),
  );

  /** Every post acts for the logged-in person only, and only with that session's CSRF token. */
  function post(
    path: string,
    fn: (
      req: FastifyRequest,
      reply: FastifyReply,
      me: { session: PortalSession; person: Person },
    ) => Promise<FastifyReply>,
  ) {
    app.post(path, async (req, reply) => {
      const me = await portalPerson(d.state, d.register, req);
      if (!me)
        return web.renderProblem(req, reply, {
          status: 401,
          titleKey: 'portal.session_expired.title',
          bodyKey: 'portal.session_expired.body',
          actions: html`<p><a href="/mijn-dezi">${t(web.lang(req), 'portal.mijn.login')}</a></p>`,
        });
      if (!validPost(web, d.issuer, req, sessionBinding(me.session))) return refuseFormPost(web, req, reply);
      return fn(req, reply, me);
    });
  }

  const meansName = (req: FastifyRequest, id: string) => d.means.get(id)?.displayName[web.lang(req)] ?? id;

  const notFound = (req: FastifyRequest, reply: FastifyReply) =>
    web.renderProblem(req, reply, {
      status: 404,
      titleKey: 'error.not_found.title',
      bodyKey: 'error.not_found.body',
      actions: html`<p><a href="/mijn-dezi">${t(web.lang(req), 'portal.back')}</a></p>`,
    });

  /** One of the person's own linked means; someone else's is not found. */
  async function ownLinked(req: FastifyRequest, person: Person) {
    const id = field(req, 'id', 36);
    if (!isUuid(id)) return null;
    return (await d.register.listLinkedMeans(person.id)).find((m) => m.id === id) ?? null;
  }

  // Linking starts at "Welk inlogmiddel wilt u koppelen?" (link-means.ts).

  post('/mijn-dezi/middelen/ontkoppelen', async (req, reply, me) => {
    const { person } = me;
    const linked = await ownLinked(req, person);
    if (!linked) return notFound(req, reply);
    if (field(req, 'bevestigd', 2) !== 'ja')
      return unlinkConfirmPage(web, req, reply, me, linked, meansName(req, linked.meansId));
    await d.register.unlinkMeans(person.id, linked.id, personActor(person));
    return reply.redirect('/mijn-dezi?melding=ontkoppeld', 303);
  });

  post('/mijn-dezi/middelen/voorkeur', async (req, reply, { person }) => {
    const linked = await ownLinked(req, person);
    if (!linked) return notFound(req, reply);
    await d.register.setPreferredMeans(person.id, linked.id, personActor(person));
    return reply.redirect('/mijn-dezi?melding=voorkeur', 303);
  });

  async function accept(
    req: FastifyRequest,
    reply: FastifyReply,
    person: Person,
    by: { invitationId: string } | { code: string },
  ) {
    try {
      const invitation = await d.invitations.accept(by, person, personActor(person));
      await audit(person, 'invitation.accept', 'success', {
        invitation_id: invitation.id,
        employment_id: invitation.employmentId,
      });
    } catch (err) {
      if (!(err instanceof RegisterError)) throw err;
      await audit(person, 'invitation.accept', 'failure', { reason: err.code });
      // A BIG role the BIG-register does not list for this person: say which role.
      if (err instanceof BigRoleError && err.reason === 'not_registered')
        return web.renderProblem(req, reply, {
          status: 409,
          titleKey: 'portal.invitation.big.title',
          bodyKey: 'portal.invitation.big.body',
          vars: { rol: roleLabel(err.role.code) },
          actions: html`<p><a href="/mijn-dezi">${t(web.lang(req), 'portal.back')}</a></p>`,
        });
      // Not found (or used, or expired) is one answer; a role the register refuses is another.
      const refused = err.code === 'forbidden' || err.code === 'conflict';
      return web.renderProblem(req, reply, {
        status: err.code === 'invalid' ? 400 : refused ? 409 : 404,
        titleKey: refused ? 'portal.invitation.refused.title' : 'portal.invitation.failed.title',
        bodyKey: refused ? 'portal.invitation.refused.body' : 'portal.invitation.failed.body',
        actions: html`<p><a href="/mijn-dezi">${t(web.lang(req), 'portal.back')}</a></p>`,
      });
    }
    return reply.redirect('/mijn-dezi?melding=geaccepteerd', 303);
  }

  post('/mijn-dezi/uitnodigingen/accepteren', async (req, reply, { person }) => {
    const id = field(req, 'id', 36);
    if (!isUuid(id)) return notFound(req, reply);
    return accept(req, reply, person, { invitationId: id });
  });

  post('/mijn-dezi/code', async (req, reply, { person }) =>
    accept(req, reply, person, { code: field(req, 'code', 20) }),
  );

  post('/mijn-dezi/uitloggen', async (req, reply, { person }) => {
    await d.state.endSession(req, reply);
    await audit(person, 'portal.logout', 'success');
    return reply.redirect('/mijn-dezi', 303);
  });
}
