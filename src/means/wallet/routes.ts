// Dezi's wallet page and the endpoints a wallet talks to. The page: a QR code (a wallet on another
// device) and a link (a wallet on this one), the status poll and "continue", as the Yivi page does. The
// wallet: GET the signed request object, POST its encrypted answer (direct_post.jwt). Each way in has
// its own request_uri and response_uri, so Dezi knows whether the wallet shares the browser's device.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderSVG } from 'uqr';
import { recordAudit, SYSTEM } from '../../audit/audit.ts';
import type { Database } from '../../db/database.ts';
import { html } from '../../web/html.ts';
import { t } from '../../web/i18n.ts';
import type { Web } from '../../web/web.ts';
import { MeansError } from '../means.ts';
import { qrPage } from '../qr-page.ts';
import type { Device, WalletLoginSession, WalletOutcome } from './sessions.ts';
import { WALLET_PAGE_PATH, type WalletMeans } from './wallet-means.ts';

/** The scheme a wallet registers for OpenID4VP requests. */
const SCHEME = 'openid4vp://';
const DEVICES: readonly Device[] = ['qr', 'link'];

export interface WalletRoutesDeps {
  issuer: string;
  db: Database;
  web: Web;
  means: WalletMeans;
  /** How long an answered login waits for the browser (seconds). */
  ttlSeconds: number;
  /** Proeftuin only: where the TEST wallet opens this request. */
  standInWalletUrl?: (request: string) => string;
}

