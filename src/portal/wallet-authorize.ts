// The person's side of the wallet's authorization code flow (src/wallet/authorization.ts): the wallet
// sends the browser to /wallet/authorize with the request_uri it pushed; the person logs in to Mijn
// Dezi at level high (a login at a lower level, or none, goes through the portal login and comes
// back here), chooses the employment whose verklaring goes into the wallet, and is sent to the
// wallet's redirect_uri with the code. A request that is unknown, expired, used or another wallet's
// gets a page of its own and never a redirect: its redirect_uri is not one Dezi can vouch for.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LOA } from '../means/loa.ts';
import { html } from '../web/html.ts';
import { t, type MessageKey } from '../web/i18n.ts';
import { AUTHORIZE_PATHS, type PendingRefusal } from '../wallet/authorization.ts';
import type { WalletIssuance } from '../wallet/issuance.ts';
import { button, buttonGroup, csrfField, field } from './forms.ts';
import type { PortalLogin } from './login.ts';
import { portalPerson, sessionBinding } from './mijn-dezi.ts';
import { employmentChoice, MY_WALLET_PATH } from './my-wallet.ts';
import { personPost, type PersonDeps } from './person-pages.ts';

export interface WalletAuthorizeDeps extends PersonDeps {
  login: PortalLogin;
  wallet: { issuance: WalletIssuance } | null;
}

const PROBLEMS: Record<
  PendingRefusal | 'not_active' | 'no_employment' | 'high_needed',
  [number, MessageKey, MessageKey]
> = {
  unknown_request: [400, 'wallet.authorize.unknown.title', 'wallet.authorize.unknown.body'],
  other_client: [400, 'wallet.authorize.unknown.title', 'wallet.authorize.unknown.body'],
  not_active: [409, 'wallet.not_active.title', 'wallet.not_active.body'],
  no_employment: [409, 'wallet.authorize.no_employment.title', 'wallet.no_employments'],
  high_needed: [403, 'wallet.high_needed.title', 'wallet.high_needed.body'],
};

export async function walletAuthorizeRoutes(app: FastifyInstance, d: WalletAuthorizeDeps): Promise<void> {
  const { web } = d;
  if (!d.wallet) return;
  const authorization = d.wallet.issuance.authorization;

  function problem(req: FastifyRequest, reply: FastifyReply, reason: keyof typeof PROBLEMS) {
    const [status, titleKey, bodyKey] = PROBLEMS[reason];
    return web.renderProblem(req, reply, {
      status,
      titleKey,
      bodyKey,
      actions: html`<p><a href="/mijn-dezi">${t(web.lang(req), 'portal.back')}</a></p>`,
    });
  }

  app.get(AUTHORIZE_PATHS.authorize, async (req, reply) => {
    const lang = web.lang(req, reply);
    const query = req.query as Record<string, unknown>;
    const pending = await authorization.pending(query.client_id, query.request_uri);
    const me = await portalPerson(d.state, d.register, req);
    const actor = me ? { kind: 'person' as const, deziNummer: me.person.deziNummer } : null;
    if (typeof pending === 'string') {
      await authorization.audit('failure', actor, { reason: pending });
      return problem(req, reply, pending);
    }
    const clientId = query.client_id as string;
    const requestUri = query.request_uri as string;
    // The verklaring needs level high: without a session at high, log in (again) and come back.
    if (!me || me.session.loaAuthn !== LOA.high) {
      const back = `${AUTHORIZE_PATHS.authorize}?${new URLSearchParams({ client_id: clientId, request_uri: requestUri })}`;
      return d.login.start(reply, 'wallet', lang, null, undefined, back);
    }
    const employments = await d.register.activeEmployments(me.person.id);
    if (employments.length === 0) {
      await authorization.audit('failure', actor, { reason: 'no_employment', wallet: clientId });
      return problem(req, reply, 'no_employment');
    }
    const request = html`${csrfField(web, sessionBinding(me.session))}
      <input type="hidden" name="client_id" value="${clientId}" />
      <input type="hidden" name="request_uri" value="${requestUri}" />`;
    reply.header('cache-control', 'no-store');
    const body = html`<h1>${t(lang, 'wallet.authorize.title')}</h1>
      <p>${t(lang, 'wallet.authorize.intro')}</p>
      ${employmentChoice(lang, employments, AUTHORIZE_PATHS.authorize, request)}
      <form method="post" action="${AUTHORIZE_PATHS.authorize}/annuleren">
        ${request} ${buttonGroup(button({ label: t(lang, 'wallet.authorize.cancel'), variant: 'secondary' }))}
      </form>
      <p><a href="${MY_WALLET_PATH}">${t(lang, 'wallet.authorize.elsewhere')}</a></p>`;
    return web.render(req, reply, { lang, title: t(lang, 'wallet.authorize.title'), body });
  });

  personPost(app, d, AUTHORIZE_PATHS.authorize, async (req, reply, { session, person }) => {
    if (session.loaAuthn !== LOA.high) return problem(req, reply, 'high_needed');
    const granted = await authorization.grant(
      field(req, 'request_uri', 200),
      field(req, 'client_id', 200),
      person,
      field(req, 'employment', 36),
    );
    if (typeof granted === 'string') return problem(req, reply, granted);
    return reply.header('cache-control', 'no-store').redirect(granted.redirect, 303);
  });

  personPost(app, d, `${AUTHORIZE_PATHS.authorize}/annuleren`, async (req, reply, { person }) => {
    const denied = await authorization.deny(
      field(req, 'request_uri', 200),
      field(req, 'client_id', 200),
      person,
    );
    if (typeof denied === 'string') return problem(req, reply, denied);
    return reply.header('cache-control', 'no-store').redirect(denied.redirect, 303);
  });
}
