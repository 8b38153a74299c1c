// Who may use the mandate and role-declaration pages, checked on the server for every request: a
// logged-in, active person for their own pages in Mijn Dezi; an administrator of the abonnee named in
// the path for the abonnee portal's (the register's one rule, administeredAbonnees). Every post also
// needs the session's CSRF token and our origin. The same rules as abonnee.ts and mijn-dezi.ts apply
// them, written once more here so that those pages need no change but a link.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit, type Actor } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import type { Abonnee, Person, Register } from '../register/register.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { t, type Lang, type MessageKey } from '../web/i18n.ts';
import type { Web } from '../web/web.ts';
import { refuseFormPost, validPost } from './forms.ts';
import { PORTAL_CLIENT_ID } from './login.ts';
import { portalPerson, sessionBinding } from './mijn-dezi.ts';
import type { PortalSession, PortalState } from './sessions.ts';

export interface AccessDeps {
  issuer: string;
  db: Database;
  register: Register;
  web: Web;
  state: PortalState;
}

export interface Me {
  session: PortalSession;
  person: Person;
  actor: Actor;
}

export interface Admin extends Me {
  abonnee: Abonnee;
}

const ABONNEE_NUMMER = /^[0-9]{8}$/;

export const personActorOf = (p: Person): Actor => ({
  kind: 'person',
  deziNummer: p.deziNummer,
  clientId: PORTAL_CLIENT_ID,
});

async function me(d: AccessDeps, req: FastifyRequest): Promise<Me | null> {
  const found = await portalPerson(d.state, d.register, req);
  return found ? { ...found, actor: personActorOf(found.person) } : null;
}

/** The logged-in person if they administer the abonnee in the path today; a refusal is audited. */
async function admin(d: AccessDeps, req: FastifyRequest): Promise<Admin | 'login' | 'forbidden'> {
  const found = await me(d, req);
  if (!found) return 'login';
  const { abonneeNummer } = req.params as { abonneeNummer: string };
  if (!ABONNEE_NUMMER.test(abonneeNummer)) return 'forbidden';
  const abonnee = (await d.register.administeredAbonnees(found.person.id)).find(
    (a) => a.abonneeNummer === abonneeNummer,
  );
  if (!abonnee) {
    await recordAudit(d.db, {
      actor: found.actor,
      action: 'portal.abonnee.access',
      outcome: 'failure',
      abonneeNummer,
      clientId: PORTAL_CLIENT_ID,
      detail: { reason: 'not_an_administrator', path: req.routeOptions.url ?? null },
    });
    return 'forbidden';
  }
  return {
    ...found,
    abonnee,
    actor: { ...found.actor, abonneeNummer: abonnee.abonneeNummer },
  };
}

/** A page explaining a refusal, with the way back. */
export function problemPage(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  o: {
    status: number;
    titleKey: MessageKey;
    bodyKey: MessageKey;
    back: string;
    vars?: Record<string, string>;
  },
): FastifyReply {
  return web.renderProblem(req, reply, {
    status: o.status,
    titleKey: o.titleKey,
    bodyKey: o.bodyKey,
    vars: o.vars,
    actions: html`<p><a href="${o.back}">${t(web.lang(req), 'portal.back')}</a></p>`,
  });
}

export const notFound = (web: Web, req: FastifyRequest, reply: FastifyReply, back: string) =>
  problemPage(web, req, reply, {
    status: 404,
    titleKey: 'error.not_found.title',
    bodyKey: 'error.not_found.body',
    back,
  });

function sessionExpired(web: Web, req: FastifyRequest, reply: FastifyReply, login: string) {
  return web.renderProblem(req, reply, {
    status: 401,
    titleKey: 'portal.session_expired.title',
    bodyKey: 'portal.session_expired.body',
    actions: html`<p><a href="${login}">${t(web.lang(req), 'portal.mijn.login')}</a></p>`,
  });
}

type MeHandler = (req: FastifyRequest, reply: FastifyReply, me: Me, lang: Lang) => Promise<FastifyReply>;
type AdminHandler = (req: FastifyRequest, reply: FastifyReply, a: Admin, lang: Lang) => Promise<FastifyReply>;

/** A page of the logged-in person; without a session, Mijn Dezi's login page. */
export function personPage(app: FastifyInstance, d: AccessDeps, path: string, fn: MeHandler): void {
  app.get(path, async (req, reply) => {
    const lang = d.web.lang(req, reply);
    const found = await me(d, req);
    if (!found) return reply.redirect('/mijn-dezi', 303);
    return fn(req, reply, found, lang);
  });
}

/** A form post of the logged-in person, for themselves only, with the session's CSRF token. */
export function personPost(app: FastifyInstance, d: AccessDeps, path: string, fn: MeHandler): void {
  app.post(path, async (req, reply) => {
    const found = await me(d, req);
    if (!found) return sessionExpired(d.web, req, reply, '/mijn-dezi');
    if (!validPost(d.web, d.issuer, req, sessionBinding(found.session)))
      return refuseFormPost(d.web, req, reply);
    return fn(req, reply, found, d.web.lang(req, reply));
  });
}

function forbidden(web: Web, req: FastifyRequest, reply: FastifyReply) {
  return problemPage(web, req, reply, {
    status: 403,
    titleKey: 'portal.admin.forbidden.title',
    bodyKey: 'portal.admin.forbidden.body',
    back: '/mijn-dezi',
  });
}

/** A page of the abonnee portal for the abonnee in the path (`:abonneeNummer`). */
export function adminPage(app: FastifyInstance, d: AccessDeps, path: string, fn: AdminHandler): void {
  app.get(path, async (req, reply) => {
    const lang = d.web.lang(req, reply);
    const a = await admin(d, req);
    if (a === 'login') return reply.redirect('/abonnee', 303);
    if (a === 'forbidden') return forbidden(d.web, req, reply);
    return fn(req, reply, a, lang);
  });
}

/** A form post of the abonnee portal: an administrator of the abonnee in the path, with the CSRF token. */
export function adminPost(app: FastifyInstance, d: AccessDeps, path: string, fn: AdminHandler): void {
  app.post(path, async (req, reply) => {
    const a = await admin(d, req);
    if (a === 'login') return sessionExpired(d.web, req, reply, '/abonnee');
    if (a === 'forbidden') return forbidden(d.web, req, reply);
    if (!validPost(d.web, d.issuer, req, sessionBinding(a.session))) return refuseFormPost(d.web, req, reply);
    return fn(req, reply, a, d.web.lang(req, reply));
  });
}

/** A confirmation notice after a redirect (?melding=…), from a fixed list only. */
export function notice(req: FastifyRequest, texts: Record<string, string>): SafeHtml | '' {
  const melding = (req.query as Record<string, unknown>).melding;
  return typeof melding === 'string' && Object.hasOwn(texts, melding)
    ? html`<div class="notice" role="status"><p>${texts[melding]!}</p></div>`
    : '';
}
