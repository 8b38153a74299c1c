// The ontkoppelpunt: any recognised means in, one zorgidentiteit out. It runs oidc-provider's
// login interaction: "Hoe wilt u inloggen?" → the means → the register → "Waar werk je? Wat ben je?"
// → the grant. The BSN from a means is resolved to a person at once and goes no further.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { recordAudit } from '../audit/audit.ts';
import { isUnavailable } from '../db/database.ts';
import { metrics } from '../ops/metrics.ts';
import type { Database } from '../db/database.ts';
import { LOA, loaLabel, meetsLoa, minimumLoaFrom, type LoA } from '../means/loa.ts';
import { MeansError, type LoginMeans, type MeansResult, type MeansSubject } from '../means/means.ts';
import {
  formatPolicyDate,
  hintedMeans,
  meansVerdict,
  policyOf,
  sessionMeans,
  sessionSatisfies,
  type ClientMeansPolicy,
} from '../means/policy.ts';
import type { MeansRegistry } from '../means/registry.ts';
import type { Employment, Person, Register } from '../register/register.ts';
import type { VerklaringService } from '../verklaring/verklaring.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { t, type Lang, type MessageKey } from '../web/i18n.ts';
import { parseCookies, type Web } from '../web/web.ts';
import {
  TransactionStore,
  type BrokerOutcome,
  type BrokerProblem,
  type BrokerTransaction,
} from './transactions.ts';

export interface BrokerDeps {
  issuer: string;
  db: Database;
  provider: Provider;
  register: Register;
  means: MeansRegistry;
  verklaringen: VerklaringService;
  web: Web;
  interactionTtlSeconds: number;
  grantTtlSeconds: number;
  /** The level asked for when a zorgapplicatie sends no acr_values. */
  defaultMinimumLoa: LoA;
  /** The portals (src/portal/login.ts): Mijn Dezi's own logins, and self-registration. */
  portal?: BrokerPortalHook;
  /** The longest a means' start() or finish() may take before the person is offered another means. */
  meansTimeoutMs?: number;
}

/** What a means proved, handed to the portals before the broker looks for an employment. */
export interface AuthenticatedLogin {
  clientId: string;
  person: Person | null;
  subject: MeansSubject | null;
  loaAuthn: LoA;
  meansId: string;
}

export interface BrokerPortalHook {
  /** Takes over a login for the portals' own client; null leaves it to the broker. */
  afterMeans(
    req: FastifyRequest,
    reply: FastifyReply,
    login: AuthenticatedLogin,
  ): Promise<FastifyReply | null>;
  /**
   * For a person not in the register: prepares an offer to register, bound to this browser (the
   * means result goes no further than this call). Whether an offer was made.
   */
  offerRegistration(req: FastifyRequest, reply: FastifyReply, login: AuthenticatedLogin): Promise<boolean>;
  /**
   * The offer that offerRegistration made to this browser, in this language, while it still stands;
   * shown on the "unknown person" page, as often as that page is (reloaded, another language).
   */
  registrationOffer(req: FastifyRequest, lang: Lang): Promise<SafeHtml | null>;
}

interface Interaction {
  uid: string;
  clientId: string;
  clientName: string;
  minimumLoa: LoA;
  prompt: string;
  policy: ClientMeansPolicy;
  loginHint?: string;
  /** The scopes asked for, as oidc-provider checked them against the client's registration. */
  scope: string;
  session?: { accountId: string; acr?: string; amr?: string[] };
}

/** The device's preferred means: a means id only, nothing about the person. */
export const PREFERRED_MEANS_COOKIE = 'dezi_means';
const PREFERRED_MEANS_MAX_AGE = 400 * 24 * 3600; // the longest browsers keep a cookie

/** One means on "Hoe wilt u inloggen?" and how it can be used now. */
interface MeansOption {
  means: LoginMeans;
  state: 'available' | 'unavailable' | 'no_longer_accepted';
  since?: string;
  preferred?: 'device' | 'hint';
  linked?: boolean;
}

type PolicyRefusal =
  'means_not_accepted' | 'means_no_longer_accepted' | 'means_below_loa' | 'loa_unreachable';

