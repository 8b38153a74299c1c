// A relying party written from the Koppelvlakspecificatie Dezi v0.7 text alone, as a vendor who never
// saw this project's code would write it: no discovery, the spec's fixed paths (§4.1, §4.2, §4.3,
// §5.2, §6), a public client (client_id and code_verifier, no client authentication, §4.2.3), the
// spec's authorization request with display=page and prompt=login (§4.2.1), Accept: application/json
// at userinfo (§4.3.1), and jose for every signature and decryption. Only its base URL and client_id
// are Dezi's.
import assert from 'node:assert/strict';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import {
  compactDecrypt,
  compactVerify,
  createLocalJWKSet,
  decodeProtectedHeader,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JWK,
} from 'jose';
import { Browser, radioValues, type Exchange } from './browser.ts';
import { digidLogin } from './login.ts';

const b64url = (b: Buffer) => b.toString('base64url');

export interface SpecLogin {
  browser: Browser;
  final: Exchange;
  state: string;
  nonce: string;
  verifier: string;
}

export interface SpecUserinfo {
  /** The JWE header when the answer was encrypted; undefined for the signed envelope. */
  jweHeader?: Record<string, unknown>;
  envelopeHeader: Record<string, unknown>;
  envelope: Record<string, unknown>;
  verklaringHeader: Record<string, unknown>;
  verklaring: Record<string, unknown>;
  /** The verklaring payload's JSON text exactly as signed. */
  verklaringJson: string;
  /** The eSeal certificate chain from the jku's x5c. */
  esealChain: X509Certificate[];
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

async function jwks(url: string): Promise<{ keys: JWK[] }> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `${url} answered ${res.status}`);
  return (await res.json()) as { keys: JWK[] };
}

/** The x5c chain of a JWK, checked: its key is the JWK's, each certificate issued by the next, all valid now. */
function certificateChain(jwk: JWK, anchors: X509Certificate[], at: Date): X509Certificate[] {
  assert.ok(Array.isArray(jwk.x5c) && jwk.x5c.length > 0, 'the eSeal key has an x5c chain');
  const chain = jwk.x5c.map((c) => new X509Certificate(Buffer.from(c, 'base64')));
  const leafKey = chain[0]!.publicKey.export({ format: 'jwk' }) as JWK;
  assert.equal(leafKey.n, jwk.n, 'x5c[0] holds the JWK key');
  assert.equal(leafKey.e, jwk.e);
  const print = createHash('sha256').update(chain[0]!.raw).digest('base64url');
  assert.equal(jwk['x5t#S256'], print, 'x5t#S256 names x5c[0]');
  for (let i = 0; i < chain.length; i++) {
    const c = chain[i]!;
    assert.ok(
      Date.parse(c.validFrom) <= at.getTime() && at.getTime() < Date.parse(c.validTo),
      `x5c[${i}] valid`,
    );
    const issuer = chain[i + 1] ?? anchors.find((a) => c.checkIssued(a));
    if (!issuer) {
      // Without trust anchors (a relying party that pins nothing) the chain is only checked within itself.
      if (anchors.length)
        assert.ok(
          anchors.some((a) => a.raw.equals(c.raw)),
          `x5c[${i}] leads to a trust anchor`,
        );
      break;
    }
    assert.ok(
      c.checkIssued(issuer) && c.verify(issuer.publicKey),
      `x5c[${i}] is issued by the next certificate`,
    );
  }
  return chain;
}

