// What the proeftuin's SAML IdP stand-ins (DigiD, the eIDAS node) share: reading a signed
// AuthnRequest from the HTTP-Redirect binding, carrying it sealed through the stand-in's own page,
// and answering by the HTTP-POST binding with a form that posts itself (by a script file, so that
// the CSP needs no inline script) and that a person without JavaScript submits with its button.
import { createVerify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signSamlElement } from '../means/saml/artifact.ts';
import type { SamlKeyPair } from '../means/saml/keys.ts';
import { NS, STATUS, isElement, onlyChild, parseXml, textOf, type XmlElement } from '../means/saml/xml.ts';
import type { Database } from '../db/database.ts';
import type { Secrets } from '../secrets.ts';
import { button, buttonGroup } from '../web/components.ts';
import { html } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import { validFormPost } from '../web/csrf.ts';
import type { Web } from '../web/web.ts';
import { responseXml } from './digid-saml.ts';

const REQUEST_MAX_AGE_MS = 10 * 60_000;
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

export class AuthnRequestRefused extends Error {}

/** The one SP a stand-in serves (this Dezi), and where the stand-in takes AuthnRequests. */
export interface ServedSp {
  entityId: string;
  acsUrl: string;
  certificate: string;
}

/** What a SAML stand-in's routes need. */
export interface StandInDeps {
  issuer: string;
  db: Database;
  secrets: Secrets;
  web: Web;
  /** The one service provider this stand-in serves: this Dezi. */
  sp: ServedSp;
}

/** The raw, still URL-encoded query parameters: the redirect binding signs exactly these octets. */
function rawQuery(url: string): Map<string, string> {
  const out = new Map<string, string>();
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && !out.has(pair.slice(0, eq))) out.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return out;
}

/**
 * Checks the HTTP-Redirect binding signature by the SP's key and the AuthnRequest's ID, Issuer,
 * Destination, ACS URL and age; the request and its RelayState, or AuthnRequestRefused.
 */
export function readRedirectAuthnRequest(
  req: FastifyRequest,
  sp: ServedSp,
  ssoUrl: string,
): { request: XmlElement; id: string; relayState: string | null } {
  const raw = rawQuery(req.url);
  const [samlRequest, relayState, sigAlg, signature] = [
    'SAMLRequest',
    'RelayState',
    'SigAlg',
    'Signature',
  ].map((k) => raw.get(k));
  if (!samlRequest || !sigAlg || !signature) throw new AuthnRequestRefused('unsigned or incomplete request');
  if (decodeURIComponent(sigAlg) !== RSA_SHA256) throw new AuthnRequestRefused('unsupported SigAlg');
  const signedOctets = `SAMLRequest=${samlRequest}${relayState ? `&RelayState=${relayState}` : ''}&SigAlg=${sigAlg}`;
  const verifier = createVerify('RSA-SHA256').update(signedOctets);
  if (!verifier.verify(sp.certificate, Buffer.from(decodeURIComponent(signature), 'base64'))) {
    throw new AuthnRequestRefused('the AuthnRequest signature does not verify');
  }
  let request: XmlElement;
  try {
    const xml = inflateRawSync(Buffer.from(decodeURIComponent(samlRequest), 'base64'), {
      maxOutputLength: 64 * 1024,
    }).toString('utf8');
    request = parseXml(xml).documentElement;
  } catch {
    throw new AuthnRequestRefused('the AuthnRequest cannot be read');
  }
  if (!isElement(request, NS.samlp, 'AuthnRequest')) throw new AuthnRequestRefused('not an AuthnRequest');
  const id = request.getAttribute('ID') ?? '';
  if (!/^[A-Za-z_][A-Za-z0-9_.-]{15,80}$/.test(id)) throw new AuthnRequestRefused('bad ID');
  if (textOf(onlyChild(request, NS.saml, 'Issuer')) !== sp.entityId)
    throw new AuthnRequestRefused('unknown SP');
  const destination = request.getAttribute('Destination');
  if (destination && destination !== ssoUrl) throw new AuthnRequestRefused('wrong Destination');
  const acs = request.getAttribute('AssertionConsumerServiceURL');
  if (acs && acs !== sp.acsUrl) throw new AuthnRequestRefused('ACS URL not in the SP metadata');
  const issued = Date.parse(request.getAttribute('IssueInstant') ?? '');
  if (!(Math.abs(Date.now() - issued) < REQUEST_MAX_AGE_MS)) throw new AuthnRequestRefused('stale request');
  return { request, id, relayState: relayState ? decodeURIComponent(relayState) : null };
}

/** The AuthnRequest's RequestedAuthnContext class, if it names one. */
export function requestedClassRef(request: XmlElement): string | null {
  const requested = onlyChild(request, NS.samlp, 'RequestedAuthnContext');
  return requested ? textOf(onlyChild(requested, NS.saml, 'AuthnContextClassRef')) : null;
}

/**
 * The login a stand-in's page carries from the AuthnRequest to its answer: sealed in a hidden field,
 * the form bound to it by a CSRF token, both under one context.
 */
