// Misbehaving upstreams for failure injection: a Yivi (IRMA) server and an OpenID provider that
// speak the real protocols but can be told to sign with the wrong key, answer slowly, or put
// wrong values in what they sign. Dezi's production adapters are what the tests exercise.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { LOA } from '../../src/means/loa.ts';
import type { OidcMeansConfig } from '../../src/means/oidc/config.ts';
import type { YiviConfig } from '../../src/means/yivi/config.ts';

async function listen(handler: (req: IncomingMessage, res: ServerResponse, body: string) => Promise<void>) {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      handler(req, res, body).catch((err: Error) => {
        res.writeHead(500).end(err.message);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://localhost:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Unref: a slow answer still pending when a test ends must not keep the test process alive.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

function json(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

export const FAKE_IRMA_TOKEN = 'fake-irma-requestor-token-0123456789';
export const FAKE_BSN_ATTRIBUTE = 'pbdf.gemeente.personalData.bsn';
export const FAKE_HIGH_ATTRIBUTE = 'irma-demo.dezi.zorgidentiteit.deziNummer';

export interface IrmaBehaviour {
  startDelayMs?: number;
  /** Answers POST /session with this status and body instead of a session. */
  startAnswer?: { status: number; body: unknown };
  resultDelayMs?: number;
  /** What GET status answers (DONE by default, so that "continue" leads to the result). */
  status?: string;
  signWithWrongKey?: boolean;
  /** Changes the signed result (and its claims) before signing. */
  result?: (payload: JWTPayload & Record<string, unknown>) => JWTPayload & Record<string, unknown>;
  bsn?: string;
}

export async function fakeIrmaServer() {
  const right = await generateKeyPair('RS256', { extractable: true });
  const wrong = await generateKeyPair('RS256');
  let behaviour: IrmaBehaviour = {};
  const sessions = new Set<string>();
  const calls: string[] = [];

  const server = await listen(async (req, res) => {
    const path = new URL(req.url!, 'http://x').pathname;
    calls.push(`${req.method} ${path}`);
    if (req.method === 'POST' && path === '/session') {
      if (req.headers.authorization !== FAKE_IRMA_TOKEN) return json(res, 403, { error: 'UNAUTHORIZED' });
      if (behaviour.startDelayMs) await sleep(behaviour.startDelayMs);
      if (behaviour.startAnswer) return json(res, behaviour.startAnswer.status, behaviour.startAnswer.body);
      const token = randomBytes(20).toString('base64url');
      sessions.add(token);
      return json(res, 200, {
        token,
        sessionPtr: {
          u: `${server.url}/irma/session/${randomBytes(20).toString('base64url')}`,
          irmaqr: 'disclosing',
        },
        frontendRequest: { authorization: 'x' },
      });
    }
    const m = /^\/session\/([^/]+)\/(status|result-jwt)$/.exec(path);
    if (req.method === 'GET' && m && sessions.has(m[1]!)) {
      if (m[2] === 'status') return json(res, 200, behaviour.status ?? 'DONE');
      if (behaviour.resultDelayMs) await sleep(behaviour.resultDelayMs);
      const base = {
        token: m[1]!,
        status: 'DONE',
        type: 'disclosing',
        proofStatus: 'VALID',
        disclosed: [[{ id: FAKE_BSN_ATTRIBUTE, rawvalue: behaviour.bsn ?? '999990007', status: 'PRESENT' }]],
        iss: 'fake-irma',
        sub: 'disclosure_result',
        iat: Math.floor(Date.now() / 1000),
      };
      const payload = behaviour.result ? behaviour.result(base) : base;
      const jwt = await new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
        .sign(behaviour.signWithWrongKey ? wrong.privateKey : right.privateKey);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(jwt);
      return;
    }
    return json(res, 400, { error: 'SESSION_UNKNOWN' });
  });

  const config: YiviConfig = {
    serverUrl: server.url,
    requestorToken: FAKE_IRMA_TOKEN,
    serverPublicKeyPem: await exportSPKI(right.publicKey),
    jwtIssuer: 'fake-irma',
    attributes: [
      { id: FAKE_BSN_ATTRIBUTE, subject: 'bsn', loa: LOA.substantial },
      { id: FAKE_HIGH_ATTRIBUTE, subject: 'uzi-nummer', loa: LOA.high },
    ],
    category: 'wdo',
    timeoutMs: 2000,
    sessionTtlSeconds: 300,
  };
  return {
    ...server,
    config,
    calls,
    behave(b: IrmaBehaviour) {
      behaviour = b;
    },
  };
}

export const FAKE_OP_MEANS_ID = 'oidc-test';
export const FAKE_ACR = { hoog: 'urn:test:hoog', laag: 'urn:test:laag' } as const;

export interface OpBehaviour {
  tokenDelayMs?: number;
  /** Answers the token request with this status and body instead of tokens. */
  tokenAnswer?: { status: number; body: unknown };
  signWithWrongKey?: boolean;
  /** Changes the ID token's claims before signing. */
  idToken?: (claims: JWTPayload & Record<string, unknown>) => JWTPayload & Record<string, unknown>;
  uziNummer?: string;
}

export async function fakeOpenIdProvider() {
  const op = await generateKeyPair('RS256', { extractable: true });
  const wrong = await generateKeyPair('RS256');
  const rp = await generateKeyPair('RS256', { extractable: true });
  const opJwk: JWK = { ...(await exportJWK(op.publicKey)), kid: 'op-1', alg: 'RS256', use: 'sig' };
  const rpJwk: JWK = { ...(await exportJWK(rp.privateKey)), kid: 'dezi-rp-1', alg: 'RS256', use: 'sig' };
  let behaviour: OpBehaviour = {};
  const codes = new Map<string, { nonce: string; challenge: string; redirectUri: string }>();
  const tokenRequests: Record<string, string>[] = [];

  const server = await listen(async (req, res, body) => {
    const url = new URL(req.url!, 'http://x');
    const issuer = server.url;
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
        code_challenge_methods_supported: ['S256'],
        acr_values_supported: Object.values(FAKE_ACR),
      });
    }
    if (url.pathname === '/jwks') return json(res, 200, { keys: [opJwk] });
    if (url.pathname === '/authorize') {
      const p = url.searchParams;
      const code = randomBytes(16).toString('base64url');
      codes.set(code, {
        nonce: p.get('nonce')!,
        challenge: p.get('code_challenge')!,
        redirectUri: p.get('redirect_uri')!,
      });
      const back = new URL(p.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', p.get('state')!);
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = Object.fromEntries(new URLSearchParams(body));
      tokenRequests.push(form);
      if (behaviour.tokenDelayMs) await sleep(behaviour.tokenDelayMs);
      if (behaviour.tokenAnswer) return json(res, behaviour.tokenAnswer.status, behaviour.tokenAnswer.body);
      const grant = codes.get(form.code ?? '');
      codes.delete(form.code ?? '');
      const challenge = createHash('sha256')
        .update(form.code_verifier ?? '')
        .digest('base64url');
      if (!grant || grant.challenge !== challenge || grant.redirectUri !== form.redirect_uri) {
        return json(res, 400, { error: 'invalid_grant' });
      }
      const now = Math.floor(Date.now() / 1000);
      const base = {
        iss: issuer,
        aud: 'dezi-test',
        sub: 'fake-sub-1',
        uzi_nummer: behaviour.uziNummer ?? '900010001',
        nonce: grant.nonce,
        acr: FAKE_ACR.hoog,
        iat: now,
        exp: now + 300,
        auth_time: now,
      };
      const claims = behaviour.idToken ? behaviour.idToken(base) : base;
      const idToken = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'op-1' })
        .sign((behaviour.signWithWrongKey ? wrong.privateKey : op.privateKey) as CryptoKey);
      return json(res, 200, { access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token: idToken });
    }
    return json(res, 404, { error: 'not_found' });
  });

  const config: OidcMeansConfig = {
    id: FAKE_OP_MEANS_ID,
    displayName: { nl: 'Test-OP', en: 'Test OP' },
    category: 'nen7518',
    issuer: server.url,
    clientId: 'dezi-test',
    privateJwk: rpJwk,
    scope: 'openid',
    subjectClaim: 'uzi_nummer',
    subjectKind: 'uzi-nummer',
    acr: { [FAKE_ACR.hoog]: LOA.high, [FAKE_ACR.laag]: LOA.low },
    timeoutMs: 2000,
  };
  return {
    ...server,
    config,
    tokenRequests,
    behave(b: OpBehaviour) {
      behaviour = b;
    },
  };
}
