// The proeftuin's stand-in for a Yivi (IRMA) server: the requestor REST API Dezi's production
// adapter talks to (POST /session, status, statusevents, result, result-jwt, DELETE, publickey),
// result JWTs signed RS256 with a key made at start, and a "phone" page that plays the Yivi app:
// the tester picks a test person whose attribute is disclosed. Sessions live in memory.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { constantTimeEqual, type Secrets } from '../secrets.ts';
import { button, buttonGroup } from '../web/components.ts';
import { html } from '../web/html.ts';
import type { Web } from '../web/web.ts';
import { validFormPost } from '../web/csrf.ts';
import { LOA } from '../means/loa.ts';
import type { YiviConfig } from '../means/yivi/config.ts';
import type { SessionStatus } from '../means/yivi/irma-server.ts';
import { SEED_PERSONS, type SeedPerson } from './seed-data.ts';

export const YIVI_SERVER_PATH = '/proeftuin/yivi-server';
export const YIVI_STAND_IN_JWT_ISSUER = 'proeftuin-yivi-server';
/** Attributes the stand-in "phone" holds for every test person. */
export const STAND_IN_ATTRIBUTES: Record<string, (p: SeedPerson) => string> = {
  'pbdf.gemeente.personalData.bsn': (p) => p.bsn,
  'irma-demo.dezi.zorgidentiteit.deziNummer': (p) => p.deziNummer,
};
const SESSION_LIFETIME_MS = 5 * 60_000;
const MAX_SESSIONS = 10_000;
const TOKEN = /^[A-Za-z0-9_-]{20,64}$/;

interface Session {
  requestorToken: string;
  clientToken: string;
  attributeIds: string[];
  status: SessionStatus;
  disclosed: { id: string; rawvalue: string; status: 'PRESENT' } | null;
  createdAt: number;
  listeners: Set<(s: SessionStatus) => void>;
}

/** How Dezi's Yivi means talks to this stand-in, and what each attribute its "phone" holds proves. */
export function standInYiviConfig(issuer: string, standIn: YiviStandIn): YiviConfig {
  return {
    serverUrl: `${issuer}${YIVI_SERVER_PATH}`,
    requestorToken: standIn.requestorToken,
    serverPublicKeyPem: standIn.publicKeyPem,
    jwtIssuer: YIVI_STAND_IN_JWT_ISSUER,
    attributes: [
      { id: 'pbdf.gemeente.personalData.bsn', subject: 'bsn', loa: LOA.substantial },
      { id: 'irma-demo.dezi.zorgidentiteit.deziNummer', subject: 'uzi-nummer', loa: LOA.high },
    ],
    category: 'wdo',
    timeoutMs: 5000,
    sessionTtlSeconds: 300,
  };
}

export interface YiviStandIn {
  requestorToken: string;
  publicKeyPem: string;
  routes: (app: FastifyInstance) => Promise<void>;
}

