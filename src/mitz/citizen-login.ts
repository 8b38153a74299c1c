// A citizen logs in to MijnMitz with DigiD, straight through the DigiD means (not through Dezi's
// OpenID broker, which turns a login into a person of the Dezi-register, and a citizen is none). The
// means' state is bound to the browser by a cookie and taken once; the BSN it proves goes to Mitz's
// own store (Citizens) and no further: the session knows only the citizen id. Every login, whether it
// succeeds or not, is audited as mitz.login.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import { LOA, meetsLoa } from '../means/loa.ts';
import { MeansError, type MeansFailureKind, type MeansResult } from '../means/means.ts';
import { buttonGroup, linkButton } from '../web/components.ts';
import { t, type Lang } from '../web/i18n.ts';
import type { CitizenSessions } from './citizen-sessions.ts';
import { PATHS, PREFIX, renderProblem } from './pages.ts';
import type { MitzServices } from './services.ts';

export const DIGID = 'digid';
/** DigiD Substantieel: what Mitz asks of a citizen who sees and changes their consent. */
export const MINIMUM_LOA = LOA.substantial;

/** The pages of a login that did not succeed: status and texts. */
const FAILURES = {
  afgebroken: { status: 400, title: 'mitz.login.cancelled.title', body: 'mitz.login.cancelled.body' },
  mislukt: { status: 400, title: 'mitz.login.failed.title', body: 'mitz.login.failed.body' },
  verlopen: { status: 400, title: 'mitz.login.expired.title', body: 'mitz.login.expired.body' },
  niveau: { status: 403, title: 'mitz.login.loa.title', body: 'mitz.login.loa.body' },
  onbereikbaar: { status: 503, title: 'mitz.login.unavailable.title', body: 'mitz.login.unavailable.body' },
} as const;
type FailurePage = keyof typeof FAILURES;

const PAGE_OF_MEANS_FAILURE: Record<MeansFailureKind, FailurePage> = {
  cancelled: 'afgebroken',
  invalid_response: 'mislukt',
  insufficient_loa: 'niveau',
  unavailable: 'onbereikbaar',
  credential_refused: 'mislukt',
};

/** Why a login failed, as the audit record says it (never anything about the person). */
type FailureReason =
  `means_${MeansFailureKind}` | 'means_not_available' | 'no_login_in_flight' | 'state_mismatch' | 'not_a_bsn';

export async function citizenLoginRoutes(
  app: FastifyInstance,
  s: MitzServices,
  sessions: CitizenSessions,
): Promise<void> {
  const { web } = s;
  const relative = (path: string) => path.slice(PREFIX.length);

  async function auditFailure(reason: FailureReason) {
    await recordAudit(s.db, {
      actor: null,
      action: 'mitz.login',
      outcome: 'failure',
      detail: { means: DIGID, reason },
    });
  }

  function failurePage(req: FastifyRequest, reply: FastifyReply, lang: Lang, page: FailurePage) {
    const f = FAILURES[page];
    return renderProblem(web, req, reply, {
      lang,
      status: f.status,
      title: f.title,
      body: f.body,
      actions: buttonGroup(
        linkButton({ href: PATHS.login, label: t(lang, 'mitz.login.again') }),
        linkButton({ href: PATHS.start, label: t(lang, 'mitz.login.back'), variant: 'secondary' }),
      ),
    });
  }

  /**
   * Ends a callback that failed. The callback consumed one-time input (the login's state, DigiD's
   * artifact), so the page is not rendered there, where a reload or a switch of language would replay
   * it, but redirected to.
   */
  async function failed(reply: FastifyReply, reason: FailureReason, page: FailurePage) {
    await auditFailure(reason);
    return reply.redirect(`${PATHS.loginFailed}/${page}`, 303);
  }

  app.get(relative(PATHS.login), async (req, reply) => {
    const lang = web.lang(req, reply);
    if ((await sessions.current(req)).session) return reply.redirect(PATHS.overview, 303);
    const digid = s.means.isEnabled(DIGID) ? s.means.get(DIGID) : undefined;
    if (!digid || !(await s.means.isUp(DIGID))) {
      req.log.info({ means: DIGID }, 'MijnMitz login: DigiD is not available');
      await auditFailure('means_not_available');
      return failurePage(req, reply, lang, 'onbereikbaar');
    }
    const state = await sessions.startLogin(reply);
    try {
      const { redirectTo } = await digid.start({
        state,
        callbackUrl: `${s.issuer}${PATHS.callback}`,
        minimumLoa: MINIMUM_LOA,
      });
      return reply.redirect(redirectTo, 303);
    } catch (err) {
      if (!(err instanceof MeansError)) throw err;
      req.log.info(
        { means: DIGID, kind: err.kind, reason: err.message },
        'MijnMitz login: DigiD could not start',
      );
      s.means.reportUnavailable(DIGID);
      await auditFailure('means_unavailable');
      return failurePage(req, reply, lang, 'onbereikbaar');
    }
  });

  app.get(relative(PATHS.callback), async (req, reply) => {
    const query = req.query as Record<string, string | undefined>;
    const flight = await sessions.takeLogin(req, reply, query.RelayState);
    // No login of this browser waits for an answer: a replay, an expired login, another browser's.
    if (!flight) return failed(reply, 'no_login_in_flight', 'verlopen');
    if (!flight.matches) return failed(reply, 'state_mismatch', 'verlopen');
    const digid = s.means.get(DIGID);
    if (!digid) return failed(reply, 'means_not_available', 'onbereikbaar');
    let result: MeansResult;
    try {
      result = await digid.finish({ query, body: {}, expectedState: flight.token, minimumLoa: MINIMUM_LOA });
    } catch (err) {
      if (!(err instanceof MeansError)) throw err;
      req.log.info({ means: DIGID, kind: err.kind, reason: err.message }, 'MijnMitz login failed');
      if (err.kind === 'unavailable') s.means.reportUnavailable(DIGID);
      return failed(reply, `means_${err.kind}`, PAGE_OF_MEANS_FAILURE[err.kind]);
    }
    if (result.meansId !== DIGID || result.subject.kind !== 'bsn')
      return failed(reply, 'not_a_bsn', 'mislukt');
    if (!meetsLoa(result.loaAuthn, MINIMUM_LOA)) return failed(reply, 'means_insufficient_loa', 'niveau');
    const citizenId = await s.citizens.ensure(result.subject.bsn);
    await sessions.start(reply, citizenId);
    await recordAudit(s.db, {
      actor: { kind: 'citizen', citizenId },
      action: 'mitz.login',
      outcome: 'success',
      target: `citizen:${citizenId}`,
      detail: { means: DIGID, loa: result.loaAuthn },
    });
    return reply.redirect(PATHS.overview, 303);
  });

  app.get(`${relative(PATHS.loginFailed)}/:page`, async (req, reply) => {
    const { page } = req.params as { page: string };
    if (!Object.hasOwn(FAILURES, page)) return reply.callNotFound();
    return failurePage(req, reply, web.lang(req, reply), page as FailurePage);
  });
}
