// Who may act in the abonnee portal, checked on every request of every page and form under
// /abonnee/:abonneeNummer: a logged-in person who administers that abonnee today. An authorisation
// withdrawn or an employment ended takes effect at once. The pages (abonnee.ts, staff-list.ts,
// invoices.ts, abonnee-log.ts, abonnee-mandates.ts) build on these few helpers and never check for
// themselves.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit, type Actor } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import type { Abonnee, Person, Register } from '../register/register.ts';
import { html } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import type { Web } from '../web/web.ts';
import { refuseFormPost, validPost } from './forms.ts';
import { PORTAL_CLIENT_ID } from './login.ts';
import { portalPerson, sessionBinding } from './mijn-dezi.ts';
import type { PortalSession, PortalState } from './sessions.ts';

export interface AdminDeps {
  issuer: string;
  db: Database;
  register: Register;
  web: Web;
  state: PortalState;
}

export interface Admin {
  session: PortalSession;
  person: Person;
  abonnee: Abonnee;
  actor: Actor;
}

const ABONNEE_NUMMER = /^[0-9]{8}$/;

/**
 * The logged-in person, if they administer the abonnee named in the path. A refusal is audited:
 * someone tried another abonnee's pages.
 */
export async function resolveAdmin(
  d: AdminDeps,
  req: FastifyRequest,
): Promise<Admin | 'login' | 'forbidden'> {
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
      detail: { reason: 'not_an_administrator', path: req.routeOptions.url ?? null },
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

export type AdminProblem = 'forbidden' | 'not_found' | 'invalid' | 'refused';

/** A refusal page of the abonnee portal, with the way back. */
export function adminProblem(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  key: AdminProblem,
  back = '/abonnee',
): FastifyReply {
  return web.renderProblem(req, reply, {
    status,
    titleKey: `portal.admin.${key}.title`,
    bodyKey: `portal.admin.${key}.body`,
    actions: html`<p><a href="${back}">${t(web.lang(req), 'portal.back')}</a></p>`,
  });
}

/** A post whose session has ended (logged out, expired): say so, with the way to log in again. */
export function sessionExpired(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  login: string,
): FastifyReply {
  return web.renderProblem(req, reply, {
    status: 401,
    titleKey: 'portal.session_expired.title',
    bodyKey: 'portal.session_expired.body',
    actions: html`<p><a href="${login}">${t(web.lang(req), 'portal.mijn.login')}</a></p>`,
  });
}

/** The abonnee portal's page for a person not logged in. */
export function abonneeLoginPage(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  lang: Lang,
): FastifyReply {
  return web.render(req, reply, {
    lang,
    title: t(lang, 'portal.admin.title'),
    body: html`<h1>${t(lang, 'portal.admin.title')}</h1>
      ${
        (req.query as Record<string, unknown>).melding === 'uitgelogd'
          ? html`<div class="notice" role="status"><p>${t(lang, 'abonnee.logged_out')}</p></div>`
          : ''
      }
      <p>${t(lang, 'portal.admin.login_intro')}</p>
      <p><a class="button" href="/abonnee/inloggen">${t(lang, 'portal.mijn.login')}</a></p>`,
  });
}

/** A page under /abonnee/:abonneeNummer/…: the login page, 403, or fn for an administrator. */
export function adminPage(
  app: FastifyInstance,
  d: AdminDeps,
  path: string,
  fn: (req: FastifyRequest, reply: FastifyReply, a: Admin, lang: Lang) => Promise<FastifyReply>,
): void {
  app.get(`/abonnee/:abonneeNummer${path}`, async (req, reply) => {
    const lang = d.web.lang(req, reply);
    const a = await resolveAdmin(d, req);
    if (a === 'login') return abonneeLoginPage(d.web, req, reply, lang);
    if (a === 'forbidden') return adminProblem(d.web, req, reply, 403, 'forbidden', '/mijn-dezi');
    return fn(req, reply, a, lang);
  });
}

/** A form post under /abonnee/:abonneeNummer/…: an administrator, with the session's token, from our origin. */
export function adminPost(
  app: FastifyInstance,
  d: AdminDeps,
  path: string,
  fn: (req: FastifyRequest, reply: FastifyReply, a: Admin, lang: Lang) => Promise<FastifyReply>,
): void {
  app.post(`/abonnee/:abonneeNummer/${path}`, async (req, reply) => {
    const a = await resolveAdmin(d, req);
    if (a === 'login') return sessionExpired(d.web, req, reply, '/abonnee/inloggen');
    if (a === 'forbidden') return adminProblem(d.web, req, reply, 403, 'forbidden', '/mijn-dezi');
    if (!validPost(d.web, d.issuer, req, sessionBinding(a.session))) return refuseFormPost(d.web, req, reply);
    return fn(req, reply, a, d.web.lang(req, reply));
  });
}
