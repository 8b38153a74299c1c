// Dezi's own Yivi page: the QR code (an SVG rendered here, no inline script), the deep link for a
// phone, a status endpoint for the small polling script, and "continue", which checks the status
// at the Yivi server and hands the login back to the broker once the session has ended.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderSVG } from 'uqr';
import { buttonGroup, linkButton } from '../../web/components.ts';
import { html } from '../../web/html.ts';
import { t } from '../../web/i18n.ts';
import type { Web } from '../../web/web.ts';
import { qrPage } from '../qr-page.ts';
import { MeansError } from '../means.ts';
import type { SessionPointer, SessionStatus } from './irma-server.ts';
import type { YiviSession } from './sessions.ts';
import { YIVI_PAGE_PATH, type YiviMeans } from './yivi.ts';

const ENDED: readonly SessionStatus[] = ['DONE', 'CANCELLED', 'TIMEOUT'];

export interface YiviRoutesDeps {
  web: Web;
  means: YiviMeans;
  /** Proeftuin only: where the stand-in "phone" opens this session. */
  standInAppUrl?: (sessionPtr: SessionPointer) => string | null;
}

/** The universal link the Yivi app registers for; the fragment never reaches a server. */
export function deepLink(sessionPtr: SessionPointer): string {
  return `https://irma.app/-/session#${encodeURIComponent(JSON.stringify(sessionPtr))}`;
}

export async function yiviRoutes(app: FastifyInstance, d: YiviRoutesDeps): Promise<void> {
  const { web, means } = d;

  async function session(req: FastifyRequest): Promise<{ handle: string; s: YiviSession } | null> {
    const { handle } = req.params as { handle: string };
    const s = await means.sessions.pending(handle);
    return s ? { handle, s } : null;
  }

  function expired(req: FastifyRequest, reply: FastifyReply) {
    return web.renderProblem(req, reply, {
      status: 400,
      titleKey: 'error.session_expired.title',
      bodyKey: 'error.session_expired.body',
    });
  }

  function unavailable(req: FastifyRequest, reply: FastifyReply, handle: string) {
    const lang = web.lang(req, reply);
    return web.renderProblem(req, reply, {
      status: 502,
      titleKey: 'yivi.unavailable.title',
      bodyKey: 'yivi.unavailable.body',
      actions: buttonGroup(
        linkButton({ href: `${YIVI_PAGE_PATH}/${handle}`, label: t(lang, 'error.try_again') }),
      ),
    });
  }

  function renderPage(
    req: FastifyRequest,
    reply: FastifyReply,
    handle: string,
    s: YiviSession,
    notDone: boolean,
  ) {
    const standIn = d.standInAppUrl?.(s.sessionPtr);
    const lang = web.lang(req, reply);
    return qrPage(web, req, reply, {
      prefix: 'yivi',
      path: `${YIVI_PAGE_PATH}/${handle}`,
      appLink: deepLink(s.sessionPtr),
      callbackUrl: s.callbackUrl,
      notDone,
      extra: standIn ? html`<p><a href="${standIn}">${t(lang, 'yivi.proeftuin.app')}</a></p>` : '',
    });
  }

  app.get(`${YIVI_PAGE_PATH}/:handle`, async (req, reply) => {
    const found = await session(req);
    return found ? renderPage(req, reply, found.handle, found.s, false) : expired(req, reply);
  });

  app.get(`${YIVI_PAGE_PATH}/:handle/qr.svg`, async (req, reply) => {
    const found = await session(req);
    if (!found) return reply.code(404).send({ error: 'not_found' });
    return reply
      .type('image/svg+xml')
      .header('cache-control', 'no-store')
      .send(renderSVG(JSON.stringify(found.s.sessionPtr), { ecc: 'M', border: 2 }));
  });

  app.get(`${YIVI_PAGE_PATH}/:handle/status`, async (req, reply) => {
    const found = await session(req);
    if (!found) return reply.code(404).header('cache-control', 'no-store').send({ status: 'UNKNOWN' });
    try {
      return reply
        .header('cache-control', 'no-store')
        .send({ status: await means.irma.status(found.s.requestorToken) });
    } catch (err) {
      if (!(err instanceof MeansError)) throw err;
      return reply.code(502).header('cache-control', 'no-store').send({ status: 'UNKNOWN' });
    }
  });

  app.get(`${YIVI_PAGE_PATH}/:handle/verder`, async (req, reply) => {
    const found = await session(req);
    if (!found) return expired(req, reply);
    let status: SessionStatus;
    try {
      status = await means.irma.status(found.s.requestorToken);
    } catch (err) {
      if (!(err instanceof MeansError)) throw err;
      req.log.info({ means: means.id, reason: err.message }, 'Yivi status check failed');
      return unavailable(req, reply, found.handle);
    }
    if (!ENDED.includes(status)) return renderPage(req, reply.code(200), found.handle, found.s, true);
    // The outcome itself is read from the signed result by the adapter, not from this status.
    const back = new URL(found.s.callbackUrl);
    back.searchParams.set('session', found.handle);
    return reply.redirect(back.href, 303);
  });
}
