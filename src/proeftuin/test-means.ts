// The proeftuin's second login means: a small stand-in for a market means at level substantial,
// with a switch that makes it up, down or slow. Vendors use it to see how Dezi offers means by level
// and per client, and what a person sees when a means fails; the tests drive the same switch.
// Protocol: front channel with a one-time code, back channel that exchanges the code for the subject
// (so the BSN never travels through the browser); /health for the registry.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LOA } from '../means/loa.ts';
import { constantTimeEqual, type Secrets } from '../secrets.ts';
import { button, buttonGroup } from '../web/components.ts';
import { html } from '../web/html.ts';
import { t } from '../web/i18n.ts';
import type { Web } from '../web/web.ts';
import { validFormPost } from '../web/csrf.ts';
import { SEED_PERSONS } from './seed-data.ts';

export const TEST_MEANS_PATH = '/proeftuin/testmiddel';
export const TEST_MEANS_ID = 'testmiddel';
export const TEST_MEANS_LOA = LOA.substantial;

export type TestMeansMode = 'up' | 'down' | 'slow';
const MODES: readonly string[] = ['up', 'down', 'slow'];

const CODE_TTL_MS = 120_000;
const MAX_CODES = 10_000;
const STATE = /^[A-Za-z0-9_-]{16,128}$/;
/** How long a 'slow' upstream keeps a request open (longer than any timeout on Dezi's side). */
const SLOW_MS = 60_000;

export function testMeansToken(secrets: Secrets): string {
  return secrets.hmac('means-state', 'testmiddel-token');
}

export interface TestMeansDeps {
  issuer: string;
  secrets: Secrets;
  web: Web;
  /** Bearer token that may flip the switch (the proeftuin's registration token). */
  switchToken: string;
  /** Called after the switch moved, so that Dezi's health cache does not hide the change. */
  onSwitch?: () => void;
}

interface Pending {
  state: string;
  bsn: string;
  expiresAt: number;
}

