// How a person logs in to the portals: through Dezi itself. The portals are one internal
// first-party client of the OpenID provider ("dezi-portal"); a portal login is an ordinary
// authorization request at LoA high with prompt=login, so the broker runs it exactly as for a
// zorgapplicatie (means choice, means policy, the register lookup). When a means has identified
// the person, the broker hands the result to this client's completion in-process: the portal sets
// its own session and no code, token or verklaring is ever made for it (the portal runs inside Dezi
// and needs none), and it audits its own outcomes (portal.login, means.link).
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { exportJWK, generateKeyPair } from 'jose';
import type Provider from 'oidc-provider';
import type { ClientMetadata } from 'oidc-provider';
import { recordAudit } from '../audit/audit.ts';
import type { AuthenticatedLogin, LoginCompletion, RegistrationOffers } from '../broker/completion.ts';
import type { Database } from '../db/database.ts';
import { LOA, meetsLoa } from '../means/loa.ts';
import { RegisterError, type Register } from '../register/register.ts';
import { buttonGroup, linkButton } from '../web/components.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import type { Web } from '../web/web.ts';
import type { PortalPurpose, PortalState } from './sessions.ts';

export const PORTAL_CLIENT_ID = 'dezi-portal';
export const PORTAL_RETURN_PATH = '/mijn-dezi/terug';
/** Where a portal login that a means completed but the portal refuses says why (one page per reason). */
export const PORTAL_LOGIN_PROBLEM_PATH = '/mijn-dezi/niet-gelukt';

/** The portal's refusals after a means: status, and where "Terug" leads. */
const LOGIN_PROBLEMS = {
  login_expired: { status: 400, back: '/mijn-dezi' },
  loa_too_low: { status: 403, back: '/mijn-dezi' },
  person_inactive: { status: 403, back: '/' },
  unknown_means: { status: 403, back: '/registreren' },
  session_expired: { status: 403, back: '/mijn-dezi' },
  link_other_person: { status: 409, back: '/mijn-dezi' },
} as const;

type LoginProblem = keyof typeof LOGIN_PROBLEMS;

/** Where each kind of portal login lands. */
const LANDING: Record<PortalPurpose, string> = {
  'mijn-dezi': '/mijn-dezi',
  registreren: '/mijn-dezi',
  koppelen: '/mijn-dezi',
  abonnee: '/abonnee',
  beheer: '/beheer',
  wallet: '/mijn-dezi/wallet',
};

/**
 * Registers (or refreshes) the portal's client. Its keys are never used (no code is redeemed),
 * but Dezi's client rules ask every client for a signing and an encryption key.
 */
