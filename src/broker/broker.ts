// The ontkoppelpunt: any recognised means in, one zorgidentiteit out. It runs oidc-provider's
// login interaction: "Hoe wilt u inloggen?" → the means → the register → "Waar werk je? Wat ben je?"
// → the grant. The BSN from a means is resolved to a person at once and goes no further.
//
// The routes only compose: the checks are steps (steps/*.ts, each throwing a LoginRefused), the
// pages are renderers (pages/*.ts), and every way a login ends passes through one OutcomeRecorder,
// so that each success and each refusal is audited and counted exactly once.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Database } from '../db/database.ts';
import { meetsLoa, type LoA } from '../means/loa.ts';
import { MeansError } from '../means/means.ts';
import { meansVerdict, sessionMeans, sessionSatisfies } from '../means/policy.ts';
import type { MeansRegistry } from '../means/registry.ts';
import type { Employment, MandateStatement, Person, Register } from '../register/register.ts';
import type { VerklaringService } from '../verklaring/verklaring.ts';
import { csrfGuard } from '../web/csrf.ts';
import type { Web } from '../web/web.ts';
import type { AuthenticatedLogin, LoginCompletion, RegistrationOffers } from './completion.ts';
import { INTERACTION_UID, InteractionGone, loadInteraction, type Interaction } from './interaction.ts';
import { recordHandedLogin } from './logins.ts';
import { meansOptions, PREFERRED_MEANS_COOKIE, PREFERRED_MEANS_MAX_AGE } from './means-options.ts';
import { LoginRefused, OutcomeRecorder, type PolicyReason } from './outcomes.ts';
import { choicePage } from './pages/choice.ts';
import { interactionBinding } from './pages/common.ts';
import { chosenMandateId } from './pages/mandate-choices.ts';
import { meansPage, policyRefusedPage } from './pages/means.ts';
import { fallbackPage, loaTooLowPage, problemPage } from './pages/outcome.ts';
import { answeredAsItself } from './steps/answered-as-itself.ts';
import { credentialEmployment } from './steps/credential-employment.ts';
import { withDeadline } from './steps/deadline.ts';
import { hasEmployment } from './steps/has-employment.ts';
import { levelReached } from './steps/level-reached.ts';
import { meansFinished } from './steps/means-finished.ts';
import { meansStateExpected } from './steps/means-state-expected.ts';
import { personActive } from './steps/person-active.ts';
import { personKnown } from './steps/person-known.ts';
import { TransactionStore } from './transactions.ts';

export { withDeadline } from './steps/deadline.ts';
export { loginForGrant, purgeBroker } from './logins.ts';
export { PREFERRED_MEANS_COOKIE } from './means-options.ts';
export type { AuthenticatedLogin, LoginCompletion, RegistrationOffers } from './completion.ts';

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
  /** First-party clients that finish their logins themselves (the portals). */
  completions?: LoginCompletion[];
  /** Self-registration offered to a person the register does not know. */
  registration?: RegistrationOffers;
  /** The longest a means' start() or finish() may take before the person is offered another means. */
  meansTimeoutMs?: number;
}

