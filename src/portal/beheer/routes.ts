// Beheer, the register operator's portal, under /beheer: the login (through Dezi, at LoA high, as
// every portal), the access check that every other route of beheer passes (an operator, listed in
// the configuration or by `dezi operator add`, whose person is active, in a session at LoA high),
// the CSRF check of every post, and the start page. Each area has its own file.
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { recordAudit } from '../../audit/audit.ts';
import { DeziError } from '../../errors.ts';
import { LOA, meetsLoa } from '../../means/loa.ts';
import { csrfGuard } from '../../web/csrf.ts';
import { html } from '../../web/html.ts';
import { t } from '../../web/i18n.ts';
import { fullName, personActor, portalPerson, sessionBinding } from '../mijn-dezi.ts';
import { abonneeRoutes } from './abonnees.ts';
import { auditRoutes } from './audit.ts';
import { clientRoutes } from './clients.ts';
import { invoiceRoutes } from './invoices.ts';
import { meansRoutes } from './means.ts';
import { MeansSwitches } from '../../means/switches.ts';
import { Operators } from './operators.ts';
import { personRoutes } from './persons.ts';
import {
  beheerPage,
  beheerProblem,
  csrf,
  operatorActor,
  operatorOf,
  setOperator,
  type BeheerDeps,
} from './shared.ts';

export const BEHEER_LOGIN_PATH = '/beheer/inloggen';

/** A multipart post (the zorgapplicatie's certificate as a file) is small: a few PEM blocks and fields. */
const MULTIPART_LIMIT = 64 * 1024;

class MultipartError extends DeziError {
  override name = 'MultipartError';
  constructor() {
    super('the form could not be read', { status: 400 });
  }
}

/**
 * multipart/form-data, as a plain object of strings like a urlencoded form (a file field holds the
 * file's text), so that the CSRF check and the pages read both alike. Parsed by the platform's own
 * FormData (undici): no hand-written parser, no extra dependency.
 */
async function parseMultipart(req: FastifyRequest, body: Buffer): Promise<Record<string, string>> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), {
      headers: { 'content-type': String(req.headers['content-type']) },
    }).formData();
  } catch {
    throw new MultipartError();
  }
  const out: Record<string, string> = {};
  for (const [name, value] of form) {
    if (typeof value === 'string') out[name] = value;
    else if (value.size > 0) out[name] = await value.text();
  }
  return out;
}

/**
 * Who may use beheer, checked on every request: a session (else the login), at LoA high, of an
 * active person who is an operator. Anyone else gets 403, and the attempt is audited.
 */
function access(d: BeheerDeps): preHandlerAsyncHookHandler {
  return async function beheerAccess(req: FastifyRequest, reply: FastifyReply) {
    const me = await portalPerson(d.state, d.register, req);
    if (!me) return reply.redirect(BEHEER_LOGIN_PATH, 303);
    const allowed =
      meetsLoa(me.session.loaAuthn, LOA.high) && (await d.operators.isOperator(me.person.deziNummer));
    if (!allowed) {
      await recordAudit(d.db, {
        actor: personActor(me.person),
        action: 'beheer.access',
        outcome: 'failure',
        detail: { reason: 'not_an_operator', method: req.method, route: req.routeOptions.url ?? null },
      });
      return beheerProblem(d.web, req, reply, 403, 'forbidden', '/mijn-dezi');
    }
    setOperator(req, { ...me, actor: operatorActor(me.person) });
  };
}

function startPage(d: BeheerDeps) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const { web } = d;
    const lang = web.lang(req, reply);
    const { person } = operatorOf(req);
    const areas = [
      ['/beheer/abonnees', 'beheer.nav.abonnees', 'beheer.start.abonnees'],
      ['/beheer/personen', 'beheer.nav.personen', 'beheer.start.personen'],
      ['/beheer/zorgapplicaties', 'beheer.nav.zorgapplicaties', 'beheer.start.zorgapplicaties'],
      ['/beheer/inlogmiddelen', 'beheer.nav.inlogmiddelen', 'beheer.start.inlogmiddelen'],
      ['/beheer/facturen', 'beheer.nav.facturen', 'beheer.start.facturen'],
      ['/beheer/audit', 'beheer.nav.audit', 'beheer.start.audit'],
    ] as const;
    return beheerPage(web, req, reply, {
      title: t(lang, 'beheer.title'),
      section: null,
      body: html`<h1>${t(lang, 'beheer.title')}</h1>
        <p>${t(lang, 'beheer.start.intro', { naam: fullName(person), dezi: person.deziNummer })}</p>
        <ul class="plain-list">
          ${areas.map(
            ([href, title, text]) =>
              html`<li class="card">
                <h2><a href="${href}">${t(lang, title)}</a></h2>
                <p>${t(lang, text)}</p>
              </li>`,
          )}
        </ul>
        <form method="post" action="/mijn-dezi/uitloggen">
          ${csrf(web, req)}
          <button class="button button-secondary" type="submit">${t(lang, 'portal.logout')}</button>
        </form>`,
    });
  };
}

/** What the portal hands beheer: its own services, and the operators named in the configuration. */
export type BeheerRouteDeps = Omit<BeheerDeps, 'operators' | 'switches'> & { operators?: readonly string[] };

export async function beheerRoutes(app: FastifyInstance, deps: BeheerRouteDeps): Promise<void> {
  const d: BeheerDeps = {
    ...deps,
    operators: new Operators(deps.db, deps.operators ?? []),
    switches: new MeansSwitches(deps.db),
  };
  app.get(BEHEER_LOGIN_PATH, async (req, reply) => d.login.start(reply, 'beheer', d.web.lang(req, reply)));

  // Every other route of beheer is in this scope, behind the access check and then the CSRF check.
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      'multipart/form-data',
      { parseAs: 'buffer', bodyLimit: MULTIPART_LIMIT },
      (req, body, done) => {
        parseMultipart(req, body as Buffer).then(
          (form) => done(null, form),
          (err: Error) => done(err, undefined),
        );
      },
    );
    scope.addHook('preHandler', access(d));
    scope.addHook(
      'preHandler',
      csrfGuard(d.web, d.issuer, (req) => sessionBinding(operatorOf(req).session)),
    );
    scope.get('/beheer', startPage(d));
    await abonneeRoutes(scope, d);
    await personRoutes(scope, d);
    await clientRoutes(scope, d);
    await meansRoutes(scope, d);
    await invoiceRoutes(scope, d);
    await auditRoutes(scope, d);
  });
}
