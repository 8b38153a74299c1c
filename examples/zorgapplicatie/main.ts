// The example zorgapplicatie: a relying party that logs a care worker in with Dezi and shows the
// verified Dezi-verklaring. Start Dezi (npm start), then this (npm run example), and open
// http://localhost:3001.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { connect, RegistrationError, type DeziClient, type ExampleSettings } from './client.ts';
import { errorPage, homePage, resultPage, type ErrorInfo, type Lang, type LoginResult } from './pages.ts';
import { fetchVerifiedUserinfo, VerificationError } from './verklaring.ts';

const port = Number(process.env.EXAMPLE_PORT || 3001);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`EXAMPLE_PORT moet een poortnummer zijn (1 tot 65535), niet "${process.env.EXAMPLE_PORT}".`);
  process.exit(1);
}
const baseUrl = `http://localhost:${port}`;
// --public: a public client with an encryption certificate, as the koppelvlak spec has it.
const isPublic = process.argv.includes('--public') || process.env.EXAMPLE_PUBLIC === '1';
const esealCaFile = process.env.DEZI_ESEAL_CA_FILE;
const settings: ExampleSettings = {
  issuer: (process.env.DEZI_ISSUER ?? 'http://localhost:3000').replace(/\/$/, ''),
  baseUrl,
  clientFile: resolve('.dezi', isPublic ? 'example-client-public.json' : 'example-client.json'),
  tokenFile: resolve('.dezi', 'proeftuin-registration-token'),
  registrationToken: process.env.DEZI_PROEFTUIN_REGISTRATION_TOKEN || undefined,
  public: isPublic,
  verklaringIssuer: process.env.DEZI_VERKLARING_ISSUER || 'https://abonnee.dezi.nl',
  esealAnchors: esealCaFile ? [readFileSync(esealCaFile, 'utf8')] : [],
};
const redirectUri = `${baseUrl}/callback`;
const CSS = readFileSync(join(import.meta.dirname, 'style.css'));

// --- Connecting to Dezi ------------------------------------------------------------------------

let dezi: DeziClient | undefined;
let connecting: Promise<DeziClient> | undefined;
let connectFailed = false;

/** One attempt at a time; a later page view tries again if Dezi was down. */
function getDezi(): Promise<DeziClient> {
  if (dezi) return Promise.resolve(dezi);
  connecting ??= connect(settings)
    .then(
      (d) => {
        dezi = d;
        console.log(`Verbonden met Dezi op ${d.issuer} als client ${d.clientId}.`);
        return d;
      },
      (err: unknown) => {
        connectFailed = true;
        throw err;
      },
    )
    .finally(() => {
      connecting = undefined;
    });
  return connecting;
}

async function connectAtStart(attempts = 5): Promise<void> {
  for (let i = 1; i <= attempts; i++) {
    try {
      await getDezi();
      return;
    } catch (err) {
      if (err instanceof RegistrationError) {
        console.error(`\n${err.message}\n`);
        process.exit(1);
      }
      if (i === attempts) break;
      const wait = 2 ** i;
      console.log(
        `Dezi is niet bereikbaar op ${settings.issuer} (poging ${i} van ${attempts}); opnieuw over ${wait} s…`,
      );
      await new Promise((r) => setTimeout(r, wait * 1000));
    }
  }
  console.error(
    `\nDezi is niet bereikbaar op ${settings.issuer}.\n` +
      `Start Dezi eerst (npm start), of zet DEZI_ISSUER op het juiste adres.\n` +
      `De voorbeeld-zorgapplicatie blijft draaien en probeert het opnieuw bij de volgende inlogpoging.\n`,
  );
}

// --- Sessions ----------------------------------------------------------------------------------

// Server-side, so that state, nonce, PKCE verifier and tokens never leave this process; the browser
// only holds a random id in an HttpOnly cookie.
type Session =
  | { kind: 'pending'; state: string; nonce: string; codeVerifier: string; lang: Lang; expires: number }
  | { kind: 'loggedIn'; result: LoginResult; idToken: string; lang: Lang; expires: number };

const COOKIE = 'zorgapp_sessie';
const PENDING_SECONDS = 15 * 60;
const LOGGED_IN_SECONDS = 60 * 60;
const MAX_SESSIONS = 10_000;
const sessions = new Map<string, Session>();

function sessionOf(req: FastifyRequest): [string, Session] | undefined {
  const sid = (req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim().split('='))
    .find(([name]) => name === COOKIE)?.[1];
  const s = sid ? sessions.get(sid) : undefined;
  if (!sid || !s) return undefined;
  if (s.expires < Date.now()) {
    sessions.delete(sid);
    return undefined;
  }
  return [sid, s];
}

