// The proeftuin's stand-in for DigiD: a login page where a vendor picks a test person or types a
// BSN, and an artifact-resolution back channel. The BSN travels only in the form post to this page
// and in the back-channel answer, never in a URL.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { LOA, isLoa, loaLabel } from '../means/loa.ts';
import { Bsn, InvalidBsnError } from '../register/bsn.ts';
import { constantTimeEqual, type Secrets } from '../secrets.ts';
import { html } from '../web/html.ts';
import type { Web } from '../web/web.ts';
import { SEED_PERSONS } from './seed-data.ts';

export const DIGID_MOCK_PATH = '/proeftuin/digid-mock';
const ARTIFACT_TTL_SECONDS = 120;
const REQUEST_ID = /^[A-Za-z0-9_-]{16,128}$/;

export function digidMockResolveToken(secrets: Secrets): string {
  return secrets.hmac('means-state', 'digid-mock-resolve');
}

export interface DigidMockDeps {
  issuer: string;
  db: Database;
  secrets: Secrets;
  web: Web;
}

interface AuthnParams {
  requestId: string;
  returnTo: string;
  level: string;
}

function hashArtifact(artifact: string): string {
  return createHash('sha256').update(artifact).digest('base64url');
}

export async function digidMockRoutes(app: FastifyInstance, d: DigidMockDeps): Promise<void> {
  const { web } = d;
  const resolveToken = digidMockResolveToken(d.secrets);

  /** The only service provider this stand-in serves is this Dezi: return_to must be one of its callbacks. */
  function readParams(source: Record<string, unknown>): AuthnParams | null {
    const { request_id, return_to, level } = source;
    if (typeof request_id !== 'string' || !REQUEST_ID.test(request_id)) return null;
    if (typeof return_to !== 'string' || return_to.length > 512) return null;
    if (!return_to.startsWith(`${d.issuer}/interaction/`) || /[?#]/.test(return_to)) return null;
    if (level !== undefined && !isLoa(level)) return null;
    return { requestId: request_id, returnTo: return_to, level: (level as string | undefined) ?? LOA.high };
  }

  function renderLogin(req: FastifyRequest, reply: FastifyReply, p: AuthnParams, error: string | null) {
    const lang = web.lang(req, reply);
    const nl = lang === 'nl';
    const body = html`<h1>${nl ? 'Inloggen met DigiD (proeftuin)' : 'Log in with DigiD (proeftuin)'}</h1>
      <p>
        ${
          nl
            ? 'Dit is de nagebootste DigiD van de proeftuin. Kies een testpersoon of typ een BSN.'
            : 'This is the proeftuin’s stand-in for DigiD. Choose a test person or type a BSN.'
        }
        ${nl ? 'Gevraagd niveau' : 'Requested level'}: ${loaLabel(p.level as typeof LOA.high)}.
      </p>
      ${error ? html`<div class="notice notice-error" role="alert" id="bsn-error"><p class="error-message">${error}</p></div>` : ''}
      <form method="post" action="${DIGID_MOCK_PATH}/authenticate">
        <input type="hidden" name="csrf" value="${web.csrfToken(`digid-mock:${p.requestId}`)}" />
        <input type="hidden" name="request_id" value="${p.requestId}" />
        <input type="hidden" name="return_to" value="${p.returnTo}" />
        <input type="hidden" name="level" value="${p.level}" />
        <div class="field">
          <label for="person">${nl ? 'Testpersoon' : 'Test person'}</label>
          <select id="person" name="person">
            <option value="">${nl ? '— kies een testpersoon —' : '— choose a test person —'}</option>
            ${SEED_PERSONS.map(
              (s) =>
                html`<option value="${s.bsn}">
                  ${[s.voorletters, s.voorvoegsel, s.achternaam].filter(Boolean).join(' ')}, ${s.note[lang]}
                  (BSN ${s.bsn})
                </option>`,
            )}
          </select>
        </div>
        <div class="field">
          <label for="bsn">${nl ? 'Of typ een BSN' : 'Or type a BSN'}</label>
          <p class="hint" id="bsn-hint">
            ${nl ? '9 cijfers; moet de elfproef doorstaan.' : '9 digits; must pass the elfproef.'}
          </p>
          <input
            type="text"
            id="bsn"
            name="bsn"
            inputmode="numeric"
            autocomplete="off"
            maxlength="9"
            aria-describedby="bsn-hint${error ? ' bsn-error' : ''}"
            ${error ? html` aria-invalid="true"` : ''}
          />
        </div>
        <p>
          <button class="button" type="submit" name="action" value="login">
            ${nl ? 'Inloggen' : 'Log in'}
          </button>
        </p>
        <p>
          <button class="button button-secondary" type="submit" name="action" value="cancel">
            ${nl ? 'Annuleren' : 'Cancel'}
          </button>
        </p>
      </form>`;
    return web.render(req, reply.code(error ? 400 : 200), { lang, title: 'DigiD (proeftuin)', body });
  }

  function badRequest(req: FastifyRequest, reply: FastifyReply) {
    return web.renderProblem(req, reply, {
      status: 400,
      titleKey: 'error.bad_request.title',
      bodyKey: 'error.bad_request.body',
    });
  }

  app.get(`${DIGID_MOCK_PATH}/authenticate`, async (req, reply) => {
    const p = readParams(req.query as Record<string, unknown>);
    return p ? renderLogin(req, reply, p, null) : badRequest(req, reply);
  });

  app.post(`${DIGID_MOCK_PATH}/authenticate`, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const p = readParams(body);
    if (!p || !web.sameOrigin(req, d.issuer) || !web.verifyCsrf(`digid-mock:${p.requestId}`, body.csrf)) {
      return badRequest(req, reply);
    }
    const back = new URL(p.returnTo);
    back.searchParams.set('state', p.requestId);
    if (body.action === 'cancel') {
      back.searchParams.set('error', 'cancelled');
      return reply.redirect(back.href, 303);
    }
    const lang = web.lang(req);
    const typed = typeof body.bsn === 'string' ? body.bsn.trim() : '';
    const picked = typeof body.person === 'string' ? body.person : '';
    let bsn: Bsn;
    try {
      bsn = Bsn.parse(typed || picked);
    } catch (err) {
      if (!(err instanceof InvalidBsnError)) throw err;
      const message =
        typed || picked
          ? lang === 'nl'
            ? 'Dit is geen geldig BSN: het moet 9 cijfers hebben en de elfproef doorstaan.'
            : 'This is not a valid BSN: it must have 9 digits and pass the elfproef.'
          : lang === 'nl'
            ? 'Kies een testpersoon of typ een BSN.'
            : 'Choose a test person or type a BSN.';
      return renderLogin(req, reply, p, message);
    }
    const artifact = randomBytes(32).toString('base64url');
    const hash = hashArtifact(artifact);
    await d.db.query(
      `INSERT INTO proeftuin_digid_artifacts (artifact_hash, bsn_sealed, loa, request_id, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [
        hash,
        d.secrets.encrypt('means-state', Buffer.from(bsn.reveal()), hash),
        LOA.high,
        p.requestId,
        ARTIFACT_TTL_SECONDS,
      ],
    );
    back.searchParams.set('artifact', artifact);
    return reply.redirect(back.href, 303);
  });

  // Back channel: the SP resolves an artifact once. In production DigiD this is a SOAP
  // ArtifactResolve over mutual TLS; here a bearer token stands in for the TLS client certificate.
  app.post(`${DIGID_MOCK_PATH}/resolve`, async (req, reply) => {
    const auth = req.headers.authorization ?? '';
    if (!constantTimeEqual(auth, `Bearer ${resolveToken}`)) {
      return reply.code(401).send({ error: 'unauthorized' });
    }
    const artifact = (req.body as { artifact?: unknown } | undefined)?.artifact;
    if (typeof artifact !== 'string' || artifact.length > 128) {
      return reply.code(400).send({ error: 'invalid_request' });
    }
    const hash = hashArtifact(artifact);
    const [row] = await d.db.query<{ bsn_sealed: Uint8Array; loa: string; request_id: string }>(
      `UPDATE proeftuin_digid_artifacts SET resolved_at = now()
       WHERE artifact_hash = $1 AND resolved_at IS NULL AND expires_at > now()
       RETURNING bsn_sealed, loa, request_id`,
      [hash],
    );
    if (!row) return reply.code(404).send({ error: 'unknown_artifact' });
    const bsn = d.secrets.decrypt('means-state', Buffer.from(row.bsn_sealed), hash).toString('utf8');
    return reply.header('cache-control', 'no-store').send({ request_id: row.request_id, bsn, loa: row.loa });
  });

  app.get(`${DIGID_MOCK_PATH}/health`, async (_req, reply) => reply.send({ status: 'up' }));
}