export function standInLogins<T extends { id: string }>(
  d: { web: Web; secrets: Secrets; issuer: string },
  context: string,
  valid: (p: T) => boolean,
) {
  const seal = (p: T) =>
    d.secrets.encrypt('means-state', Buffer.from(JSON.stringify(p)), context).toString('base64url');
  function unseal(value: unknown): T | null {
    if (typeof value !== 'string' || value.length > 2048) return null;
    try {
      const p = JSON.parse(
        d.secrets.decrypt('means-state', Buffer.from(value, 'base64url'), context).toString('utf8'),
      ) as T;
      return valid(p) ? p : null;
    } catch {
      return null;
    }
  }
  return {
    /** The form's hidden fields: its CSRF token and the sealed login. */
    fields: (p: T) =>
      html`<input type="hidden" name="csrf" value="${d.web.csrfToken(`${context}:${p.id}`)}" />
        <input type="hidden" name="login" value="${seal(p)}" />`,
    /** The login a POST of that form carries, when the POST is one (same origin, its CSRF token). */
    posted(req: FastifyRequest): T | null {
      const p = unseal(((req.body ?? {}) as Record<string, unknown>).login);
      return p && validFormPost(d.web, d.issuer, req, `${context}:${p.id}`) ? p : null;
    },
  };
}

/** The stand-in's only script, at `${base}/autopost.js`: it submits the HTTP-POST binding form. */
function autopostRoute(app: FastifyInstance, base: string): void {
  app.get(`${base}/autopost.js`, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').send("document.getElementById('saml-post')?.submit();\n"),
  );
}

/** The stand-in page's two buttons; "Annuleren" is answered by standInIdpRoutes. */
export function loginOrCancel(lang: Lang) {
  return buttonGroup(
    button({ label: t(lang, 'saml.idp.login'), name: 'action', value: 'login' }),
    button({ label: t(lang, 'saml.idp.cancel'), name: 'action', value: 'cancel', variant: 'secondary' }),
  );
}

/** The HTTP-POST binding: a form with the signed Response to the SP's ACS, posted by autopost.js. */
export function postBindingPage(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  o: { title: string; base: string; acsUrl: string; response: string; relayState: string | null },
) {
  const lang = web.lang(req, reply);
  return web.render(req, reply, {
    lang,
    title: o.title,
    body: html`<h1>${t(lang, 'saml.post.title')}</h1>
      <form method="post" action="${o.acsUrl}" id="saml-post">
        <input type="hidden" name="SAMLResponse" value="${Buffer.from(o.response).toString('base64')}" />
        ${o.relayState ? html`<input type="hidden" name="RelayState" value="${o.relayState}" />` : ''}
        <p>${t(lang, 'saml.post.body')}</p>
        ${button({ label: t(lang, 'saml.post.submit') })}
      </form>
      <script src="${o.base}/autopost.js"></script>`,
  });
}

/** A request the stand-in cannot serve: the generic page (a stand-in tells Dezi's SP nothing more). */
function badRequest(web: Web, req: FastifyRequest, reply: FastifyReply) {
  return web.renderProblem(req, reply, {
    status: 400,
    titleKey: 'error.bad_request.title',
    bodyKey: 'error.bad_request.body',
  });
}

/** "Annuleren": a signed Response with Responder / AuthnFailed, as DigiD and eIDAS nodes report it. */
function cancelledResponseXml(
  o: { idpEntityId: string; acsUrl: string; inResponseTo: string },
  key: SamlKeyPair,
): string {
  return signSamlElement(
    responseXml({ ...o, status: { code: STATUS.responder, subCode: STATUS.authnFailed } }),
    'Response',
    key,
  );
}

/**
 * A stand-in's routes: its metadata, autopost.js, the SSO endpoint that reads the AuthnRequest and
 * shows the stand-in's page (or refuses it, logged with the reason), and the page's POST, which
 * answers "Annuleren" itself and hands anything else to the stand-in.
 */
export function standInIdpRoutes<T extends { id: string }>(
  app: FastifyInstance,
  o: {
    web: Web;
    base: string;
    metadataXml: string;
    /** Who refused, in the log line. */
    label: string;
    logins: ReturnType<typeof standInLogins<T>>;
    /** What the cancelled Response is signed with and names. */
    idp: { entityId: string; key: SamlKeyPair };
    acsUrl: string;
    read: (req: FastifyRequest) => T;
    show: (req: FastifyRequest, reply: FastifyReply, pending: T) => unknown;
    answer: (req: FastifyRequest, reply: FastifyReply, pending: T, response: string) => unknown;
    authenticate: (
      req: FastifyRequest,
      reply: FastifyReply,
      pending: T,
      body: Record<string, unknown>,
    ) => unknown;
  },
): void {
  app.get(`${o.base}/metadata`, async (_req, reply) =>
    reply.type('application/samlmetadata+xml').header('cache-control', 'no-cache').send(o.metadataXml),
  );
  autopostRoute(app, o.base);
  app.get(`${o.base}/sso`, async (req, reply) => {
    let pending: T;
    try {
      pending = o.read(req);
    } catch (err) {
      if (!(err instanceof AuthnRequestRefused)) throw err;
      req.log.info({ reason: err.message }, `proeftuin ${o.label} refused an AuthnRequest`);
      return badRequest(o.web, req, reply);
    }
    return o.show(req, reply, pending);
  });
  app.post(`${o.base}/authenticate`, async (req, reply) => {
    const pending = o.logins.posted(req);
    if (!pending) return badRequest(o.web, req, reply);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.action === 'cancel') {
      const cancelled = cancelledResponseXml(
        { idpEntityId: o.idp.entityId, acsUrl: o.acsUrl, inResponseTo: pending.id },
        o.idp.key,
      );
      return o.answer(req, reply, pending, cancelled);
    }
    return o.authenticate(req, reply, pending, body);
  });
}