/** Always a fresh id: a session id known before login must not become a logged-in one. */
function startSession(reply: FastifyReply, s: Session, seconds: number): void {
  if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
  const sid = randomBytes(32).toString('base64url');
  sessions.set(sid, s);
  reply.header('set-cookie', `${COOKIE}=${sid}; Path=/; Max-Age=${seconds}; HttpOnly; SameSite=Lax`);
}

/** Removes the session from the store; a cookie still naming it then simply finds nothing. */
function takeSession(req: FastifyRequest): Session | undefined {
  const found = sessionOf(req);
  if (found) sessions.delete(found[0]);
  return found?.[1];
}

setInterval(() => {
  for (const [sid, s] of sessions) if (s.expires < Date.now()) sessions.delete(sid);
}, 60_000).unref();

// --- Pages -------------------------------------------------------------------------------------

function langOf(value: unknown, fallback: Lang = 'nl'): Lang {
  return value === 'en' || value === 'nl' ? value : fallback;
}

function showError(reply: FastifyReply, lang: Lang, status: number, e: ErrorInfo) {
  return reply.code(status).type('text/html; charset=utf-8').send(errorPage(lang, e));
}

const UNREACHABLE: ErrorInfo = {
  title: ['Dezi is niet bereikbaar', 'Dezi cannot be reached'],
  message: [
    `De voorbeeld-zorgapplicatie kan Dezi niet bereiken op ${settings.issuer}. Start Dezi en probeer het opnieuw.`,
    `The example application cannot reach Dezi at ${settings.issuer}. Start Dezi and try again.`,
  ],
};

const LOGIN_FAILED: ErrorInfo['title'] = ['Inloggen is niet gelukt', 'Logging in did not succeed'];

/** What Dezi (or the person) said at the end of the authorization request. */
function authorizationError(err: oidc.AuthorizationResponseError): ErrorInfo {
  const detail = err.error_description ? `${err.error}: ${err.error_description}` : err.error;
  if (err.error === 'access_denied') {
    return {
      title: LOGIN_FAILED,
      message: [
        'U heeft het inloggen afgebroken, of Dezi kon u niet als zorgmedewerker inloggen.',
        'You cancelled logging in, or Dezi could not log you in as a care worker.',
      ],
      detail,
    };
  }
  return {
    title: LOGIN_FAILED,
    message: ['Dezi heeft het inloggen niet voltooid.', 'Dezi did not complete the login.'],
    detail,
  };
}

const app = Fastify({ logger: false, bodyLimit: 16 * 1024 });
await app.register(formbody);

app.addHook('onSend', async (_req, reply) => {
  const dezOrigin = new URL(settings.issuer).origin;
  reply.header(
    'content-security-policy',
    `default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self' ${dezOrigin}`,
  );
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
});

app.get('/style.css', async (_req, reply) =>
  reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(CSS),
);

app.get('/', async (req, reply) => {
  const found = sessionOf(req);
  const session = found?.[1];
  const lang = langOf((req.query as { lang?: unknown }).lang, session?.lang);
  reply.type('text/html; charset=utf-8');
  if (session?.kind === 'loggedIn') {
    session.lang = lang;
    return reply.send(resultPage(lang, session.result));
  }
  return reply.send(homePage(lang, settings.issuer, dezi !== undefined || !connectFailed));
});

app.route({
  method: ['GET', 'POST'],
  url: '/login',
  handler: async (req, reply) => {
    const input = { ...(req.query as object), ...(req.body as object | undefined) } as {
      lang?: unknown;
      prompt?: unknown;
    };
    const lang = langOf(input.lang);
    let d: DeziClient;
    try {
      d = await getDezi();
    } catch (err) {
      if (err instanceof RegistrationError) {
        return showError(reply, lang, 503, { title: LOGIN_FAILED, message: [err.message, err.message] });
      }
      return showError(reply, lang, 503, UNREACHABLE);
    }
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(d.config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ui_locales: lang,
      ...(input.prompt === 'login' ? { prompt: 'login' } : {}),
    });
    takeSession(req);
    startSession(
      reply,
      { kind: 'pending', state, nonce, codeVerifier, lang, expires: Date.now() + PENDING_SECONDS * 1000 },
      PENDING_SECONDS,
    );
    return reply.redirect(url.href, 303);
  },
});