export function specRp(
  authority: string,
  clientId: string,
  redirectUri: string,
  trustAnchors: string[] = [],
) {
  const anchors = trustAnchors.map((pem) => new X509Certificate(pem));
  return {
    /** §4.2.1: the authorization request, then the person logs in with DigiD (and chooses, if asked). */
    async login(
      bsn: string,
      o: { browser?: Browser; choose?: (values: string[]) => string } = {},
    ): Promise<SpecLogin> {
      const browser = o.browser ?? new Browser();
      const verifier = b64url(randomBytes(32));
      const state = b64url(randomBytes(16));
      const nonce = b64url(randomBytes(16));
      const challenge = b64url(createHash('sha256').update(verifier).digest());
      const url =
        `${authority}/authorize?response_type=code&client_id=${encodeURIComponent(clientId)}` +
        `&redirect_uri=${encodeURIComponent(redirectUri)}&scope=openid&state=${state}` +
        `&code_challenge=${challenge}&code_challenge_method=S256&display=page&prompt=login&nonce=${nonce}`;
      const page = await browser.goto(url, redirectUri);
      let final = await digidLogin(browser, page, bsn, redirectUri);
      if (final.status === 200 && final.url.endsWith('/kies')) {
        const values = radioValues(final.body, 'employment');
        final = await browser.submit(
          final,
          '/kies',
          { employment: (o.choose ?? ((v) => v[0]!))(values) },
          redirectUri,
        );
      }
      return { browser, final, state, nonce, verifier };
    },

    /** §4.2.2–§4.2.4: the code from the redirect, redeemed as a public client. */
    async token(l: SpecLogin): Promise<Record<string, unknown> & { access_token: string; id_token: string }> {
      assert.equal(
        l.final.status,
        303,
        `expected the redirect back, got ${l.final.status} at ${l.final.url}`,
      );
      const back = new URL(l.final.location!);
      assert.ok(l.final.location!.startsWith(redirectUri));
      assert.equal(back.searchParams.get('state'), l.state);
      const code = back.searchParams.get('code');
      assert.ok(code, `no code: ${back.search}`);
      const res = await fetch(`${authority}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          redirect_uri: redirectUri,
          code,
          code_verifier: l.verifier,
          grant_type: 'authorization_code',
          client_id: clientId,
        }),
      });
      const body = await json(res);
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(typeof body.access_token, 'string');
      assert.equal(String(body.token_type).toLowerCase(), 'bearer');
      assert.equal(typeof body.expires_in, 'number');
      assert.equal(body.scope, 'openid');
      assert.equal(typeof body.id_token, 'string');
      // The ID token (§3.4): RS256, checked against the keys at the jwks_uri of §4.1.
      const idKeys = createLocalJWKSet(await jwks(`${authority}/openid/connect/jwks.json`));
      const { payload, protectedHeader } = await jwtVerify(body.id_token as string, idKeys, {
        issuer: authority,
        audience: clientId,
        algorithms: ['RS256'],
      });
      assert.equal(protectedHeader.alg, 'RS256');
      assert.equal(payload.nonce, l.nonce);
      assert.equal(typeof payload.sub, 'string');
      return body as Record<string, unknown> & { access_token: string; id_token: string };
    },

    /**
     * §4.3: userinfo with Accept: application/json; a JWE (§4.3.4) when a key was registered, else the
     * signed envelope; the envelope (§4.3.5) checked with the id_token keys; the verklaring (§5)
     * through its jku and kid, with the x5c chain.
     */
    async userinfo(
      accessToken: string,
      o: { decryptionKey?: CryptoKey; expectedSub?: string; at?: Date } = {},
    ): Promise<SpecUserinfo> {
      const res = await fetch(`${authority}/userinfo`, {
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      });
      const text = await res.text();
      assert.equal(res.status, 200, text);
      assert.equal(res.headers.get('content-type')?.split(';')[0], 'application/jwt');
      let envelopeJwt = text;
      let jweHeader: Record<string, unknown> | undefined;
      if (text.split('.').length === 5) {
        assert.ok(o.decryptionKey, 'an encrypted answer needs the registered key');
        const { plaintext, protectedHeader } = await compactDecrypt(text, o.decryptionKey, {
          keyManagementAlgorithms: ['RSA-OAEP'],
          contentEncryptionAlgorithms: ['A256CBC-HS512', 'A128CBC-HS256'],
        });
        jweHeader = protectedHeader as Record<string, unknown>;
        envelopeJwt = new TextDecoder().decode(plaintext);
      } else {
        assert.equal(o.decryptionKey, undefined, 'expected an encrypted answer');
        assert.equal(text.split('.').length, 3);
      }
      const idKeys = createLocalJWKSet(await jwks(`${authority}/openid/connect/jwks.json`));
      const { payload: envelope, protectedHeader: envelopeHeader } = await jwtVerify(envelopeJwt, idKeys, {
        issuer: authority,
        audience: clientId,
        algorithms: ['RS256'],
        typ: 'JWT',
        ...(o.expectedSub ? { subject: o.expectedSub } : {}),
      });
      const jws = envelope.verklaring as string;
      const verklaringHeader = decodeProtectedHeader(jws) as Record<string, unknown>;
      // §3.4: the jku is Dezi's own (auth.dezi.nl/dezi/jwks.json); never follow another.
      assert.equal(verklaringHeader.jku, `${authority}/dezi/jwks.json`);
      const set = await jwks(verklaringHeader.jku as string);
      const jwk = set.keys.find((k) => k.kid === verklaringHeader.kid);
      assert.ok(jwk, `kid ${String(verklaringHeader.kid)} is in the jku's set`);
      const at = o.at ?? new Date();
      const esealChain = certificateChain(jwk, anchors, at);
      const { payload } = await compactVerify(jws, await importJWK(jwk, 'RS256'), { algorithms: ['RS256'] });
      const verklaringJson = new TextDecoder().decode(payload);
      const verklaring = JSON.parse(verklaringJson) as Record<string, unknown>;
      const now = Math.floor(at.getTime() / 1000);
      assert.ok(
        (verklaring.nbf as number) <= now && now < (verklaring.exp as number),
        'verklaring valid now',
      );
      assert.equal(envelope.verklaring_id, verklaring.verklaring_id);
      return {
        jweHeader,
        envelopeHeader: envelopeHeader as Record<string, unknown>,
        envelope: envelope as Record<string, unknown>,
        verklaringHeader,
        verklaring,
        verklaringJson,
        esealChain,
      };
    },

    /** §6.2: the status of one verklaring. */
    async status(verklaringId: string): Promise<{ status: number; body: Record<string, unknown> }> {
      const res = await fetch(`${authority}/status/v1/verklaring/${verklaringId}`);
      return { status: res.status, body: await json(res) };
    },

    /** §6.3: the revocation list, its signature checked with the eSeal key its header names. */
    async revocationList(): Promise<{
      header: Record<string, unknown>;
      payloadJson: string;
      payload: Record<string, unknown>;
    }> {
      const res = await fetch(`${authority}/revocatiecontrole/v1`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^application\/jose/);
      const jws = await res.text();
      const header = decodeProtectedHeader(jws) as Record<string, unknown>;
      assert.equal(header.jku, `${authority}/dezi/jwks.json`);
      const set = await jwks(header.jku as string);
      const jwk = set.keys.find((k) => k.kid === header.kid);
      assert.ok(jwk, 'the list names a published eSeal key');
      certificateChain(jwk, anchors, new Date());
      const { payload } = await compactVerify(jws, await importJWK(jwk, 'RS256'), { algorithms: ['RS256'] });
      const payloadJson = new TextDecoder().decode(payload);
      return { header, payloadJson, payload: JSON.parse(payloadJson) as Record<string, unknown> };
    },
  };
}
