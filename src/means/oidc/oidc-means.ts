// An OpenID Connect login means: Dezi is a relying party of the means supplier (authorization code
// flow, PKCE S256, private_key_jwt, nonce, acr_values), and openid-client validates the ID token.
// The supplier redirects to one fixed redirect URI per means, so that it can be registered exactly;
// the broker's callback for this login travels sealed inside `state`.
import { importJWK, type CryptoKey } from 'jose';
import * as oidc from 'openid-client';
import { constantTimeEqual, type Secrets } from '../../secrets.ts';
import { upstreamFetch } from '../http.ts';
import { loaRank, meetsLoa } from '../loa.ts';
import {
  MeansError,
  type LoginMeans,
  type MeansCallback,
  type MeansResult,
  type MeansStart,
} from '../means.ts';
import { subjectFrom } from '../subject.ts';
import type { OidcMeansConfig } from './config.ts';

export const OIDC_MEANS_PATH = '/means/oidc';

export function redirectUriFor(issuer: string, meansId: string): string {
  return `${issuer}${OIDC_MEANS_PATH}/${meansId}/callback`;
}

interface SealedState {
  /** The broker's callback for this login. */
  c: string;
  /** The broker's state for this login. */
  s: string;
}

/** Seals the broker's callback and state into the `state` sent to the supplier (AES-GCM). */
export function sealState(secrets: Secrets, meansId: string, value: SealedState): string {
  return secrets
    .encrypt('means-state', Buffer.from(JSON.stringify(value)), `oidc-means:${meansId}`)
    .toString('base64url');
}

/** Opens a `state` sealed by sealState for this means; null for anything forged, altered or foreign. */
export function openState(secrets: Secrets, meansId: string, state: unknown): SealedState | null {
  if (typeof state !== 'string' || state.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(state)) return null;
  try {
    const value = JSON.parse(
      secrets
        .decrypt('means-state', Buffer.from(state, 'base64url'), `oidc-means:${meansId}`)
        .toString('utf8'),
    ) as Partial<SealedState>;
    return typeof value.c === 'string' && typeof value.s === 'string' ? { c: value.c, s: value.s } : null;
  } catch {
    return null;
  }
}

/** No answer, no answer in time, or a server error: the supplier is unavailable, not wrong. */
function unreachable(err: unknown): boolean {
  if (err instanceof TypeError && err.message === 'fetch failed') return true;
  if (err instanceof DOMException && (err.name === 'TimeoutError' || err.name === 'AbortError')) return true;
  if (!(err instanceof oidc.ClientError)) return false;
  if (err.code === 'OAUTH_TIMEOUT' || err.code === 'OAUTH_ABORT') return true;
  return (
    err.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' && err.cause instanceof Response && err.cause.status >= 500
  );
}

function describe(err: unknown): string {
  if (err instanceof oidc.ResponseBodyError) return `supplier answered ${err.error}`;
  return err instanceof Error ? err.message : String(err);
}