/** Rejects with MeansError('unavailable') when an adapter takes longer than it may. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new MeansError('unavailable', `${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const UID = /^[A-Za-z0-9_-]{10,64}$/;

const PROBLEM_STATUS: Record<BrokerProblem, number> = {
  unknown_person: 403,
  person_inactive: 403,
  no_employment: 403,
  means_failed: 400,
  means_cancelled: 400,
};

const LOA_WORDS: Record<LoA, MessageKey> = {
  [LOA.low]: 'broker.loa.low',
  [LOA.substantial]: 'broker.loa.substantial',
  [LOA.high]: 'broker.loa.high',
};

class InteractionGone extends Error {}

/** What the broker recorded when it handed a login to the OpenID provider (read by userinfo). */
export async function loginForGrant(
  db: Database,
  grantId: string,
): Promise<{ personId: string; loaAuthn: string; verklaring: { id: string; jws: string } } | null> {
  const [row] = await db.query<{ person_id: string; loa_authn: string; verklaring_id: string; jws: string }>(
    `SELECT l.person_id, l.loa_authn, l.verklaring_id, v.jws
     FROM broker_logins l JOIN verklaringen v ON v.id = l.verklaring_id
     JOIN persons p ON p.id = l.person_id
     WHERE l.grant_id = $1 AND l.expires_at > now() AND p.status = 'active'
       AND v.status = 'active' AND v.expires_at > now()`,
    [grantId],
  );
  if (!row) return null;
  return {
    personId: row.person_id,
    loaAuthn: row.loa_authn,
    verklaring: { id: row.verklaring_id, jws: row.jws },
  };
}