export async function brokerRoutes(app: FastifyInstance, d: BrokerDeps): Promise<void> {
  const { web } = d;
  const transactions = new TransactionStore(d.db, d.interactionTtlSeconds);
  const outcomes = new OutcomeRecorder(d.db);
  const completions = new Map((d.completions ?? []).map((c) => [c.clientId, c]));
  const meansTimeoutMs = d.meansTimeoutMs ?? 10_000;

  // Every form of an interaction carries its CSRF token; checked here for all of them.
  app.addHook(
    'preHandler',
    csrfGuard(web, d.issuer, (req) => {
      const { uid } = (req.params ?? {}) as { uid?: string };
      return uid && INTERACTION_UID.test(uid) ? interactionBinding(uid) : null;
    }),
  );

  /** Wraps a route: a stale or foreign interaction gets a readable page, not an error. */
  function route(fn: (req: FastifyRequest, reply: FastifyReply, i: Interaction) => Promise<FastifyReply>) {
    return async (req: FastifyRequest, reply: FastifyReply) => {
      let i: Interaction;
      try {
        i = await loadInteraction(d.provider, req, reply, d.defaultMinimumLoa);
      } catch (err) {
        if (!(err instanceof InteractionGone)) throw err;
        return web.renderProblem(req, reply, {
          status: err.status,
          titleKey: err.page.title,
          bodyKey: err.page.body,
        });
      }
      return fn(req, reply, i);
    };
  }

  /**
   * Ends a login that stopped: the one audit record and count, then the outcome stored in the
   * transaction and a redirect to the page that shows it (Post/Redirect/Get). A step that consumed
   * one-time input (a means callback) must not render in place: that page can be reloaded or
   * switched to another language, and shows the same outcome without the callback being replayed.
   */
  async function refuse(
    req: FastifyRequest,
    reply: FastifyReply,
    i: Interaction,
    meansId: string | null,
    refusal: LoginRefused,
    login?: AuthenticatedLogin,
  ) {
    const cause = refusal.cause;
    if (cause instanceof MeansError) {
      req.log.info({ means: meansId, kind: cause.kind, reason: cause.message }, 'means login failed');
    } else if (refusal.reason === 'means_mismatch') {
      // A fault of the adapter, not something the person can change: worth an operator's look.
      req.log.warn({ means: meansId, reason: (cause as Error).message }, 'means answered as another means');
    } else {
      req.log.info({ client: i.clientId, means: meansId, reason: refusal.reason }, 'login refused');
    }
    await outcomes.record({ kind: 'refused', clientId: i.clientId, meansId, refusal });
    let shown = refusal.shown;
    if (shown.kind === 'means_unavailable') d.means.reportUnavailable(shown.meansId);
    if (shown.kind === 'problem' && shown.problem === 'unknown_person' && login && d.registration) {
      shown = { ...shown, registrationOffered: await d.registration.offer(req, reply, login) };
    }
    await transactions.setOutcome(i.uid, i.minimumLoa, shown);
    return reply.redirect(`/interaction/${i.uid}/uitkomst`, 303);
  }

  /** Runs a stretch of steps; a refusal among them ends the login through refuse(). */
  async function steps(
    req: FastifyRequest,
    reply: FastifyReply,
    i: Interaction,
    meansId: string | null,
    run: () => Promise<FastifyReply>,
    login?: AuthenticatedLogin,
  ) {
    try {
      return await run();
    } catch (err) {
      if (err instanceof LoginRefused) return refuse(req, reply, i, meansId, err, login);
      throw err;
    }
  }

  async function refusedByPolicy(i: Interaction, reason: PolicyReason, meansId: string | null) {
    await outcomes.record({
      kind: 'policy',
      clientId: i.clientId,
      meansId,
      reason,
      minimumLoa: i.minimumLoa,
    });
  }

  async function finishLogin(
    req: FastifyRequest,
    reply: FastifyReply,
    i: Interaction,
    login: {
      person: Person;
      employment: Employment;
      loaAuthn: LoA;
      meansId: string;
      /** The person acts for a colleague under this mandate. */
      mandate?: MandateStatement;
    },
  ) {
    const { person, employment, loaAuthn, meansId, mandate } = login;
    const verklaring = await d.verklaringen.forEmployment(person, employment, mandate);
    const grant = new d.provider.Grant({ accountId: person.id, clientId: i.clientId });
    grant.addOIDCScope(i.scope);
    const grantId = await grant.save();
    await recordHandedLogin(
      d.db,
      {
        grantId,
        clientId: i.clientId,
        personId: person.id,
        employmentId: employment.id,
        verklaringId: verklaring.id,
        meansId,
        loaAuthn,
      },
      d.grantTtlSeconds,
    );
    await transactions.delete(i.uid);
    await outcomes.record({
      kind: 'success',
      clientId: i.clientId,
      meansId,
      deziNummer: person.deziNummer,
      abonneeNummer: employment.abonnee.abonneeNummer,
      loaAuthn,
      verklaringId: verklaring.id,
      rolCode: employment.rolCode,
      mandateId: mandate?.id ?? null,
    });
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

  /** After the person is proven: a completion of the client's own, or an employment and the grant. */
  async function continueWithPerson(
    req: FastifyRequest,
    reply: FastifyReply,
    i: Interaction,
    login: AuthenticatedLogin,
  ) {
    const completion = completions.get(i.clientId);
    if (completion) {
      await completion.complete(req, reply, login);
      return reply;
    }
    return steps(
      req,
      reply,
      i,
      login.meansId,
      async () => {
        const { person } = login;
        personKnown(person, login.subject);
        personActive(person);
        const employments = await d.register.activeEmployments(person.id);
        // A wallet's Dezi credential already says where and as what: that one, or none (no choice page).
        if (login.subject?.kind === 'dezi-nummer') {
          const employment = credentialEmployment(person, employments, login.subject.employment);
          return finishLogin(req, reply, i, { ...login, person, employment });
        }
        hasEmployment(person, employments);
        // A mandate this person may act under here is a choice too: then the choice page is shown.
        const mandates = await d.register.mandates.usableBy(person.id, i.clientId);
        if (employments.length === 1 && mandates.length === 0) {
          return finishLogin(req, reply, i, { ...login, person, employment: employments[0]! });
        }
        await transactions.put(i.uid, {
          minimumLoa: i.minimumLoa,
          personId: person.id,
          loaAuthn: login.loaAuthn,
          authenticatedWith: login.meansId,
        });
        return reply.redirect(`/interaction/${i.uid}/kies`, 303);
      },
      login,
    );
  }

  /** The other means that are up, as on "Hoe wilt u inloggen?" (accepted, at this level). */
  async function otherUsableMeans(req: FastifyRequest, i: Interaction, failedId: string) {
    return (await meansOptions(d, req, i)).filter((o) => o.means.id !== failedId && o.state === 'available');
  }

  /** The name of a means on a page; its id should it have been disabled since. */
  function meansName(req: FastifyRequest, meansId: string): string {
    return d.means.get(meansId)?.displayName[web.lang(req)] ?? meansId;
  }

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
        return continueWithPerson(req, reply, i, {
          clientId: i.clientId,
          person,
          subject: null,
          loaAuthn: i.session.acr as LoA,
          meansId,
        });
      }
      const options = await meansOptions(d, req, i);
      if (!options.some((o) => o.state !== 'no_longer_accepted')) {
        // Nothing this client accepts reaches the level (a means that is down still counts: it may
        // return): the client hears so at once.
        await refusedByPolicy(i, 'loa_unreachable', null);
        req.log.info(
          { client: i.clientId, minimum_loa: i.minimumLoa },
          'no accepted means reaches the level',
        );
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
      return meansPage(web, req, reply, i, options);
    }),
  );

  app.post(
    '/interaction/:uid/means',
    route(async (req, reply, i) => {
      const chosen = (req.body as Record<string, unknown>).means;
      const means = typeof chosen === 'string' && d.means.isEnabled(chosen) ? d.means.get(chosen) : undefined;
      if (!means) return meansPage(web, req, reply.code(400), i, await meansOptions(d, req, i));
      // Checked again here: the page offered only acceptable means, but a form can be edited or stale.
      const verdict = meansVerdict(i.policy, means.id, Date.now());
      if (!verdict.accepted || !meetsLoa(means.loa, i.minimumLoa)) {
        const noLongerAccepted = !verdict.accepted && verdict.reason === 'no_longer_accepted';
        const reason: PolicyReason = !verdict.accepted
          ? noLongerAccepted
            ? 'means_no_longer_accepted'
            : 'means_not_accepted'
          : 'means_below_loa';
        await refusedByPolicy(i, reason, means.id);
        req.log.info({ client: i.clientId, means: means.id, reason }, 'means refused by policy');
        return policyRefusedPage(web, req, reply, i, {
          means,
          noLongerAcceptedSince: noLongerAccepted ? verdict.since : null,
        });
      }
      const unavailable = () =>
        new LoginRefused('means_unavailable', { kind: 'means_unavailable', meansId: means.id });
      if (!(await d.means.isUp(means.id))) return refuse(req, reply, i, means.id, unavailable());
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
        return refuse(req, reply, i, means.id, unavailable());
      }
      return reply.redirect(redirectTo, 303);
    }),
  );

  app.get(
    '/interaction/:uid/callback/:meansId',
    route(async (req, reply, i) => {
      const { meansId } = req.params as { meansId: string };
      const means = d.means.get(meansId);
      // An unknown means id in the path is not a means; the audit record names none.
      return steps(req, reply, i, means ? meansId : null, async () => {
        const tx = await meansStateExpected(transactions, i.uid, means, meansId);
        const result = await meansFinished(
          means!,
          {
            query: req.query as Record<string, string | undefined>,
            expectedState: tx.meansState,
            minimumLoa: tx.minimumLoa,
          },
          meansTimeoutMs,
        );
        answeredAsItself(meansId, result);
        levelReached(meansId, result, tx.minimumLoa);
        // Remembered on this device for next time: the means id, nothing about the person.
        reply.header(
          'set-cookie',
          web.cookieHeader(PREFERRED_MEANS_COOKIE, meansId, {
            maxAge: PREFERRED_MEANS_MAX_AGE,
            path: '/interaction',
          }),
        );
        const person = await d.register.findPersonBySubject(result.subject);
        return continueWithPerson(req, reply, i, {
          clientId: i.clientId,
          person,
          subject: result.subject,
          loaAuthn: result.loaAuthn,
          meansId,
        });
      });
    }),
  );

  // The outcome of the last refusal (see refuse): the same page as often as it is asked for.
  app.get(
    '/interaction/:uid/uitkomst',
    route(async (req, reply, i) => {
      const tx = await transactions.get(i.uid);
      const outcome = tx?.outcome;
      if (!tx || !outcome) return reply.redirect(`/interaction/${i.uid}`, 303);
      switch (outcome.kind) {
        case 'problem': {
          const offer = outcome.registrationOffered
            ? await d.registration?.offerHtml(req, web.lang(req))
            : null;
          return problemPage(web, req, reply, i, outcome.problem, offer);
        }
        case 'means_unavailable':
          return fallbackPage(
            web,
            req,
            reply,
            i,
            meansName(req, outcome.meansId),
            await otherUsableMeans(req, i, outcome.meansId),
          );
        case 'loa_too_low':
          // The means that just answered too low is not offered again: this person's account with
          // it does not reach the level. "Hoe wilt u inloggen?" still lists it.
          return loaTooLowPage(web, req, reply, i, {
            meansName: meansName(req, outcome.meansId),
            required: tx.minimumLoa,
            reached: outcome.reached,
            usable: await otherUsableMeans(req, i, outcome.meansId),
          });
      }
    }),
  );

  async function chosenPerson(i: Interaction) {
    const tx = await transactions.get(i.uid);
    if (!tx?.personId || !tx.loaAuthn || !tx.authenticatedWith) return null;
    const person = await d.register.getPerson(tx.personId);
    return person && person.status === 'active'
      ? { person, loaAuthn: tx.loaAuthn, meansId: tx.authenticatedWith }
      : null;
  }

  app.get(
    '/interaction/:uid/kies',
    route(async (req, reply, i) => {
      const chosen = await chosenPerson(i);
      if (!chosen) return reply.redirect(`/interaction/${i.uid}`, 303);
      return choices(req, reply, i, chosen.person, false);
    }),
  );

  /** "Waar werk je? Wat ben je?" with the person's employments and the mandates usable here. */
  async function choices(
    req: FastifyRequest,
    reply: FastifyReply,
    i: Interaction,
    person: Person,
    invalid: boolean,
  ) {
    const [employments, mandates] = await Promise.all([
      d.register.activeEmployments(person.id),
      d.register.mandates.usableBy(person.id, i.clientId),
    ]);
    return choicePage(web, req, reply, i, employments, invalid, mandates);
  }

  app.post(
    '/interaction/:uid/kies',
    route(async (req, reply, i) => {
      const chosen = await chosenPerson(i);
      if (!chosen) return reply.redirect(`/interaction/${i.uid}`, 303);
      const employmentId = (req.body as Record<string, unknown>).employment;
      // A mandate is checked again now: it may have ended since the page was shown.
      const mandateId = chosenMandateId(employmentId);
      if (mandateId !== null) {
        const usable = await d.register.mandates.usable(chosen.person.id, mandateId, i.clientId);
        if (!usable) return choices(req, reply, i, chosen.person, true);
        return finishLogin(req, reply, i, {
          ...chosen,
          employment: usable.employment,
          mandate: usable.statement,
        });
      }
      const employment =
        typeof employmentId === 'string'
          ? await d.register.activeEmployment(chosen.person.id, employmentId)
          : null;
      if (!employment) return choices(req, reply, i, chosen.person, true);
      return finishLogin(req, reply, i, { ...chosen, employment });
    }),
  );

  app.post(
    '/interaction/:uid/annuleren',
    route(async (req, reply, i) => {
      const tx = await transactions.get(i.uid);
      await transactions.delete(i.uid);
      await outcomes.record({
        kind: 'refused',
        clientId: i.clientId,
        meansId: tx?.authenticatedWith ?? tx?.meansId ?? null,
        refusal: new LoginRefused('cancelled', { kind: 'problem', problem: 'means_cancelled' }),
      });
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
