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
import { isLoa, loaLabel, meetsLoa, minimumLoaFrom, type LoA } from '../means/loa.ts';
import { MeansError, type MeansResult } from '../means/means.ts';
import type { MeansRegistry } from '../means/registry.ts';
import type { Employment, Person, Register } from '../register/register.ts';
import type { VerklaringService } from '../verklaring/verklaring.ts';
import { html } from '../web/html.ts';
import { t, type Lang, type MessageKey } from '../web/i18n.ts';
import type { Web } from '../web/web.ts';
import { TransactionStore, type BrokerTransaction } from './transactions.ts';

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
}

interface Interaction {
  uid: string;
  clientId: string;
  clientName: string;
  minimumLoa: LoA;
  prompt: string;
  session?: { accountId: string; acr?: string };
}

const UID = /^[A-Za-z0-9_-]{10,64}$/;

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
    const acrValues = typeof details.params.acr_values === 'string' ? details.params.acr_values : undefined;
    return {
      uid,
      clientId,
      clientName: client.clientName ?? clientId,
      minimumLoa: minimumLoaFrom(acrValues, d.defaultMinimumLoa),
      prompt: details.prompt.name,
      session: details.session?.accountId
        ? { accountId: details.session.accountId, acr: details.session.acr }
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

  function problem(
    req: FastifyRequest,
    reply: FastifyReply,
    i: Interaction,
    status: number,
    key:
      | 'unknown_person'
      | 'person_inactive'
      | 'no_employment'
      | 'means_failed'
      | 'means_cancelled'
      | 'means_unavailable',
  ) {
    const lang = web.lang(req, reply);
    const retry = key.startsWith('means_')
      ? html`<p><a class="button" href="/interaction/${i.uid}">${t(lang, 'error.try_again')}</a></p>`
      : '';
    return web.renderProblem(req, reply, {
      status,
      titleKey: `error.${key}.title` as MessageKey,
      bodyKey: `error.${key}.body` as MessageKey,
      actions: html`${retry}${cancelForm(i, lang)}`,
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
    grant.addOIDCScope('openid');
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
      { login: { accountId: person.id, acr: loaAuthn, remember: false }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
    return reply.redirect(redirectTo, 303);
  }

  /** After the person is known: skip the choice when there is one employment, else ask. */
  async function continueWithPerson(
    req: FastifyRequest,
    reply: FastifyReply,
    i: Interaction,
    person: Person | null,
    loaAuthn: LoA,
    meansId: string,
  ) {
    if (!person) {
      await recordAudit(d.db, {
        actor: null,
        action: 'login',
        outcome: 'failure',
        clientId: i.clientId,
        detail: { reason: 'unknown_person', means: meansId },
      });
      metrics.login(meansId, 'failure');
      return problem(req, reply, i, 403, 'unknown_person');
    }
    if (person.status !== 'active') {
      await recordAudit(d.db, {
        actor: person.deziNummer,
        action: 'login',
        outcome: 'failure',
        clientId: i.clientId,
        detail: { reason: `person_${person.status}`, means: meansId },
      });
      metrics.login(meansId, 'failure');
      return problem(req, reply, i, 403, 'person_inactive');
    }
    const employments = await d.register.activeEmployments(person.id);
    if (employments.length === 0) return problem(req, reply, i, 403, 'no_employment');
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

  function renderMeansPage(req: FastifyRequest, reply: FastifyReply, i: Interaction) {
    const lang = web.lang(req, reply);
    const offered = d.means.offered(i.minimumLoa);
    const body = html`<h1>${t(lang, 'login.title')}</h1>
      <p>${t(lang, 'login.intro', { client: i.clientName })}</p>
      ${
        offered.length === 0
          ? html`<div class="notice notice-error" role="alert"><p>${t(lang, 'login.none')}</p></div>`
          : html`<form method="post" action="/interaction/${i.uid}/means">
              ${csrfField(i)}
              <ul class="means-list">
                ${offered.map(
                  (m) =>
                    html`<li>
                      <button class="means-button" type="submit" name="means" value="${m.id}">
                        ${m.displayName[lang]}
                        <span class="means-meta">${t(lang, 'login.loa', { loa: loaLabel(m.loa) })}</span>
                      </button>
                    </li>`,
                )}
              </ul>
            </form>`
      }
      ${cancelForm(i, lang)}`;
    return web.render(req, reply, { lang, title: t(lang, 'login.title'), body });
  }

  app.get(
    '/interaction/:uid',
    route(async (req, reply, i) => {
      // A session from an earlier login (another zorgapplicatie, same browser) only needs the
      // choice of employment, unless this client asks for a higher level than it reached.
      if (
        i.prompt !== 'login' &&
        i.session &&
        isLoa(i.session.acr) &&
        meetsLoa(i.session.acr, i.minimumLoa)
      ) {
        const person = await d.register.getPerson(i.session.accountId);
        return continueWithPerson(req, reply, i, person, i.session.acr, 'session');
      }
      return renderMeansPage(req, reply, i);
    }),
  );

  app.post(
    '/interaction/:uid/means',
    route(async (req, reply, i) => {
      const chosen = (req.body as Record<string, unknown>).means;
      const means = typeof chosen === 'string' ? d.means.get(chosen) : undefined;
      if (!means || !meetsLoa(means.loa, i.minimumLoa)) return renderMeansPage(req, reply.code(400), i);
      const state = randomBytes(32).toString('base64url');
      await transactions.put(i.uid, { minimumLoa: i.minimumLoa, meansId: means.id, meansState: state });
      let redirectTo: string;
      try {
        ({ redirectTo } = await means.start({
          state,
          callbackUrl: `${d.issuer}/interaction/${i.uid}/callback/${means.id}`,
          minimumLoa: i.minimumLoa,
        }));
      } catch (err) {
        if (err instanceof MeansError) return problem(req, reply, i, 502, 'means_unavailable');
        throw err;
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
        return problem(req, reply, i, 400, 'means_failed');
      }
      let result: MeansResult;
      try {
        result = await means.finish({
          query: req.query as Record<string, string | undefined>,
          body: {},
          expectedState: tx.meansState,
          minimumLoa: tx.minimumLoa,
        });
      } catch (err) {
        if (!(err instanceof MeansError)) throw err;
        req.log.info({ means: meansId, kind: err.kind, reason: err.message }, 'means login failed');
        metrics.login(meansId, 'failure');
        await recordAudit(d.db, {
          actor: null,
          action: 'login',
          outcome: 'failure',
          clientId: i.clientId,
          detail: { reason: `means_${err.kind}`, means: meansId },
        });
        if (err.kind === 'cancelled') return problem(req, reply, i, 400, 'means_cancelled');
        if (err.kind === 'unavailable') return problem(req, reply, i, 502, 'means_unavailable');
        return problem(req, reply, i, 400, 'means_failed');
      }
      if (result.meansId !== meansId || !meetsLoa(result.loaAuthn, tx.minimumLoa)) {
        return problem(req, reply, i, 400, 'means_failed');
      }
      const person = await d.register.findPersonBySubject(result.subject);
      return continueWithPerson(req, reply, i, person, result.loaAuthn, meansId);
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
