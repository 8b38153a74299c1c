// MijnMitz, the citizen's own pages: the start page, the DigiD login (citizen-login.ts), the overview
// of their choices with what applies now, a form to give or change a choice, withdrawing one, and the
// history. Every page but the start page needs a session, and acts on that session's citizen only;
// every form post carries the session's CSRF token. Server-rendered, without JavaScript.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import { refuseFormPost, validFormPost } from '../web/csrf.ts';
import { alert, buttonGroup, linkButton } from '../web/components.ts';
import { html } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import {
  choiceFormBody,
  parseChoice,
  prefill,
  readInput,
  type ChoiceErrors,
  type ChoiceInput,
} from './choice-form.ts';
import { citizenLoginRoutes } from './citizen-login.ts';
import { CitizenSessions, type CitizenSession } from './citizen-sessions.ts';
import { historyBody } from './history.ts';
import { overviewBody } from './overview.ts';
import { PATHS, PREFIX, renderPage, renderProblem } from './pages.ts';
import type { MitzServices } from './services.ts';
import { readChoiceKey, sameChoice, withdrawBody } from './withdraw.ts';

/** The notices a page shows after an action (?melding=…), each with its text. */
const NOTICES = {
  vastgelegd: 'mitz.notice.vastgelegd',
  ongewijzigd: 'mitz.notice.ongewijzigd',
  ingetrokken: 'mitz.notice.ingetrokken',
  'niet-gevonden': 'mitz.notice.niet_gevonden',
  uitgelogd: 'mitz.notice.uitgelogd',
  verlopen: 'mitz.notice.verlopen',
} as const;
type Notice = keyof typeof NOTICES;

function noticeOf(req: FastifyRequest, lang: Lang, allowed: readonly Notice[]) {
  const asked = (req.query as Record<string, unknown>).melding;
  if (typeof asked !== 'string' || !allowed.includes(asked as Notice)) return '';
  return alert({ type: 'ok', body: t(lang, NOTICES[asked as Notice]) });
}

