// What the pages of Mijn Dezi beyond its front page share: the logged-in, active person, checked on
// every request; a page asked for without a session goes to Mijn Dezi's login; a form post needs the
// session's CSRF token and our origin. Everything acts for that person only.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import type { Person, Register } from '../register/register.ts';
import { html } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import type { Web } from '../web/web.ts';
import { refuseFormPost, validPost } from './forms.ts';
import { portalPerson, sessionBinding } from './mijn-dezi.ts';
import type { PortalSession, PortalState } from './sessions.ts';

export interface PersonDeps {
  issuer: string;
  db: Database;
  register: Register;
  web: Web;
  state: PortalState;
}

export interface Me {
  session: PortalSession;
  person: Person;
}

/** A page of Mijn Dezi: fn for the logged-in person; without a session, Mijn Dezi's login page. */
export function personPage(
  app: FastifyInstance,
  d: PersonDeps,
  path: string,
  fn: (req: FastifyRequest, reply: FastifyReply, me: Me, lang: Lang) => Promise<FastifyReply>,
): void {
  app.get(path, async (req, reply) => {
    const lang = d.web.lang(req, reply);
    const me = await portalPerson(d.state, d.register, req);
    if (!me) return reply.redirect('/mijn-dezi', 303);
    return fn(req, reply, me, lang);
  });
}

/** A form post of Mijn Dezi: for the logged-in person only, with that session's token. */
export function personPost(
  app: FastifyInstance,
  d: PersonDeps,
  path: string,
  fn: (req: FastifyRequest, reply: FastifyReply, me: Me, lang: Lang) => Promise<FastifyReply>,
): void {
  app.post(path, async (req, reply) => {
    const me = await portalPerson(d.state, d.register, req);
    if (!me)
      return d.web.renderProblem(req, reply, {
        status: 401,
        titleKey: 'portal.session_expired.title',
        bodyKey: 'portal.session_expired.body',
        actions: html`<p><a href="/mijn-dezi">${t(d.web.lang(req), 'portal.mijn.login')}</a></p>`,
      });
    if (!validPost(d.web, d.issuer, req, sessionBinding(me.session)))
      return refuseFormPost(d.web, req, reply);
    return fn(req, reply, me, d.web.lang(req, reply));
  });
}