export async function brokerRoutes(app: FastifyInstance, d: BrokerDeps): Promise<void> {
  const transactions = new TransactionStore(d.db, d.interactionTtlSeconds);
  const { web } = d;

  async function interaction(req: FastifyRequest, reply: FastifyReply): Promise<Interaction> {
    const { uid } = req.params as { uid: string };
    if (!UID.test(uid)) throw new InteractionGone();
    let details;
    try {
      details = await d.provider.interactionDetails(req.raw, reply.raw);
    } catch (err) {
      if (isUnavailable(err)) throw err; // a 503, not "your session expired"
      throw new InteractionGone(); // no interaction cookie, or the interaction expired
    }
    if (details.uid !== uid) throw new InteractionGone();
    const clientId = String(details.params.client_id);
    const client = await d.provider.Client.find(clientId);
    if (!client) throw new InteractionGone();
    // oidc-provider has already put the client's default_acr_values here when the request had none.
    const acrValues = typeof details.params.acr_values === 'string' ? details.params.acr_values : undefined;
    return {
      uid,
      clientId,
      clientName: client.clientName ?? clientId,
      minimumLoa: minimumLoaFrom(acrValues, d.defaultMinimumLoa),
      prompt: details.prompt.name,
      policy: policyOf(client.metadata() as Record<string, unknown>),
      loginHint: typeof details.params.login_hint === 'string' ? details.params.login_hint : undefined,
      scope: typeof details.params.scope === 'string' ? details.params.scope : 'openid',
      session: details.session?.accountId
        ? {
            accountId: details.session.accountId,
            acr: details.session.acr,
            amr: details.session.amr as string[] | undefined,
          }
        : undefined,
    };
  }

  /** Wraps a route: a stale or foreign interaction gets a readable page, not an error. */
  function route(fn: (req: FastifyRequest, reply: FastifyReply, i: Interaction) => Promise<FastifyReply>) {
    return async (req: FastifyRequest, reply: FastifyReply) => {
      let i: Interaction;
      try {
        i = await interaction(req, reply);
      } catch (err) {
        if (!(err instanceof InteractionGone)) throw err;
        return web.renderProblem(req, reply, {
          status: 400,
          titleKey: 'error.session_expired.title',
          bodyKey: 'error.session_expired.body',
        });
      }
      if (req.method === 'POST') {
        const body = (req.body ?? {}) as Record<string, unknown>;
        if (!web.sameOrigin(req, d.issuer) || !web.verifyCsrf(`interaction:${i.uid}`, body.csrf)) {
          return web.renderProblem(req, reply, {
            status: 403,
            titleKey: 'error.bad_request.title',
            bodyKey: 'error.bad_request.body',
          });
        }
      }
      return fn(req, reply, i);
    };
  }

  function csrfField(i: Interaction) {
    return html`<input type="hidden" name="csrf" value="${web.csrfToken(`interaction:${i.uid}`)}" />`;
  }

  function cancelForm(i: Interaction, lang: Lang) {
    return html`<form method="post" action="/interaction/${i.uid}/annuleren">
      ${csrfField(i)}
      <button class="link-button" type="submit">${t(lang, 'login.cancel', { client: i.clientName })}</button>
    </form>`;
  }

  /**
   * Ends a step that consumed one-time input (a means callback: its state, and the artifact, code or
   * result it carried) with the outcome stored in the transaction and a redirect to the page that
   * shows it (Post/Redirect/Get): that page can be reloaded, or switched to another language, and
   * shows the same outcome without the callback being replayed.
   */
  async function showOutcome(reply: FastifyReply, i: Interaction, outcome: BrokerOutcome) {
    await transactions.setOutcome(i.uid, i.minimumLoa, outcome);
    return reply.redirect(`/interaction/${i.uid}/uitkomst`, 303);
  }

  function problemPage(
    req: FastifyRequest,
    reply: FastifyReply,
    i: Interaction,
    key: BrokerProblem,
    extra?: SafeHtml | null,
  ) {
    const lang = web.lang(req, reply);
    const retry = key.startsWith('means_')
      ? html`<p><a class="button" href="/interaction/${i.uid}">${t(lang, 'error.try_again')}</a></p>`
      : '';
    return web.renderProblem(req, reply, {
      status: PROBLEM_STATUS[key],
      titleKey: `error.${key}.title` as MessageKey,
      bodyKey: `error.${key}.body` as MessageKey,
      actions: html`${extra ?? ''}${retry}${cancelForm(i, lang)}`,
    });
  }

  async function finishLogin(
    req: FastifyRequest,
    reply: FastifyReply,
    i: Interaction,
    person: Person,
    employment: Employment,
    loaAuthn: LoA,
    meansId: string,
  ) {
    const verklaring = await d.verklaringen.forEmployment(person, employment);
    const grant = new d.provider.Grant({ accountId: person.id, clientId: i.clientId });
    grant.addOIDCScope(i.scope);
    const grantId = await grant.save();
    await d.db.query(
      `INSERT INTO broker_logins (grant_id, client_id, person_id, employment_id, verklaring_id, means_id, loa_authn, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))`,
      [grantId, i.clientId, person.id, employment.id, verklaring.id, meansId, loaAuthn, d.grantTtlSeconds],
    );
    await transactions.delete(i.uid);
    await recordAudit(d.db, {
      actor: person.deziNummer,
      action: 'login',
      outcome: 'success',
      abonneeNummer: employment.abonnee.abonneeNummer,
      clientId: i.clientId,
      detail: {
        means: meansId,
        loa_authn: loaAuthn,
        verklaring_id: verklaring.id,
        rol_code: employment.rolCode,
      },
    });
    metrics.login(meansId, 'success');
    const redirectTo = await d.provider.interactionResult(
      req.raw,
      reply.raw,
      {
        // amr carries the means id in the session (never in a token: the ID token's claims omit
        // amr), so that a later request can tell whether its client accepts the session's means.
        login: {
          accountId: person.id,
          acr: loaAuthn,
          ...(meansId === 'session' ? {} : { amr: [meansId] }),
          remember: false,
        },
        consent: { grantId },
      },
      { mergeWithLastSubmission: false },
    );
    return reply.redirect(redirectTo, 303);
  }

  /** A login that stopped after the means: one audit record (no personal data beyond the actor) and the counter. */
  async function loginRefused(
    i: Interaction,
    meansId: string,
    detail: Record<string, unknown> & { reason: string },
    actor: string | null = null,
  ) {
    metrics.login(meansId, 'failure');
    await recordAudit(d.db, {
      actor,
      action: 'login',
      outcome: 'failure',
      clientId: i.clientId,
      detail: { ...detail, means: meansId },
    });
  }

  /** After the person is known: skip the choice when there is one employment, else ask. */
  async function continueWithPerson(
    req: FastifyRequest,
    reply: FastifyReply,
    i: Interaction,
    person: Person | null,
    loaAuthn: LoA,
    meansId: string,
    subject: MeansSubject | null = null,
  ) {
    const login = { clientId: i.clientId, person, subject, loaAuthn, meansId };
    const takenOver = await d.portal?.afterMeans(req, reply, login);
    if (takenOver) return takenOver;
    if (!person) {
      await loginRefused(i, meansId, { reason: 'unknown_person' });
      const registrationOffered = (await d.portal?.offerRegistration(req, reply, login)) ?? false;
      return showOutcome(reply, i, { kind: 'problem', problem: 'unknown_person', registrationOffered });
    }
    if (person.status !== 'active') {
      await loginRefused(i, meansId, { reason: `person_${person.status}` }, person.deziNummer);
      return showOutcome(reply, i, { kind: 'problem', problem: 'person_inactive' });
    }
    const employments = await d.register.activeEmployments(person.id);
    if (employments.length === 0) return showOutcome(reply, i, { kind: 'problem', problem: 'no_employment' });
    if (employments.length === 1)
      return finishLogin(req, reply, i, person, employments[0]!, loaAuthn, meansId);
    await transactions.put(i.uid, {
      minimumLoa: i.minimumLoa,
      personId: person.id,
      loaAuthn,
      authenticatedWith: meansId,
    });
    return reply.redirect(`/interaction/${i.uid}/kies`, 303);
  }

  /** Every enabled means this client accepts at this level, with its state now; preferred first. */
  async function meansOptions(req: FastifyRequest, i: Interaction): Promise<MeansOption[]> {
    const now = Date.now();
    const hinted = hintedMeans(i.loginHint);
    const remembered = parseCookies(req.headers.cookie)[PREFERRED_MEANS_COOKIE];
    const linked = i.session ? new Set(await d.register.linkedMeansIds(i.session.accountId)) : new Set();
    const options = await Promise.all(
      d.means
        .enabled()
        .filter((m) => meetsLoa(m.loa, i.minimumLoa))
        .map(async (means): Promise<MeansOption | null> => {
          const verdict = meansVerdict(i.policy, means.id, now);
          const preferred: MeansOption['preferred'] =
            means.id === hinted ? 'hint' : means.id === remembered ? 'device' : undefined;
          const common = { means, ...(preferred ? { preferred } : {}), linked: linked.has(means.id) };
          if (!verdict.accepted) {
            return verdict.reason === 'no_longer_accepted'
              ? { ...common, state: 'no_longer_accepted', since: verdict.since }
              : null;
          }
          return { ...common, state: (await d.means.isUp(means.id)) ? 'available' : 'unavailable' };
        }),
    );
    const rank = (o: MeansOption) =>
      o.preferred === 'hint' ? 0 : o.preferred === 'device' ? 1 : o.linked ? 2 : 3;
    // A stable sort: within a rank, the registry's order.
    return options.filter((o): o is MeansOption => o !== null).sort((a, b) => rank(a) - rank(b));
  }

  async function policyRefusal(i: Interaction, reason: PolicyRefusal, meansId: string | null) {
    await recordAudit(d.db, {
      actor: null,
      action: 'login.policy',
      outcome: 'failure',
      clientId: i.clientId,
      detail: { reason, means: meansId, minimum_loa: i.minimumLoa },
    });
  }

  /** No means this client accepts reaches the level it asks for: the client hears so at once. */
  async function loaUnreachable(req: FastifyRequest, reply: FastifyReply, i: Interaction) {
    await policyRefusal(i, 'loa_unreachable', null);
    req.log.info({ client: i.clientId, minimum_loa: i.minimumLoa }, 'no accepted means reaches the level');
    await transactions.delete(i.uid);
    const redirectTo = await d.provider.interactionResult(
      req.raw,
      reply.raw,
      {
        error: 'access_denied',
        error_description: `no login means accepted for this client reaches ${i.minimumLoa}`,
      },
      { mergeWithLastSubmission: false },
    );
    return reply.redirect(redirectTo, 303);
  }

  function meansButton(i: Interaction, o: MeansOption, lang: Lang) {
    const notes = [
      o.preferred === 'hint' ? t(lang, 'policy.hinted', { client: i.clientName }) : null,
      o.preferred === 'device' ? t(lang, 'policy.preferred') : null,
      o.linked ? t(lang, 'policy.linked') : null,
      t(lang, 'login.loa', { loa: t(lang, `loa.${loaLabel(o.means.loa)}`) }),
    ].filter((n): n is string => n !== null);
    return html`<li>
      <button
        class="means-button${o.preferred ? ' means-preferred' : ''}"
        type="submit"
        name="means"
        value="${o.means.id}"
      >
        ${o.means.logo ? html`<img class="means-logo" src="${o.means.logo}" alt="" />` : ''}
        ${o.means.displayName[lang]} ${notes.map((n) => html`<span class="means-meta">${n}</span>`)}
      </button>
    </li>`;
  }

  function unusableItem(o: MeansOption, lang: Lang) {
    const why =
      o.state === 'unavailable'
        ? t(lang, 'policy.unavailable')
        : t(lang, 'policy.no_longer_accepted.short', { date: formatPolicyDate(o.since!, lang) });
    return html`<li class="means-unusable">
      ${o.means.displayName[lang]} <span class="means-meta">${why}</span>
    </li>`;
  }

  /** The buttons for the usable means (one form, the interaction's CSRF token). */
  function meansForm(i: Interaction, usable: MeansOption[], lang: Lang) {
    return html`<form method="post" action="/interaction/${i.uid}/means">
      ${csrfField(i)}
      <ul class="means-list">
        ${usable.map((o) => meansButton(i, o, lang))}
      </ul>
    </form>`;
  }

  function unusableList(unusable: MeansOption[], lang: Lang) {
    if (unusable.length === 0) return '';
    return html`<h2 class="means-unusable-title">${t(lang, 'policy.unavailable.legend')}</h2>
      <ul class="means-list">
        ${unusable.map((o) => unusableItem(o, lang))}
      </ul>`;
  }

  async function renderMeansPage(req: FastifyRequest, reply: FastifyReply, i: Interaction) {
    const lang = web.lang(req, reply);
    const options = await meansOptions(req, i);
    if (!options.some((o) => o.state !== 'no_longer_accepted')) {
      // Nothing this client accepts reaches the level (a means that is down still counts: it may return).
      return loaUnreachable(req, reply, i);
    }
    const usable = options.filter((o) => o.state === 'available');
    const unusable = options.filter((o) => o.state !== 'available');
    // The means the person would have picked (device or login_hint) is explained first.
    const notices = unusable
      .filter((o) => o.preferred)
      .map((o) =>
        o.state === 'unavailable'
          ? t(lang, 'policy.unavailable.notice', { means: o.means.displayName[lang] })
          : t(lang, 'policy.no_longer_accepted', {
              means: o.means.displayName[lang],
              date: formatPolicyDate(o.since!, lang),
            }),
      );
    const body = html`<h1>${t(lang, 'login.title')}</h1>
      <p>${t(lang, 'login.intro', { client: i.clientName })}</p>
      ${notices.map((n) => html`<div class="notice notice-warning"><p>${n}</p></div>`)}
      ${
        usable.length === 0
          ? html`<div class="notice notice-error" role="alert"><p>${t(lang, 'login.none')}</p></div>
              <p><a class="button" href="/interaction/${i.uid}">${t(lang, 'error.try_again')}</a></p>`
          : meansForm(i, usable, lang)
      }
      ${unusableList(unusable, lang)} ${cancelForm(i, lang)}`;
    return web.render(req, reply, { lang, title: t(lang, 'login.title'), body });
  }

  /** A page that explains why the login cannot go on this way, with a way on. */
  function explain(
    req: FastifyRequest,
    reply: FastifyReply,
    i: Interaction,
    o: { status: number; title: string; text: string; actions?: SafeHtml },
  ) {
    const lang = web.lang(req, reply);
    const body = html`<h1>${o.title}</h1>
      <div class="notice notice-error" role="alert"><p>${o.text}</p></div>
      ${o.actions ?? ''} ${cancelForm(i, lang)}`;
    return web.render(req, reply, { lang, status: o.status, title: o.title, body });
  }

  /**
   * A means failed as unavailable (down, or its upstream did not answer in time): the same login
   * goes on with another means, offered on the outcome page.
   */
  async function fallback(reply: FastifyReply, i: Interaction, failed: LoginMeans) {
    d.means.reportUnavailable(failed.id);
    return showOutcome(reply, i, { kind: 'means_unavailable', meansId: failed.id });
  }

  /** The name of a means on a page; its id should it have been disabled since. */
  function meansName(meansId: string, lang: Lang): string {
    return d.means.get(meansId)?.displayName[lang] ?? meansId;
  }

  /** The other means that are up, as on "Hoe wilt u inloggen?" (accepted, at this level). */
  async function otherUsableMeans(req: FastifyRequest, i: Interaction, failedId: string) {
    return (await meansOptions(req, i)).filter((o) => o.means.id !== failedId && o.state === 'available');
  }

  async function fallbackPage(req: FastifyRequest, reply: FastifyReply, i: Interaction, failedId: string) {
    const lang = web.lang(req, reply);
    const usable = await otherUsableMeans(req, i, failedId);
    const name = meansName(failedId, lang);
    const body = html`<h1>${t(lang, 'error.means_unavailable.title')}</h1>
      <div class="notice notice-error" role="alert">
        <p>${t(lang, usable.length ? 'policy.fallback.body' : 'policy.fallback.none', { means: name })}</p>
      </div>
      ${
        usable.length
          ? html`<h2>${t(lang, 'policy.fallback.alternatives')}</h2>
              ${meansForm(i, usable, lang)}`
          : html`<p><a class="button" href="/interaction/${i.uid}">${t(lang, 'error.try_again')}</a></p>`
      }
      ${cancelForm(i, lang)}`;
    // With a way on it is a step of the login (200); without one, the service is unavailable.
    return web.render(req, reply, {
      lang,
      status: usable.length ? 200 : 503,
      title: t(lang, 'error.means_unavailable.title'),
      body,
    });
  }

  /**
   * The means logged the person in, but below the level this login asks for: a refusal of its own
   * (audited, counted), and the means that reach the level to go on with the same login.
   */
  async function loaTooLow(
    reply: FastifyReply,
    i: Interaction,
    tx: BrokerTransaction,
    meansId: string,
    reached: LoA | null,
  ) {
    await loginRefused(i, meansId, {
      reason: 'means_loa_too_low',
      loa_authn: reached,
      minimum_loa: tx.minimumLoa,
    });
    return showOutcome(reply, i, { kind: 'loa_too_low', meansId, reached });
  }

  async function loaTooLowPage(
    req: FastifyRequest,
    reply: FastifyReply,
    i: Interaction,
    tx: BrokerTransaction,
    outcome: { meansId: string; reached: LoA | null },
  ) {
    const lang = web.lang(req, reply);
    // The means that just answered too low is not offered again: this person's account with it
    // does not reach the level. "Hoe wilt u inloggen?" still lists it.
    const usable = await otherUsableMeans(req, i, outcome.meansId);
    const required = t(lang, LOA_WORDS[tx.minimumLoa]);
    const title = t(lang, 'broker.loa_too_low.title');
    const vars = { means: meansName(outcome.meansId, lang), client: i.clientName, required };
    const text = outcome.reached
      ? t(lang, 'broker.loa_too_low.body', { ...vars, reached: t(lang, LOA_WORDS[outcome.reached]) })
      : t(lang, 'broker.loa_too_low.body_unknown', vars);
    const body = html`<h1>${title}</h1>
      <div class="notice notice-error" role="alert"><p>${text}</p></div>
      ${
        usable.length
          ? html`<h2>${t(lang, 'broker.loa_too_low.alternatives', { required })}</h2>
              ${meansForm(i, usable, lang)}`
          : html`<p>${t(lang, 'broker.loa_too_low.none')}</p>
              <p><a class="button" href="/interaction/${i.uid}">${t(lang, 'error.try_again')}</a></p>`
      }
      ${cancelForm(i, lang)}`;
    return web.render(req, reply, { lang, status: 400, title, body });
  }

  const meansTimeoutMs = d.meansTimeoutMs ?? 10_000;

  app.get(
    '/interaction/:uid',
    route(async (req, reply, i) => {
      // A session from an earlier login (another zorgapplicatie, same browser) only needs the
      // choice of employment, unless this client asks for a higher level than it reached or does
      // not accept the means it was made with (then oidc-provider asks for a login, too).
      if (
        i.prompt !== 'login' &&
        i.session &&
        sessionSatisfies(i.session, i.policy, i.minimumLoa, Date.now())
      ) {
        const person = await d.register.getPerson(i.session.accountId);
        const meansId = sessionMeans(i.session.amr) ?? 'session';
        return continueWithPerson(req, reply, i, person, i.session.acr as LoA, meansId);
      }
      return renderMeansPage(req, reply, i);
    }),
  );

  app.post(
    '/interaction/:uid/means',
    route(async (req, reply, i) => {
      const chosen = (req.body as Record<string, unknown>).means;
      const means = typeof chosen === 'string' && d.means.isEnabled(chosen) ? d.means.get(chosen) : undefined;
      if (!means) return await renderMeansPage(req, reply.code(400), i);
      const lang = web.lang(req, reply);
      // Checked again here: the page offered only acceptable means, but a form can be edited or stale.
      const verdict = meansVerdict(i.policy, means.id, Date.now());
      if (!verdict.accepted || !meetsLoa(means.loa, i.minimumLoa)) {
        const reason: PolicyRefusal = !verdict.accepted
          ? verdict.reason === 'no_longer_accepted'
            ? 'means_no_longer_accepted'
            : 'means_not_accepted'
          : 'means_below_loa';
        await policyRefusal(i, reason, means.id);
        req.log.info({ client: i.clientId, means: means.id, reason }, 'means refused by policy');
        return explain(req, reply, i, {
          status: 403,
          title: t(lang, 'policy.refused.title'),
          text:
            !verdict.accepted && verdict.reason === 'no_longer_accepted'
              ? t(lang, 'policy.no_longer_accepted', {
                  means: means.displayName[lang],
                  date: formatPolicyDate(verdict.since, lang),
                })
              : t(lang, 'policy.refused.body'),
          actions: html`<p>
            <a class="button" href="/interaction/${i.uid}">${t(lang, 'policy.choose_other')}</a>
          </p>`,
        });
      }
      if (!(await d.means.isUp(means.id))) return fallback(reply, i, means);
      const state = randomBytes(32).toString('base64url');
      await transactions.put(i.uid, { minimumLoa: i.minimumLoa, meansId: means.id, meansState: state });
      let redirectTo: string;
      try {
        ({ redirectTo } = await withDeadline(
          means.start({
            state,
            callbackUrl: `${d.issuer}/interaction/${i.uid}/callback/${means.id}`,
            minimumLoa: i.minimumLoa,
          }),
          meansTimeoutMs,
          `${means.id} start`,
        ));
      } catch (err) {
        if (!(err instanceof MeansError)) throw err;
        req.log.info({ means: means.id, kind: err.kind, reason: err.message }, 'means could not start');
        return fallback(reply, i, means);
      }
      return reply.redirect(redirectTo, 303);
    }),
  );

  app.get(
    '/interaction/:uid/callback/:meansId',
    route(async (req, reply, i) => {
      const { meansId } = req.params as { meansId: string };
      const means = d.means.get(meansId);
      const tx = means ? await transactions.takeMeansState(i.uid, meansId) : null;
      if (!means || !tx?.meansState) {
        return showOutcome(reply, i, { kind: 'problem', problem: 'means_failed' });
      }
      let result: MeansResult;
      try {
        result = await withDeadline(
          means.finish({
            query: req.query as Record<string, string | undefined>,
            body: {},
            expectedState: tx.meansState,
            minimumLoa: tx.minimumLoa,
          }),
          meansTimeoutMs,
          `${meansId} finish`,
        );
      } catch (err) {
        if (!(err instanceof MeansError)) throw err;
        req.log.info({ means: meansId, kind: err.kind, reason: err.message }, 'means login failed');
        if (err.kind === 'insufficient_loa') return loaTooLow(reply, i, tx, meansId, err.reached ?? null);
        await loginRefused(i, meansId, { reason: `means_${err.kind}` });
        if (err.kind === 'cancelled')
          return showOutcome(reply, i, { kind: 'problem', problem: 'means_cancelled' });
        if (err.kind === 'unavailable') return fallback(reply, i, means);
        return showOutcome(reply, i, { kind: 'problem', problem: 'means_failed' });
      }
      if (result.meansId !== meansId) {
        // An adapter answering for another means: a fault, not something the person can change.
        req.log.warn({ means: meansId, answered: result.meansId }, 'means answered as another means');
        await loginRefused(i, meansId, { reason: 'means_mismatch' });
        return showOutcome(reply, i, { kind: 'problem', problem: 'means_failed' });
      }
      if (!meetsLoa(result.loaAuthn, tx.minimumLoa)) {
        req.log.info(
          { means: meansId, loa_authn: result.loaAuthn, minimum_loa: tx.minimumLoa },
          'means answered below the level',
        );
        return loaTooLow(reply, i, tx, meansId, result.loaAuthn);
      }
      // Remembered on this device for next time: the means id, nothing about the person.
      reply.header(
        'set-cookie',
        web.cookieHeader(PREFERRED_MEANS_COOKIE, meansId, {
          maxAge: PREFERRED_MEANS_MAX_AGE,
          path: '/interaction',
        }),
      );
      const person = await d.register.findPersonBySubject(result.subject);
      return continueWithPerson(req, reply, i, person, result.loaAuthn, meansId, result.subject);
    }),
  );

  // The outcome of the last callback (see showOutcome): the same page as often as it is asked for.
  app.get(
    '/interaction/:uid/uitkomst',
    route(async (req, reply, i) => {
      const tx = await transactions.get(i.uid);
      const outcome = tx?.outcome;
      if (!tx || !outcome) return reply.redirect(`/interaction/${i.uid}`, 303);
      switch (outcome.kind) {
        case 'problem': {
          const offer = outcome.registrationOffered
            ? await d.portal?.registrationOffer(req, web.lang(req))
            : null;
          return problemPage(req, reply, i, outcome.problem, offer);
        }
        case 'means_unavailable':
          return fallbackPage(req, reply, i, outcome.meansId);
        case 'loa_too_low':
          return loaTooLowPage(req, reply, i, tx, outcome);
      }
    }),
  );

  async function chosenPerson(i: Interaction): Promise<{ tx: BrokerTransaction; person: Person } | null> {
    const tx = await transactions.get(i.uid);
    if (!tx?.personId || !tx.loaAuthn || !tx.authenticatedWith) return null;
    const person = await d.register.getPerson(tx.personId);
    return person && person.status === 'active' ? { tx, person } : null;
  }

  function renderChoice(
    req: FastifyRequest,
    reply: FastifyReply,
    i: Interaction,
    employments: Employment[],
    invalid: boolean,
  ) {
    const lang = web.lang(req, reply);
    const body = html`<h1>${t(lang, 'choose.title')}</h1>
<p>${t(lang, 'choose.intro', { client: i.clientName })}</p>
${invalid ? html`<div class="notice notice-error" role="alert" id="choice-error"><p class="error-message">${t(lang, 'choose.required')}</p></div>` : ''}
<form method="post" action="/interaction/${i.uid}/kies">${csrfField(i)}
<fieldset${invalid ? html` aria-describedby="choice-error"` : ''}>
<legend>${t(lang, 'choose.legend')}</legend>
<ul class="choice-list">${employments.map(
      (e, n) =>
        html`<li class="choice">
          <input type="radio" name="employment" id="employment-${n}" value="${e.id}" required />
          <label for="employment-${n}"
            >${e.abonnee.naam}
            <span class="choice-sub"
              >${e.rolNaam ? `${e.rolNaam} (${e.rolCode})` : t(lang, 'choose.norole')}</span
            >
            <span class="choice-sub">URA ${e.abonnee.abonneeNummer}</span></label
          >
        </li>`,
    )}</ul>
</fieldset>
<button class="button" type="submit">${t(lang, 'choose.submit')}</button>
</form>
${cancelForm(i, lang)}`;
    return web.render(req, reply.code(invalid ? 400 : 200), { lang, title: t(lang, 'choose.title'), body });
  }

  app.get(
    '/interaction/:uid/kies',
    route(async (req, reply, i) => {
      const chosen = await chosenPerson(i);
      if (!chosen) return reply.redirect(`/interaction/${i.uid}`, 303);
      return renderChoice(req, reply, i, await d.register.activeEmployments(chosen.person.id), false);
    }),
  );

  app.post(
    '/interaction/:uid/kies',
    route(async (req, reply, i) => {
      const chosen = await chosenPerson(i);
      if (!chosen) return reply.redirect(`/interaction/${i.uid}`, 303);
      const employmentId = (req.body as Record<string, unknown>).employment;
      const employment =
        typeof employmentId === 'string'
          ? await d.register.activeEmployment(chosen.person.id, employmentId)
          : null;
      if (!employment) {
        return renderChoice(req, reply, i, await d.register.activeEmployments(chosen.person.id), true);
      }
      return finishLogin(
        req,
        reply,
        i,
        chosen.person,
        employment,
        chosen.tx.loaAuthn!,
        chosen.tx.authenticatedWith!,
      );
    }),
  );

  app.post(
    '/interaction/:uid/annuleren',
    route(async (req, reply, i) => {
      await transactions.delete(i.uid);
      const redirectTo = await d.provider.interactionResult(
        req.raw,
        reply.raw,
        { error: 'access_denied', error_description: 'the person cancelled the login' },
        { mergeWithLastSubmission: false },
      );
      return reply.redirect(redirectTo, 303);
    }),
  );
}