export async function createOidcMeans(
  c: OidcMeansConfig,
  d: { issuer: string; secrets: Secrets },
): Promise<LoginMeans> {
  const redirectUri = redirectUriFor(d.issuer, c.id);
  const key = (await importJWK(c.privateJwk, c.privateJwk.alg)) as CryptoKey;
  const insecure = c.issuer.startsWith('http:'); // loopback only: the configuration refuses others
  const loa = Object.values(c.acr).reduce((a, b) => (loaRank(a) >= loaRank(b) ? a : b));
  let configuration: Promise<oidc.Configuration> | null = null;

  /** Discovery once, lazily (the supplier need not be up when Dezi starts); retried after a failure. */
  function discover(): Promise<oidc.Configuration> {
    configuration ??= oidc
      .discovery(
        new URL(c.issuer),
        c.clientId,
        { id_token_signed_response_alg: c.privateJwk.alg === 'ES256' ? 'ES256' : 'RS256' },
        oidc.PrivateKeyJwt({ key, kid: c.privateJwk.kid }),
        { execute: insecure ? [oidc.allowInsecureRequests] : [], timeout: c.timeoutMs / 1000 },
      )
      .then((config) => {
        // Verify the ID token's signature against the supplier's JWKS too, not only trust TLS.
        oidc.enableNonRepudiationChecks(config);
        return config;
      })
      .catch((err: unknown) => {
        configuration = null;
        throw new MeansError(
          'unavailable',
          `discovery at ${new URL(c.issuer).host} failed: ${describe(err)}`,
          {
            cause: err,
          },
        );
      });
    return configuration;
  }

  // PKCE verifier and nonce follow from the broker's per-login random state and a key only Dezi
  // holds, so nothing needs storing between start and finish.
  const verifierFor = (state: string) => d.secrets.hmac('means-state', `oidc-pkce:${c.id}:${state}`);
  const nonceFor = (state: string) => d.secrets.hmac('means-state', `oidc-nonce:${c.id}:${state}`);

  return {
    id: c.id,
    displayName: c.displayName,
    category: c.category,
    loa,
    subjectKinds: [c.subjectKind],

    async start(request: MeansStart) {
      const config = await discover();
      const acrValues = Object.entries(c.acr)
        .filter(([, level]) => meetsLoa(level, request.minimumLoa))
        .sort(([, a], [, b]) => loaRank(a) - loaRank(b))
        .map(([acr]) => acr);
      if (acrValues.length === 0) throw new MeansError('insufficient_loa', 'no acr value reaches the level');
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: c.scope,
        state: sealState(d.secrets, c.id, { c: request.callbackUrl, s: request.state }),
        nonce: nonceFor(request.state),
        code_challenge: await oidc.calculatePKCECodeChallenge(verifierFor(request.state)),
        code_challenge_method: 'S256',
        acr_values: acrValues.join(' '),
      });
      return { redirectTo: url.href };
    },

    async finish(callback: MeansCallback): Promise<MeansResult> {
      const q = callback.query;
      const sealed = openState(d.secrets, c.id, q.state);
      if (!sealed || !constantTimeEqual(sealed.s, callback.expectedState)) {
        throw new MeansError('invalid_response', 'state does not match this login');
      }
      if (q.error === 'access_denied')
        throw new MeansError('cancelled', 'the person cancelled at the supplier');
      if (q.error !== undefined)
        throw new MeansError('invalid_response', 'the supplier answered with an error');

      const config = await discover();
      const currentUrl = new URL(redirectUri);
      for (const [name, value] of Object.entries(q)) {
        if (typeof value === 'string' && name !== 'lang') currentUrl.searchParams.set(name, value);
      }
      let claims: oidc.IDToken;
      try {
        const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
          pkceCodeVerifier: verifierFor(sealed.s),
          expectedNonce: nonceFor(sealed.s),
          expectedState: q.state as string,
          idTokenExpected: true,
        });
        claims = tokens.claims()!;
      } catch (err) {
        if (unreachable(err))
          throw new MeansError('unavailable', `token request failed: ${describe(err)}`, { cause: err });
        throw new MeansError('invalid_response', `ID token or token response rejected: ${describe(err)}`, {
          cause: err,
        });
      }
      const level =
        typeof claims.acr === 'string' && Object.hasOwn(c.acr, claims.acr) ? c.acr[claims.acr]! : null;
      if (!level) throw new MeansError('invalid_response', 'the ID token carries no known acr');
      if (!meetsLoa(level, callback.minimumLoa)) {
        throw new MeansError('insufficient_loa', 'the supplier authenticated below the requested level', {
          reached: level,
        });
      }
      return {
        meansId: c.id,
        subject: subjectFrom(c.subjectKind, claims[c.subjectClaim], c.id),
        loaAuthn: level,
      };
    },

    async health() {
      // Asks the supplier now; the cached discovery result says nothing about whether it is up.
      try {
        const res = await upstreamFetch(new URL('.well-known/openid-configuration', `${c.issuer}/`).href, {
          method: 'GET',
          timeoutMs: 2000,
        });
        return res.status === 200;
      } catch {
        return false;
      }
    },
  };
}