export async function mijnMitzRoutes(app: FastifyInstance, s: MitzServices): Promise<void> {
  const { web } = s;
  const sessions = new CitizenSessions(s.db, web);
  const relative = (path: string) => path.slice(PREFIX.length) || '/';
  const citizenActor = (session: CitizenSession) =>
    ({ kind: 'citizen', citizenId: session.citizenId }) as const;

  await citizenLoginRoutes(app, s, sessions);

  /** This browser's session; a cookie that no longer counts is cleared. */
  async function sessionOf(req: FastifyRequest, reply: FastifyReply) {
    const { session, stale } = await sessions.current(req);
    if (!session && stale) sessions.forget(reply);
    return { session, stale };
  }

  type Handler = (
    req: FastifyRequest,
    reply: FastifyReply,
    session: CitizenSession,
    lang: Lang,
  ) => Promise<FastifyReply>;

  /** A page of a logged-in citizen; without a session, the start page (saying why, if it expired). */
  function page(path: string, fn: Handler) {
    app.get(relative(path), async (req, reply) => {
      const lang = web.lang(req, reply);
      const { session, stale } = await sessionOf(req, reply);
      if (!session) return reply.redirect(stale ? `${PATHS.start}?melding=verlopen` : PATHS.start, 303);
      return fn(req, reply, session, lang);
    });
  }

  /** A form post of a logged-in citizen: only with the session's CSRF token, from our own origin. */
  function post(path: string, fn: Handler) {
    app.post(relative(path), async (req, reply) => {
      const lang = web.lang(req, reply);
      const { session } = await sessionOf(req, reply);
      if (!session)
        return renderProblem(web, req, reply, {
          lang,
          status: 401,
          title: 'mitz.session.title',
          body: 'mitz.session.body',
          actions: buttonGroup(linkButton({ href: PATHS.login, label: t(lang, 'mitz.start.login') })),
        });
      if (!validFormPost(web, s.issuer, req, session.binding)) return refuseFormPost(web, req, reply);
      return fn(req, reply, session, lang);
    });
  }

  async function auditRead(session: CitizenSession, what: 'overzicht' | 'geschiedenis') {
    await recordAudit(s.db, {
      actor: citizenActor(session),
      action: 'mitz.mijn.read',
      outcome: 'success',
      target: `citizen:${session.citizenId}`,
      detail: { page: what },
    });
  }

  app.get(relative(PATHS.start), async (req, reply) => {
    const lang = web.lang(req, reply);
    const { session, stale } = await sessionOf(req, reply);
    const notice = noticeOf(req, lang, ['uitgelogd', 'verlopen']);
    const expired =
      stale && !notice ? alert({ type: 'info', role: 'status', body: t(lang, 'mitz.notice.verlopen') }) : '';
    return renderPage(web, req, reply, {
      lang,
      title: t(lang, 'mitz.name'),
      session: session ? { session, current: PATHS.start } : undefined,
      body: html`<h1>${t(lang, 'mitz.name')}</h1>
        ${notice}${expired}
        <p>${t(lang, 'mitz.start.intro')}</p>
        <p>${t(lang, 'mitz.start.what')}</p>
        ${
          session
            ? html`<p>${t(lang, 'mitz.start.logged_in')}</p>
                ${buttonGroup(linkButton({ href: PATHS.overview, label: t(lang, 'mitz.start.to_choices') }))}`
            : html`<p>${t(lang, 'mitz.start.digid')}</p>
                ${buttonGroup(linkButton({ href: PATHS.login, label: t(lang, 'mitz.start.login') }))}`
        }`,
    });
  });

  page(PATHS.overview, async (req, reply, session, lang) => {
    const current = await s.choices.current(session.citizenId);
    await auditRead(session, 'overzicht');
    return renderPage(web, req, reply, {
      lang,
      title: t(lang, 'mitz.overview.title'),
      session: { session, current: PATHS.overview },
      body: overviewBody(
        current,
        lang,
        noticeOf(req, lang, ['vastgelegd', 'ongewijzigd', 'ingetrokken', 'niet-gevonden']),
      ),
    });
  });

  function choiceForm(
    req: FastifyRequest,
    reply: FastifyReply,
    session: CitizenSession,
    lang: Lang,
    values: ChoiceInput,
    errors: ChoiceErrors = {},
  ) {
    const invalid = Object.keys(errors).length > 0;
    const title = t(lang, 'mitz.form.title');
    return renderPage(web, req, reply, {
      lang,
      status: invalid ? 400 : 200,
      title,
      error: invalid,
      session: { session, current: PATHS.choice },
      body: choiceFormBody({ lang, csrf: web.csrfToken(session.binding), values, errors }),
    });
  }

  page(PATHS.choice, async (req, reply, session, lang) =>
    choiceForm(req, reply, session, lang, prefill(req.query)),
  );

  post(PATHS.choice, async (req, reply, session, lang) => {
    const values = readInput(req.body);
    const parsed = parseChoice(values);
    if ('errors' in parsed) return choiceForm(req, reply, session, lang, values, parsed.errors);
    const changed = await s.choices.change(
      session.citizenId,
      [parsed.change],
      { kind: 'citizen' },
      citizenActor(session),
    );
    return reply.redirect(`${PATHS.overview}?melding=${changed > 0 ? 'vastgelegd' : 'ongewijzigd'}`, 303);
  });

  page(PATHS.withdraw, async (req, reply, session, lang) => {
    const key = readChoiceKey(req.query);
    const choice = key && (await s.choices.current(session.citizenId)).find((c) => sameChoice(c, key));
    if (!choice) return reply.redirect(`${PATHS.overview}?melding=niet-gevonden`, 303);
    return renderPage(web, req, reply, {
      lang,
      title: t(lang, 'mitz.withdraw.title'),
      session: { session, current: PATHS.withdraw },
      body: withdrawBody({ lang, csrf: web.csrfToken(session.binding), choice }),
    });
  });

  post(PATHS.withdraw, async (req, reply, session) => {
    const key = readChoiceKey(req.body);
    const changed = key
      ? await s.choices.change(
          session.citizenId,
          [{ ...key, permit: null }],
          { kind: 'citizen' },
          citizenActor(session),
        )
      : 0;
    return reply.redirect(`${PATHS.overview}?melding=${changed > 0 ? 'ingetrokken' : 'niet-gevonden'}`, 303);
  });

  page(PATHS.history, async (req, reply, session, lang) => {
    const entries = await s.choices.history(session.citizenId);
    await auditRead(session, 'geschiedenis');
    return renderPage(web, req, reply, {
      lang,
      title: t(lang, 'mitz.history.title'),
      session: { session, current: PATHS.history },
      body: historyBody(entries, lang),
    });
  });

  // Logging out needs the session's token too: another site must not log the citizen out.
  post(PATHS.logout, async (req, reply, session) => {
    await sessions.end(req, reply);
    await recordAudit(s.db, {
      actor: citizenActor(session),
      action: 'mitz.logout',
      outcome: 'success',
      target: `citizen:${session.citizenId}`,
    });
    return reply.redirect(`${PATHS.start}?melding=uitgelogd`, 303);
  });
}