export async function createYiviStandIn(d: {
  issuer: string;
  secrets: Secrets;
  web: Web;
}): Promise<YiviStandIn> {
  const base = `${d.issuer}${YIVI_SERVER_PATH}`;
  const requestorToken = d.secrets.hmac('means-state', 'proeftuin-yivi-requestor-token');
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const publicKeyPem = await exportSPKI(publicKey);
  const byRequestor = new Map<string, Session>();
  const byClient = new Map<string, Session>();

  function purge() {
    const now = Date.now();
    for (const s of byRequestor.values()) {
      if (now - s.createdAt > SESSION_LIFETIME_MS) {
        byRequestor.delete(s.requestorToken);
        byClient.delete(s.clientToken);
      }
    }
  }

  function setStatus(s: Session, status: SessionStatus) {
    s.status = status;
    for (const l of s.listeners) l(status);
  }

  function lookup(req: FastifyRequest): Session | undefined {
    const { token } = req.params as { token: string };
    const s = TOKEN.test(token) ? byRequestor.get(token) : undefined;
    if (
      s &&
      s.status !== 'DONE' &&
      s.status !== 'CANCELLED' &&
      Date.now() - s.createdAt > SESSION_LIFETIME_MS
    )
      setStatus(s, 'TIMEOUT');
    return s;
  }

  // The IRMA server answers an unknown token with 400 SESSION_UNKNOWN.
  function unknown(reply: FastifyReply) {
    return reply
      .code(400)
      .send({ status: 400, error: 'SESSION_UNKNOWN', description: 'Unknown or expired session' });
  }

  function result(s: Session) {
    return {
      token: s.requestorToken,
      status: s.status,
      type: 'disclosing',
      proofStatus: s.status === 'DONE' ? 'VALID' : undefined,
      disclosed: s.disclosed ? [[s.disclosed]] : undefined,
    };
  }

  async function resultJwt(s: Session, key: CryptoKey): Promise<string> {
    return new SignJWT(result(s))
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuer(YIVI_STAND_IN_JWT_ISSUER)
      .setSubject('disclosure_result')
      .setIssuedAt()
      .setExpirationTime('2m')
      .sign(key);
  }

  async function routes(app: FastifyInstance): Promise<void> {
    const { web } = d;

    app.post(`${YIVI_SERVER_PATH}/session`, async (req, reply) => {
      if (!constantTimeEqual(req.headers.authorization ?? '', requestorToken)) {
        return reply
          .code(403)
          .send({ status: 403, error: 'UNAUTHORIZED', description: 'Requestor not authorized' });
      }
      const body = req.body as { '@context'?: unknown; disclose?: unknown } | undefined;
      const disclose = body?.disclose;
      const valid =
        body?.['@context'] === 'https://irma.app/ld/request/disclosure/v2' &&
        Array.isArray(disclose) &&
        disclose.length === 1 &&
        disclose.every(
          (dis) =>
            Array.isArray(dis) &&
            dis.length > 0 &&
            dis.every((con) => Array.isArray(con) && con.length === 1 && typeof con[0] === 'string'),
        );
      if (!valid) {
        return reply.code(400).send({
          status: 400,
          error: 'MALFORMED_SESSION_REQUEST',
          description: 'Malformed session request',
        });
      }
      purge();
      if (byRequestor.size >= MAX_SESSIONS)
        return reply.code(503).send({ status: 503, error: 'TOO_MANY_SESSIONS' });
      const s: Session = {
        requestorToken: randomBytes(24).toString('base64url'),
        clientToken: randomBytes(24).toString('base64url'),
        attributeIds: (disclose as string[][][])[0]!.map((con) => con[0]!),
        status: 'INITIALIZED',
        disclosed: null,
        createdAt: Date.now(),
        listeners: new Set(),
      };
      byRequestor.set(s.requestorToken, s);
      byClient.set(s.clientToken, s);
      return reply.send({
        token: s.requestorToken,
        sessionPtr: { u: `${base}/irma/session/${s.clientToken}`, irmaqr: 'disclosing' },
        frontendRequest: {
          authorization: randomBytes(16).toString('base64url'),
          minProtocolVersion: '1.0',
          maxProtocolVersion: '1.1',
        },
      });
    });

    app.get(`${YIVI_SERVER_PATH}/session/:token/status`, async (req, reply) => {
      const s = lookup(req);
      return s ? reply.type('application/json').send(JSON.stringify(s.status)) : unknown(reply);
    });

    app.get(`${YIVI_SERVER_PATH}/session/:token/statusevents`, async (req, reply) => {
      const s = lookup(req);
      if (!s) return unknown(reply);
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      const send = (status: SessionStatus) => reply.raw.write(`data: ${JSON.stringify(status)}\n\n`);
      send(s.status);
      s.listeners.add(send);
      const timer = setTimeout(() => reply.raw.end(), SESSION_LIFETIME_MS);
      reply.raw.on('close', () => {
        clearTimeout(timer);
        s.listeners.delete(send);
      });
    });

    app.get(`${YIVI_SERVER_PATH}/session/:token/result`, async (req, reply) => {
      const s = lookup(req);
      return s ? reply.header('cache-control', 'no-store').send(result(s)) : unknown(reply);
    });

    app.get(`${YIVI_SERVER_PATH}/session/:token/result-jwt`, async (req, reply) => {
      const s = lookup(req);
      if (!s) return unknown(reply);
      return reply
        .type('text/plain')
        .header('cache-control', 'no-store')
        .send(await resultJwt(s, privateKey));
    });

    app.delete(`${YIVI_SERVER_PATH}/session/:token`, async (req, reply) => {
      const s = lookup(req);
      if (!s) return unknown(reply);
      if (s.status !== 'DONE') setStatus(s, 'CANCELLED');
      return reply.code(204).send();
    });

    app.get(`${YIVI_SERVER_PATH}/publickey`, async (_req, reply) =>
      reply.type('text/plain').send(publicKeyPem),
    );

    // The "phone": plays the Yivi app for the session the QR code points at.
    function appSession(source: Record<string, unknown>): Session | undefined {
      const token = source.session;
      const s = typeof token === 'string' && TOKEN.test(token) ? byClient.get(token) : undefined;
      return s &&
        (s.status === 'INITIALIZED' || s.status === 'CONNECTED') &&
        Date.now() - s.createdAt <= SESSION_LIFETIME_MS
        ? s
        : undefined;
    }

    function appPage(req: FastifyRequest, reply: FastifyReply, body: ReturnType<typeof html>, status = 200) {
      return web.render(req, reply.code(status), { title: 'Yivi-app (proeftuin)', body });
    }

    app.get(`${YIVI_SERVER_PATH}/app`, async (req, reply) => {
      const s = appSession(req.query as Record<string, unknown>);
      const nl = web.lang(req, reply) === 'nl';
      if (!s) {
        return appPage(
          req,
          reply,
          html`<h1>Yivi-app (proeftuin)</h1>
            <div class="utrecht-alert utrecht-alert--error" role="alert">
              <p>
                ${nl ? 'Deze Yivi-sessie bestaat niet (meer).' : 'This Yivi session does not exist (any more).'}
              </p>
            </div>`,
          400,
        );
      }
      setStatus(s, 'CONNECTED');
      const attribute = s.attributeIds.find((a) => a in STAND_IN_ATTRIBUTES);
      return appPage(
        req,
        reply,
        html`<h1>Yivi-app (proeftuin)</h1>
          <p>
            ${
              nl
                ? 'Dit is de nagebootste Yivi-app van de proeftuin. Dezi vraagt om dit gegeven:'
                : 'This is the proeftuin’s stand-in Yivi app. Dezi asks for this attribute:'
            }
            <code>${s.attributeIds.join(nl ? ' of ' : ' or ')}</code>
          </p>
          <form method="post" action="${YIVI_SERVER_PATH}/app">
            <input type="hidden" name="csrf" value="${web.csrfToken(`yivi-app:${s.clientToken}`)}" />
            <input type="hidden" name="session" value="${s.clientToken}" />
            <input type="hidden" name="attribute" value="${attribute ?? ''}" />
            <div class="utrecht-form-field utrecht-form-field--text">
              <label for="person">${nl ? 'Wiens gegevens deelt u?' : 'Whose data do you share?'}</label>
              <select id="person" name="person">
                ${SEED_PERSONS.map(
                  (p) =>
                    html`<option value="${p.deziNummer}">
                      ${[p.voorletters, p.voorvoegsel, p.achternaam].filter(Boolean).join(' ')},
                      ${p.note[web.lang(req)]}
                    </option>`,
                )}
              </select>
            </div>
            ${buttonGroup(
              button({ label: nl ? 'Delen' : 'Share', name: 'action', value: 'disclose' }),
              button({
                label: nl ? 'Weigeren' : 'Decline',
                name: 'action',
                value: 'cancel',
                variant: 'secondary',
              }),
            )}
          </form>`,
      );
    });

    app.post(`${YIVI_SERVER_PATH}/app`, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const s = appSession(body);
      const nl = web.lang(req, reply) === 'nl';
      if (!s || !validFormPost(web, d.issuer, req, `yivi-app:${s.clientToken}`)) {
        return web.renderProblem(req, reply, {
          status: 400,
          titleKey: 'error.bad_request.title',
          bodyKey: 'error.bad_request.body',
        });
      }
      const person = SEED_PERSONS.find((p) => p.deziNummer === body.person);
      const attribute = typeof body.attribute === 'string' ? STAND_IN_ATTRIBUTES[body.attribute] : undefined;
      if (
        body.action === 'disclose' &&
        person &&
        attribute &&
        s.attributeIds.includes(body.attribute as string)
      ) {
        s.disclosed = { id: body.attribute as string, rawvalue: attribute(person), status: 'PRESENT' };
        setStatus(s, 'DONE');
      } else {
        setStatus(s, 'CANCELLED');
      }
      return appPage(
        req,
        reply,
        html`<h1>Yivi-app (proeftuin)</h1>
          <p role="status">
            ${
              s.status === 'DONE'
                ? nl
                  ? 'Gedeeld. Ga terug naar het inlogscherm van Dezi.'
                  : 'Shared. Go back to Dezi’s login screen.'
                : nl
                  ? 'Geweigerd. Ga terug naar het inlogscherm van Dezi.'
                  : 'Declined. Go back to Dezi’s login screen.'
            }
          </p>`,
      );
    });
  }

  return { requestorToken, publicKeyPem, routes };
}

/** Where the stand-in phone opens a session that this stand-in started; null for another server's. */
export function standInAppUrl(issuer: string, sessionPtr: { u: string }): string | null {
  const prefix = `${issuer}${YIVI_SERVER_PATH}/irma/session/`;
  if (!sessionPtr.u.startsWith(prefix)) return null;
  return `${YIVI_SERVER_PATH}/app?session=${encodeURIComponent(sessionPtr.u.slice(prefix.length))}`;
}