export async function walletRoutes(app: FastifyInstance, d: WalletRoutesDeps): Promise<void> {
  const { web, means } = d;
  const base = (handle: string) => `${d.issuer}${WALLET_PAGE_PATH}/${handle}`;
  const requestUri = (handle: string, device: Device) => `${base(handle)}/request/${device}`;
  const responseUri = (handle: string, device: Device) => `${base(handle)}/response/${device}`;

  /** The link or QR content: the client id and where the wallet fetches the signed request. */
  const walletLink = (handle: string, device: Device) =>
    `${SCHEME}?${new URLSearchParams({ client_id: means.verifier.clientId, request_uri: requestUri(handle, device) })}`;

  async function pending(req: FastifyRequest): Promise<{ handle: string; s: WalletLoginSession } | null> {
    const { handle } = req.params as { handle: string };
    const s = await means.sessions.pending(handle);
    return s ? { handle, s } : null;
  }

  const device = (req: FastifyRequest): Device | null => {
    const { device } = req.params as { device: string };
    return DEVICES.includes(device as Device) ? (device as Device) : null;
  };

  function expired(req: FastifyRequest, reply: FastifyReply) {
    return web.renderProblem(req, reply, {
      status: 400,
      titleKey: 'error.session_expired.title',
      bodyKey: 'error.session_expired.body',
    });
  }

  function renderPage(
    req: FastifyRequest,
    reply: FastifyReply,
    handle: string,
    s: WalletLoginSession,
    notDone: boolean,
  ) {
    const lang = web.lang(req, reply);
    const standIn = d.standInWalletUrl;
    return qrPage(web, req, reply, {
      prefix: 'walletlogin',
      path: `${WALLET_PAGE_PATH}/${handle}`,
      appLink: walletLink(handle, 'link'),
      callbackUrl: s.callbackUrl,
      notDone,
      extra: standIn
        ? html`<p>
            <a href="${standIn(walletLink(handle, 'qr'))}">${t(lang, 'walletlogin.proeftuin.other_device')}</a
            ><br />
            <a href="${standIn(walletLink(handle, 'link'))}"
              >${t(lang, 'walletlogin.proeftuin.this_device')}</a
            >
          </p>`
        : '',
    });
  }

  app.get(`${WALLET_PAGE_PATH}/:handle`, async (req, reply) => {
    const found = await pending(req);
    return found ? renderPage(req, reply, found.handle, found.s, false) : expired(req, reply);
  });

  app.get(`${WALLET_PAGE_PATH}/:handle/qr.svg`, async (req, reply) => {
    const found = await pending(req);
    if (!found) return reply.code(404).send({ error: 'not_found' });
    return reply
      .type('image/svg+xml')
      .header('cache-control', 'no-store')
      .send(renderSVG(walletLink(found.handle, 'qr'), { ecc: 'M', border: 2 }));
  });

  // The wallet fetches the signed request (request_uri_method get).
  app.get(`${WALLET_PAGE_PATH}/:handle/request/:device`, async (req, reply) => {
    const found = await pending(req);
    const dev = device(req);
    if (!found || !dev || (await means.sessions.answered(found.handle)))
      return reply.code(404).header('cache-control', 'no-store').send({ error: 'invalid_request_uri' });
    const jwt = await means.verifier.requestObject(
      found.s,
      requestUri(found.handle, dev),
      responseUri(found.handle, dev),
    );
    return reply.type('application/oauth-authz-req+jwt').header('cache-control', 'no-store').send(jwt);
  });

  // The wallet's answer: checked now, its outcome kept for the browser's way back to the broker.
  app.post(`${WALLET_PAGE_PATH}/:handle/response/:device`, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    const found = await pending(req);
    const dev = device(req);
    if (!found || !dev)
      return reply
        .code(400)
        .send({ error: 'invalid_request', error_description: 'no such login waits for an answer' });
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<
      string,
      unknown
    >;
    const responseCode = dev === 'link' ? randomBytes(32).toString('base64url') : null;
    let outcome: WalletOutcome;
    let verklaringId: string | null = null;
    let credential: 'dezi' | 'pid' | null = null;
    try {
      const read = await means.verifier.readResponse(found.s, body, responseUri(found.handle, dev));
      ({ verklaringId, credential } = read);
      outcome = { ok: true, result: read.result, device: dev, responseCode };
    } catch (err) {
      if (!(err instanceof MeansError)) throw err;
      const kind =
        err.kind === 'cancelled' || err.kind === 'credential_refused' ? err.kind : 'invalid_response';
      outcome = {
        ok: false,
        kind,
        refusal: err.refusal ?? null,
        message: err.message,
        device: dev,
        responseCode: null,
      };
    }
    if (!(await means.sessions.answer(found.handle, outcome, d.ttlSeconds)))
      return reply
        .code(400)
        .send({ error: 'invalid_request', error_description: 'this login has been answered already' });
    // Every presentation is in the audit trail, also one whose browser never comes back.
    const subject = outcome.ok ? outcome.result.subject : null;
    await recordAudit(d.db, {
      actor: subject?.kind === 'dezi-nummer' ? { kind: 'person', deziNummer: subject.deziNummer } : SYSTEM,
      action: 'wallet.presentation',
      outcome: outcome.ok ? 'success' : 'failure',
      ...(subject?.kind === 'dezi-nummer' ? { abonneeNummer: subject.employment.abonneeNummer } : {}),
      detail: {
        device: dev === 'link' ? 'same' : 'cross',
        verklaring_id: verklaringId,
        credential,
        ...(outcome.ok ? {} : { reason: outcome.kind, refusal: outcome.refusal }),
      },
    });
    if (!outcome.ok) {
      req.log.info(
        { means: means.id, kind: outcome.kind, refusal: outcome.refusal },
        'wallet presentation refused',
      );
      // The wallet hears it was refused; the browser learns why on Dezi's own page.
      return reply.code(400).send({
        error: outcome.kind === 'cancelled' ? 'access_denied' : 'invalid_request',
        error_description: outcome.message,
      });
    }
    return reply.send(
      responseCode ? { redirect_uri: `${base(found.handle)}/verder?response_code=${responseCode}` } : {},
    );
  });

  app.get(`${WALLET_PAGE_PATH}/:handle/status`, async (req, reply) => {
    const found = await pending(req);
    reply.header('cache-control', 'no-store');
    if (!found) return reply.code(404).send({ status: 'UNKNOWN' });
    return reply.send({ status: (await means.sessions.answered(found.handle)) ? 'DONE' : 'PENDING' });
  });

  app.get(`${WALLET_PAGE_PATH}/:handle/verder`, async (req, reply) => {
    const found = await pending(req);
    if (!found) return expired(req, reply);
    if (!(await means.sessions.answered(found.handle)))
      return renderPage(req, reply, found.handle, found.s, true);
    const back = new URL(found.s.callbackUrl);
    back.searchParams.set('session', found.handle);
    const code = (req.query as Record<string, unknown>).response_code;
    if (typeof code === 'string' && code.length <= 64) back.searchParams.set('response_code', code);
    return reply.redirect(back.href, 303);
  });
}