app.get('/callback', async (req, reply) => {
  // One use: a replayed callback finds nothing. A logged-in session is left alone, so that a stray
  // request to /callback cannot log anyone out.
  const session = sessionOf(req)?.[1]?.kind === 'pending' ? takeSession(req) : undefined;
  const lang = session?.lang ?? 'nl';
  if (session?.kind !== 'pending' || !dezi) {
    return showError(reply, lang, 400, {
      title: LOGIN_FAILED,
      message: [
        'Deze inlogpoging is verlopen of niet meer geldig (bijvoorbeeld omdat u in een ander tabblad opnieuw bent begonnen). Probeer het opnieuw.',
        'This login attempt has expired or is no longer valid (for example because you started again in another tab). Please try again.',
      ],
    });
  }

  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    // Our own base URL, not the Host header: the redirect_uri sent to Dezi must match exactly.
    tokens = await oidc.authorizationCodeGrant(dezi.config, new URL(req.url, baseUrl), {
      pkceCodeVerifier: session.codeVerifier,
      expectedState: session.state,
      expectedNonce: session.nonce,
      idTokenExpected: true,
    });
  } catch (err) {
    if (err instanceof oidc.AuthorizationResponseError)
      return showError(reply, lang, 400, authorizationError(err));
    const detail =
      err instanceof oidc.ResponseBodyError
        ? `${err.error}${err.error_description ? `: ${err.error_description}` : ''}`
        : (err as Error).message;
    console.error(`Token-aanvraag mislukt: ${detail}`);
    return showError(reply, lang, 502, {
      title: LOGIN_FAILED,
      message: [
        'Het inwisselen van de autorisatiecode bij Dezi is mislukt.',
        'Exchanging the authorization code at Dezi failed.',
      ],
      detail,
    });
  }

  const idToken = tokens.claims()!;
  let result: LoginResult;
  try {
    const userinfo = await fetchVerifiedUserinfo(dezi, tokens.access_token, idToken.sub);
    result = { userinfo, acr: typeof idToken.acr === 'string' ? idToken.acr : undefined };
  } catch (err) {
    const detail = (err as Error).message;
    console.error(`Verklaring niet geaccepteerd: ${detail}`);
    return showError(reply, lang, 502, {
      title: ['Verklaring niet geaccepteerd', 'Verklaring not accepted'],
      message: [
        'De gegevens van Dezi konden niet worden opgehaald of gecontroleerd. De applicatie vertrouwt ze daarom niet.',
        'The data from Dezi could not be fetched or verified, so the application does not trust it.',
      ],
      detail: err instanceof VerificationError ? detail : undefined,
    });
  }
  startSession(
    reply,
    {
      kind: 'loggedIn',
      result,
      idToken: tokens.id_token!,
      lang,
      expires: Date.now() + LOGGED_IN_SECONDS * 1000,
    },
    LOGGED_IN_SECONDS,
  );
  return reply.redirect('/', 303);
});

app.post('/logout', async (req, reply) => {
  const session = takeSession(req);
  reply.header('set-cookie', `${COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`);
  if (session?.kind !== 'loggedIn' || !dezi?.config.serverMetadata().end_session_endpoint) {
    return reply.redirect(`/?lang=${session?.lang ?? 'nl'}`, 303);
  }
  // Also end the session at Dezi, or the next login would go through without asking.
  const url = oidc.buildEndSessionUrl(dezi.config, {
    id_token_hint: session.idToken,
    post_logout_redirect_uri: `${baseUrl}/`,
    ui_locales: session.lang,
  });
  return reply.redirect(url.href, 303);
});

app.setNotFoundHandler((req, reply) =>
  showError(reply, langOf((req.query as { lang?: unknown }).lang), 404, {
    title: ['Pagina niet gevonden', 'Page not found'],
    message: ['Deze pagina bestaat niet.', 'This page does not exist.'],
  }),
);

app.setErrorHandler((err, req, reply) => {
  console.error(`Fout bij ${req.method} ${req.url.split('?')[0]}: ${(err as Error).message}`);
  const status = (err as { statusCode?: number }).statusCode;
  return showError(reply, 'nl', status && status >= 400 && status < 500 ? status : 500, {
    title: ['Er ging iets mis', 'Something went wrong'],
    message: [
      'Er ging iets mis in de voorbeeld-zorgapplicatie. Probeer het opnieuw.',
      'Something went wrong. Please try again.',
    ],
  });
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void app.close().then(() => process.exit(0)));
}

await app.listen({ port, host: 'localhost' });
console.log(`Voorbeeld-zorgapplicatie draait op ${baseUrl} (Dezi: ${settings.issuer})`);
await connectAtStart();
