// Who may use a person's own pages in Mijn Dezi (mandates, role declarations, logins, verklaringen,
// linking a means), checked on the server for every request: a logged-in, active person, for
// themselves only; every post also needs the session's CSRF token and our origin. The abonnee
// portal's pages have their own check, in abonnee-admin.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import type { Person, Register } from '../register/register.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { t, type Lang, type MessageKey } from '../web/i18n.ts';
import type { Web } from '../web/web.ts';
import { refuseFormPost, validPost } from './forms.ts';
import { PORTAL_CLIENT_ID } from './login.ts';
import { sessionExpired } from './abonnee-admin.ts';
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

export const personActorOf = (p: Person): Actor => ({
  kind: 'person',
  deziNummer: p.deziNummer,
  clientId: PORTAL_CLIENT_ID,
});

async function me(d: AccessDeps, req: FastifyRequest): Promise<Me | null> {
  const found = await portalPerson(d.state, d.register, req);
  return found ? { ...found, actor: personActorOf(found.person) } : null;
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

type MeHandler = (req: FastifyRequest, reply: FastifyReply, me: Me, lang: Lang) => Promise<FastifyReply>;

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

/** A confirmation notice after a redirect (?melding=…), from a fixed list only. */
export function notice(req: FastifyRequest, texts: Record<string, string>): SafeHtml | '' {
  const melding = (req.query as Record<string, unknown>).melding;
  return typeof melding === 'string' && Object.hasOwn(texts, melding)
    ? html`<div class="notice" role="status"><p>${texts[melding]!}</p></div>`
    : '';
}