export async function testMeansRoutes(app: FastifyInstance, d: TestMeansDeps): Promise<void> {
  const { web } = d;
  const token = testMeansToken(d.secrets);
  let mode: TestMeansMode = 'up';
  // Codes live in memory: the stand-in is one process's proeftuin toy, like an upstream's own store.
  const codes = new Map<string, Pending>();
  const hanging = new Set<() => void>();

  /** Keeps the request open as a hung upstream would, until the caller gives up or Dezi stops. */
  function hang(req: FastifyRequest, reply: FastifyReply) {
    return new Promise<FastifyReply>((resolve) => {
      const release = () => {
        clearTimeout(timer);
        hanging.delete(release);
        resolve(reply.code(504).send({ error: 'timeout' }));
      };
      const timer = setTimeout(release, SLOW_MS);
      hanging.add(release);
      reply.raw.once('close', release);
    });
  }
  app.addHook('onClose', async () => {
    for (const release of [...hanging]) release();
  });

  function params(source: Record<string, unknown>): { state: string; returnTo: string } | null {
    const { state, return_to } = source;
    if (typeof state !== 'string' || !STATE.test(state)) return null;
    if (typeof return_to !== 'string' || return_to.length > 512) return null;
    if (!return_to.startsWith(`${d.issuer}/interaction/`) || /[?#]/.test(return_to)) return null;
    return { state, returnTo: return_to };
  }

  function badRequest(req: FastifyRequest, reply: FastifyReply) {
    return web.renderProblem(req, reply, {
      status: 400,
      titleKey: 'error.bad_request.title',
      bodyKey: 'error.bad_request.body',
    });
  }

  app.get(`${TEST_MEANS_PATH}/login`, async (req, reply) => {
    const p = params(req.query as Record<string, unknown>);
    if (!p) return badRequest(req, reply);
    const lang = web.lang(req, reply);
    const body = html`<h1>${t(lang, 'testmeans.title')}</h1>
      <p>${t(lang, 'testmeans.intro')}</p>
      <form method="post" action="${TEST_MEANS_PATH}/login">
        <input type="hidden" name="csrf" value="${web.csrfToken(`testmiddel:${p.state}`)}" />
        <input type="hidden" name="state" value="${p.state}" />
        <input type="hidden" name="return_to" value="${p.returnTo}" />
        <div class="utrecht-form-field utrecht-form-field--text">
          <label for="person">${t(lang, 'testmeans.person')}</label>
          <select id="person" name="person" required>
            ${SEED_PERSONS.map(
              (s) =>
                html`<option value="${s.deziNummer}">
                  ${[s.voorletters, s.voorvoegsel, s.achternaam].filter(Boolean).join(' ')}, ${s.note[lang]}
                </option>`,
            )}
          </select>
        </div>
        ${buttonGroup(
          button({ label: t(lang, 'testmeans.login'), name: 'action', value: 'login' }),
          button({
            label: t(lang, 'means.choose_other'),
            name: 'action',
            value: 'cancel',
            variant: 'secondary',
          }),
        )}
      </form>`;
    return web.render(req, reply, { lang, title: t(lang, 'testmeans.title'), body });
  });

  app.post(`${TEST_MEANS_PATH}/login`, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const p = params(body);
    if (!p || !validFormPost(web, d.issuer, req, `testmiddel:${p.state}`)) {
      return badRequest(req, reply);
    }
    const back = new URL(p.returnTo);
    back.searchParams.set('state', p.state);
    if (body.action === 'cancel') {
      back.searchParams.set('error', 'cancelled');
      return reply.redirect(back.href, 303);
    }
    const person = SEED_PERSONS.find((s) => s.deziNummer === body.person);
    if (!person) return badRequest(req, reply);
    const now = Date.now();
    for (const [c, v] of codes) if (v.expiresAt < now) codes.delete(c);
    if (codes.size >= MAX_CODES) return reply.code(503).send({ error: 'busy' });
    const code = randomBytes(32).toString('base64url');
    codes.set(code, { state: p.state, bsn: person.bsn, expiresAt: now + CODE_TTL_MS });
    back.searchParams.set('code', code);
    return reply.redirect(back.href, 303);
  });

  // Back channel: one exchange per code, bearer-authenticated.
  app.post(`${TEST_MEANS_PATH}/token`, async (req, reply) => {
    if (!constantTimeEqual(req.headers.authorization ?? '', `Bearer ${token}`)) {
      return reply.code(401).send({ error: 'unauthorized' });
    }
    if (mode === 'down') return reply.code(503).send({ error: 'unavailable' });
    if (mode === 'slow') return hang(req, reply);
    const code = (req.body as { code?: unknown } | undefined)?.code;
    if (typeof code !== 'string' || code.length > 128)
      return reply.code(400).send({ error: 'invalid_request' });
    const pending = codes.get(code);
    codes.delete(code);
    if (!pending || pending.expiresAt < Date.now()) return reply.code(404).send({ error: 'unknown_code' });
    return reply
      .header('cache-control', 'no-store')
      .send({ state: pending.state, bsn: pending.bsn, loa: TEST_MEANS_LOA });
  });

  // Polled by the registry; only problems belong in the log.
  app.get(`${TEST_MEANS_PATH}/health`, { logLevel: 'warn' }, async (req, reply) => {
    if (mode === 'down') return reply.code(503).send({ status: 'down' });
    if (mode === 'slow') return hang(req, reply);
    return reply.send({ status: 'up' });
  });

  // The switch: PUT {"mode": "up" | "down" | "slow"} with the proeftuin's registration token.
  app.put(`${TEST_MEANS_PATH}/mode`, async (req, reply) => {
    if (!constantTimeEqual(req.headers.authorization ?? '', `Bearer ${d.switchToken}`)) {
      return reply.code(401).send({ error: 'unauthorized' });
    }
    const wanted = (req.body as { mode?: unknown } | undefined)?.mode;
    if (typeof wanted !== 'string' || !MODES.includes(wanted)) {
      return reply
        .code(400)
        .send({ error: 'invalid_request', error_description: 'mode must be up, down or slow' });
    }
    mode = wanted as TestMeansMode;
    d.onSwitch?.();
    req.log.info({ means: TEST_MEANS_ID, mode }, 'proeftuin test means switched');
    return reply.send({ mode });
  });
  app.get(`${TEST_MEANS_PATH}/mode`, async (_req, reply) => reply.send({ mode }));
}