export async function ensurePortalClient(provider: Provider, issuer: string): Promise<void> {
  const { publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(publicKey);
  const metadata: ClientMetadata = {
    client_id: PORTAL_CLIENT_ID,
    client_name: 'Mijn Dezi',
    redirect_uris: [`${issuer}${PORTAL_RETURN_PATH}`],
    jwks: {
      keys: [
        { ...jwk, use: 'sig', kid: 'portal-sig' },
        { ...jwk, use: 'enc', alg: 'RSA-OAEP', kid: 'portal-enc' },
      ],
    } as ClientMetadata['jwks'],
    token_endpoint_auth_method: 'private_key_jwt',
    subject_type: 'public',
  };
  await provider.Client.validate(metadata);
  const client = new (
    provider.Client as unknown as new (m: ClientMetadata) => { metadata(): ClientMetadata }
  )(metadata);
  await (
    provider.Client as unknown as { adapter: { upsert(id: string, p: unknown): Promise<void> } }
  ).adapter.upsert(PORTAL_CLIENT_ID, client.metadata());
}

export interface PortalLoginDeps {
  issuer: string;
  db: Database;
  provider: Provider;
  register: Register;
  web: Web;
  state: PortalState;
}

export class PortalLogin implements LoginCompletion, RegistrationOffers {
  readonly clientId = PORTAL_CLIENT_ID;
  readonly #d: PortalLoginDeps;
  constructor(d: PortalLoginDeps) {
    this.#d = d;
  }

  /**
   * Sends the browser into a login through the broker; the state is bound to this browser. A means
   * id (the one the person chose to link) is passed as login_hint "means:<id>": the broker offers
   * it first.
   */
  async start(
    reply: FastifyReply,
    purpose: PortalPurpose,
    lang: Lang,
    personId: string | null = null,
    meansHint?: string,
    returnTo?: string,
  ): Promise<FastifyReply> {
    const state = await this.#d.state.startLogin(reply, purpose, personId, returnTo);
    // PKCE is required of every client; the verifier is not kept because no code is redeemed.
    const challenge = createHash('sha256').update(randomBytes(32)).digest('base64url');
    const url = new URL(`${this.#d.issuer}/authorize`);
    url.search = new URLSearchParams({
      client_id: PORTAL_CLIENT_ID,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: `${this.#d.issuer}${PORTAL_RETURN_PATH}`,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      acr_values: LOA.high,
      prompt: 'login',
      ui_locales: lang,
      ...(meansHint ? { login_hint: `means:${meansHint}` } : {}),
    }).toString();
    return reply.redirect(url.href, 303);
  }

  /**
   * A refusal, on a page of its own: this runs in the broker's means callback, which consumed
   * one-time input, so the page is not rendered there (reloading it, or switching its language,
   * would replay the callback) but redirected to.
   */
  #problem(reply: FastifyReply, key: LoginProblem) {
    return reply.redirect(`${PORTAL_LOGIN_PROBLEM_PATH}/${key}`, 303);
  }

  async complete(req: FastifyRequest, reply: FastifyReply, login: AuthenticatedLogin): Promise<void> {
    await this.#complete(req, reply, login);
  }

  async #complete(
    req: FastifyRequest,
    reply: FastifyReply,
    login: AuthenticatedLogin,
  ): Promise<FastifyReply> {
    let state: unknown;
    try {
      state = (await this.#d.provider.interactionDetails(req.raw, reply.raw)).params.state;
    } catch {
      state = undefined;
    }
    const flight = await this.#d.state.takeLogin(req, reply, state);
    if (!flight) return this.#problem(reply, 'login_expired');
    // The portal asks for LoA high; the broker enforced it, and this says so where it matters.
    if (!meetsLoa(login.loaAuthn, LOA.high)) return this.#problem(reply, 'loa_too_low');
    const { person, subject } = login;

    if (flight.purpose === 'koppelen') return this.#link(req, reply, login, flight.personId);

    if (person) {
      if (person.status !== 'active') return this.#problem(reply, 'person_inactive');
      await this.#d.state.startSession(reply, {
        personId: person.id,
        meansId: login.meansId,
        loaAuthn: login.loaAuthn,
      });
      await recordAudit(this.#d.db, {
        actor: { kind: 'person', deziNummer: person.deziNummer, clientId: PORTAL_CLIENT_ID },
        action: 'portal.login',
        outcome: 'success',
        clientId: PORTAL_CLIENT_ID,
        detail: { means: login.meansId, purpose: flight.purpose },
      });
      // returnTo was kept server-side by whoever started the login: never a URL from the request.
      return reply.redirect(flight.returnTo ?? LANDING[flight.purpose], 303);
    }
    // Not in the register (no BSN or Dezi-nummer in the record: the person has none yet).
    await recordAudit(this.#d.db, {
      actor: null,
      action: 'portal.login',
      outcome: 'failure',
      clientId: PORTAL_CLIENT_ID,
      detail: {
        reason: 'unknown_person',
        means: login.meansId,
        purpose: flight.purpose,
        registration_offered: subject?.kind === 'bsn',
      },
    });
    if (subject?.kind === 'bsn') {
      await this.#d.state.startRegistration(reply, {
        bsn: subject.bsn,
        meansId: login.meansId,
        loaAuthn: login.loaAuthn,
      });
      return reply.redirect('/registreren/gegevens', 303);
    }
    // A market means not linked to anyone: registering needs a BSN means (DigiD) first.
    return this.#problem(reply, 'unknown_means');
  }

  async #link(req: FastifyRequest, reply: FastifyReply, login: AuthenticatedLogin, personId: string | null) {
    const session = await this.#d.state.session(req);
    if (!session || !personId || session.personId !== personId)
      return this.#problem(reply, 'session_expired');
    const owner = (await this.#d.register.getPerson(personId))!;
    const { person, subject } = login;
    const audit = (outcome: 'success' | 'failure', reason: string | null) =>
      recordAudit(this.#d.db, {
        actor: { kind: 'person', deziNummer: owner.deziNummer, clientId: PORTAL_CLIENT_ID },
        action: 'means.link',
        outcome,
        clientId: PORTAL_CLIENT_ID,
        detail: { means: login.meansId, reason },
      });
    if (person && person.id !== personId) {
      await audit('failure', 'linked_to_another_person');
      return this.#problem(reply, 'link_other_person');
    }
    if (person || !subject || subject.kind !== 'linked') {
      // A BSN or UZI-nummer means already identifies the person through the register itself.
      await audit('failure', 'already_identifies');
      return reply.redirect('/mijn-dezi?melding=al-gekoppeld', 303);
    }
    try {
      await this.#d.register.linkMeans(personId, subject.meansId, subject.subject, {
        kind: 'person',
        deziNummer: owner.deziNummer,
        clientId: PORTAL_CLIENT_ID,
      });
    } catch (err) {
      if (!(err instanceof RegisterError)) throw err;
      await audit('failure', 'linked_to_another_person');
      return this.#problem(reply, 'link_other_person');
    }
    await audit('success', null);
    return reply.redirect('/mijn-dezi?melding=gekoppeld', 303);
  }

  async offer(_req: FastifyRequest, reply: FastifyReply, login: AuthenticatedLogin): Promise<boolean> {
    if (login.subject?.kind !== 'bsn' || !meetsLoa(login.loaAuthn, LOA.high)) return false;
    await this.#d.state.startRegistration(reply, {
      bsn: login.subject.bsn,
      meansId: login.meansId,
      loaAuthn: login.loaAuthn,
    });
    return true;
  }

  async offerHtml(req: FastifyRequest, lang: Lang): Promise<SafeHtml | null> {
    if (!(await this.#d.state.registration(req))) return null;
    return html`<p>${t(lang, 'portal.register.offer')}</p>
      ${buttonGroup(linkButton({ href: '/registreren/gegevens', label: t(lang, 'portal.register.offer_button') }))}`;
  }
}

/** The pages of the portal's refusals after a means (see PortalLogin's #problem). */
export async function portalLoginRoutes(app: FastifyInstance, d: { web: Web }): Promise<void> {
  app.get(`${PORTAL_LOGIN_PROBLEM_PATH}/:reason`, async (req, reply) => {
    const { reason: asked } = req.params as { reason: string };
    if (!Object.hasOwn(LOGIN_PROBLEMS, asked)) return reply.callNotFound();
    const reason = asked as LoginProblem;
    const { status, back } = LOGIN_PROBLEMS[reason];
    const lang = d.web.lang(req, reply);
    return d.web.renderProblem(req, reply, {
      status,
      titleKey: `portal.${reason}.title` as const,
      bodyKey: `portal.${reason}.body` as const,
      actions: buttonGroup(linkButton({ href: back, label: t(lang, 'portal.back'), variant: 'secondary' })),
    });
  });
}
