// The OpenID provider for zorgapplicaties, on oidc-provider, configured to the koppelvlak (spec v0.7
// §3, §4) and, where the spec leaves room, the NL GOV Assurance profile and RFC 9700: code flow only,
// PKCE S256 for every client, public clients as the spec has them and private_key_jwt for those that
// can, query response mode only, short-lived ID tokens with an eIDAS acr, pairwise subjects.
import { randomUUID } from 'node:crypto';
import Provider, {
  errors,
  interactionPolicy,
  type Configuration,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { Database } from '../db/database.ts';
import { LOA, minimumLoaFrom, type LoA } from '../means/loa.ts';
import { policyOf, sessionSatisfies } from '../means/policy.ts';
import type { Register } from '../register/register.ts';
import type { Secrets } from '../secrets.ts';
import { html, SafeHtml } from '../web/html.ts';
import { parseLang, t, type Lang } from '../web/i18n.ts';
import { alert, button, linkButton } from '../web/components.ts';
import { contactParagraph, page, type Servicedesk } from '../web/layout.ts';
import { STYLESHEETS } from '../web/static.ts';
import { acceptedLang, LANG_COOKIE, parseCookies } from '../web/web.ts';
import { adapterFactory } from './adapter.ts';
import {
  validateClientMetadata,
  CLIENT_ASSERTION_ALGS,
  CLIENT_AUTH_METHODS,
  EXTRA_CLIENT_PROPERTIES,
  SCOPES,
  USERINFO_ALG,
  USERINFO_ENC_VALUES,
} from './clients.ts';
import { ID_TOKEN_ALGS, SIGNING_ALG, type KeySet } from './keys.ts';
import { ROUTES } from './paths.ts';

export const USERINFO_PATH = '/userinfo';
export const MAX_CLIENT_ASSERTION_SECONDS = 300;

export const TTL = {
  AccessToken: 300,
  AuthorizationCode: 60,
  IdToken: 300,
  Interaction: 30 * 60,
  Session: 10 * 3600,
  Grant: 10 * 3600,
} as const;

export interface ProviderDeps {
  issuer: string;
  db: Database;
  secrets: Secrets;
  keys: KeySet;
  register: Register;
  registrationToken: string | null;
  proeftuin: boolean;
  /** Whom a person contacts, on the error pages oidc-provider renders. */
  servicedesk?: Servicedesk;
  trustProxy: boolean;
  /** The level asked for when neither the request nor the client names one (default high). */
  defaultMinimumLoa?: LoA;
  /** Counts a request of an authenticated client; throws (status 429, retryAfter) over its limit. */
  rateLimitClient?: (clientId: string) => Promise<void>;
}

/**
 * oidc-provider's prompts plus one login check: a session is re-used only when it reached the level
 * this request asks for and was made with a means this client accepts now; otherwise the person logs
 * in again (step-up, or the duale periode ending). acr_values alone would not force that.
 */
function interactionPolicyFor(defaultMinimumLoa: LoA) {
  const policy = interactionPolicy.base();
  policy.get('login')!.checks.add(
    new interactionPolicy.Check(
      'dezi_means_policy',
      'the session does not reach the requested level or was made with a means this client does not accept',
      'login_required',
      (ctx) => {
        const { oidc } = ctx;
        if (!oidc.session?.accountId) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
        const minimum = minimumLoaFrom(oidc.params?.acr_values as string | undefined, defaultMinimumLoa);
        const satisfied = sessionSatisfies(
          { acr: oidc.session.acr, amr: oidc.session.amr },
          policyOf(oidc.client!.metadata() as Record<string, unknown>),
          minimum,
          Date.now(),
        );
        return satisfied ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT;
      },
    ),
  );
  return policy;
}

/** The subject a client sees for a person: pairwise per sector unless the client asked for public. */
export function subjectFor(
  secrets: Secrets,
  accountId: string,
  client: { subjectType?: string; sectorIdentifier?: string },
): string {
  if (client.subjectType !== 'pairwise') return accountId;
  return secrets.hmac('pairwise', `${client.sectorIdentifier}|${accountId}`);
}

function langOf(ctx: KoaContextWithOIDC): Lang {
  return (
    parseLang(parseCookies(ctx.get('cookie'))[LANG_COOKIE]) ??
    acceptedLang(ctx.get('accept-language')) ??
    'nl'
  );
}

/** Pages oidc-provider renders itself (logout, errors) get Dezi's layout and language. */
function renderInto(
  ctx: KoaContextWithOIDC,
  d: Pick<ProviderDeps, 'proeftuin' | 'servicedesk'>,
  build: (lang: Lang) => { title: string; body: SafeHtml },
): void {
  const lang = langOf(ctx);
  ctx.type = 'html';
  ctx.body = page({
    lang,
    proeftuin: d.proeftuin,
    servicedesk: d.servicedesk,
    stylesheets: STYLESHEETS,
    ...build(lang),
  });
}

/** What an error page of oidc-provider's ends with: what to do next, and whom to contact. */
const nextSteps = (lang: Lang, d: Pick<ProviderDeps, 'servicedesk'>) =>
  html`<h2>${t(lang, 'problem.next')}</h2>
    <p>${linkButton({ href: '/', label: t(lang, 'problem.home'), variant: 'secondary' })}</p>
    ${contactParagraph(lang, d.servicedesk)}`;

/** Discovery members in the order of spec §4.1; what Dezi offers beyond the spec follows them. */
const SPEC_DISCOVERY_ORDER = [
  'issuer',
  'authorization_endpoint',
  'token_endpoint',
  'jwks_uri',
  'response_types_supported',
  'subject_types_supported',
  'id_token_signing_alg_values_supported',
  'userinfo_endpoint',
  'scopes_supported',
  'request_parameter_supported',
  'request_uri_parameter_supported',
  'require_request_uri_registration',
  'grant_types_supported',
  'token_endpoint_auth_methods_supported',
  'response_modes_supported',
  'claims_parameter_supported',
  'frontchannel_logout_supported',
  'frontchannel_logout_session_supported',
  'backchannel_logout_supported',
  'backchannel_logout_session_supported',
  'code_challenge_methods_supported',
];

/**
 * oidc-provider's discovery document with the spec's values where it differs: only the query
 * response mode, request_uri (from PAR) supported, pairwise first, no logout channels. oidc-provider
 * only fills in members it lacks, so these are set on its answer.
 */
export function shapeDiscovery(body: Record<string, unknown>): Record<string, unknown> {
  const fixed: Record<string, unknown> = {
    ...body,
    subject_types_supported: ['pairwise', 'public'],
    request_uri_parameter_supported: true,
    require_request_uri_registration: false,
    response_modes_supported: ['query'],
    frontchannel_logout_supported: false,
    frontchannel_logout_session_supported: false,
    backchannel_logout_supported: false,
    backchannel_logout_session_supported: false,
    // PAR and request objects need client authentication: not for public clients.
    pushed_authorization_request_endpoint_auth_methods_supported: ['private_key_jwt'],
  };
  const ordered: Record<string, unknown> = {};
  for (const key of SPEC_DISCOVERY_ORDER) if (fixed[key] !== undefined) ordered[key] = fixed[key];
  for (const [key, value] of Object.entries(fixed))
    if (!(key in ordered) && value !== undefined) ordered[key] = value;
  return ordered;
}

/** The token answer of spec §4.2.4 carries two members oidc-provider does not write. */
function shapeTokenResponse(body: Record<string, unknown>, issuer: string): Record<string, unknown> {
  return { ...body, id_token_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', resource: [`${issuer}/*`] };
}

export function createProvider(d: ProviderDeps): Provider {
  const configuration: Configuration = {
    adapter: adapterFactory(d.db),
    clients: [],
    jwks: { keys: d.keys.published.map((k) => k.privateJwk) as never },
    cookies: {
      keys: [d.secrets.key('cookies').toString('base64url')],
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    async findAccount(_ctx, id) {
      const person = await d.register.getPerson(id);
      if (!person || person.status !== 'active') return undefined;
      // jti: the koppelvlak asks for a unique id on every ID token; oidc-provider has none of its own.
      return { accountId: person.id, claims: async () => ({ sub: person.id, jti: randomUUID() }) };
    },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: false }, // Dezi's own userinfo endpoint delivers the encrypted verklaring
      registration: {
        enabled: d.registrationToken !== null,
        initialAccessToken: d.registrationToken ?? false,
      },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      requestObjects: {
        enabled: true,
        requireSignedRequestObject: false,
        // A request object is the client's word only when the client can sign: not a public client.
        async assertJwtClaimsAndHeader(_ctx, _claims, _header, client) {
          if (client.clientAuthMethod === 'none') {
            throw new errors.InvalidRequestObject(
              'request objects need client authentication: use private_key_jwt, or send the parameters as they are',
            );
          }
        },
      },
      revocation: { enabled: true },
      claimsParameter: { enabled: true }, // the spec's discovery says claims_parameter_supported: true
      dPoP: { enabled: false }, // userinfo does not take sender-constrained tokens
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          renderInto(ctx, d, (lang) => ({
            title: t(lang, 'logout.title'),
            body: html`<h1>${t(lang, 'logout.title')}</h1>
              <p>${t(lang, 'logout.question')}</p>
              ${new SafeHtml(form)}
              ${button({ label: t(lang, 'logout.yes'), form: 'op.logoutForm', name: 'logout', value: 'yes' })}`,
          }));
        },
        async postLogoutSuccessSource(ctx) {
          renderInto(ctx, d, (lang) => ({
            title: t(lang, 'logout.title'),
            body: html`<h1>${t(lang, 'logout.title')}</h1>
              <p>${t(lang, 'logout.done')}</p>`,
          }));
        },
      },
    },
    pkce: { required: () => true },
    responseTypes: ['code'],
    scopes: [...SCOPES],
    // The spec (§4.2.3) and OpenID Connect require redirect_uri at the token endpoint.
    allowOmittingSingleRegisteredRedirectUri: false,
    extraParams: {
      // Only the query response mode (spec §4.1). oidc-provider knows form_post and fragment too and
      // cannot forget them; a request for one is refused here, the error sent back by query.
      async response_mode(ctx, value) {
        if (value !== undefined && value !== 'query') {
          ctx.oidc.params!.response_mode = undefined;
          throw new errors.UnsupportedResponseMode('only response_mode=query is supported');
        }
      },
      // PAR needs client authentication: a public client sends its request to /authorize.
      async client_id(ctx, _value, client) {
        if (ctx.oidc.route === 'pushed_authorization_request' && client?.clientAuthMethod === 'none') {
          throw new errors.InvalidRequest(
            'pushed authorization requests need client authentication (private_key_jwt)',
          );
        }
      },
    },
    // acr and auth_time are only put in the ID token when a scope names them.
    claims: { openid: ['sub', 'acr', 'auth_time', 'jti'] },
    subjectTypes: ['public', 'pairwise'],
    pairwiseIdentifier: async (_ctx, accountId, client) =>
      subjectFor(d.secrets, accountId, {
        subjectType: 'pairwise',
        sectorIdentifier: client.sectorIdentifier as string | undefined,
      }),
    clientAuthMethods: [...CLIENT_AUTH_METHODS],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'private_key_jwt',
      id_token_signed_response_alg: SIGNING_ALG, // the koppelvlak's; PS256 or ES256 when registered
      subject_type: 'pairwise',
      scope: 'openid',
    },
    // Dezi never logs anyone in below substantial (DEZI_FLOOR_LOA), so low is not advertised.
    acrValues: [LOA.substantial, LOA.high],
    enabledJWA: {
      // Each with a key of its own (keys.ts); RS256 first, the default (spec §4.1).
      idTokenSigningAlgValues: [...ID_TOKEN_ALGS],
      clientAuthSigningAlgValues: [...CLIENT_ASSERTION_ALGS],
      requestObjectSigningAlgValues: [...CLIENT_ASSERTION_ALGS],
    },
    extraClientMetadata: {
      properties: [...EXTRA_CLIENT_PROPERTIES],
      validator: validateClientMetadata,
    },
    // No refresh tokens: without offline_access in scopes and refresh_token in the grant types
    // oidc-provider issues none, and discovery does not advertise the grant.
    async assertJwtClientAuthClaimsAndHeader(ctx, claims, _header, client) {
      // One way of authenticating, not two: a client_secret beside the assertion is refused, not ignored.
      const body = ctx.oidc.body as Record<string, unknown> | undefined;
      if (body?.client_secret !== undefined) {
        throw new errors.InvalidRequest('client authentication must only be provided using one mechanism');
      }
      // The audience is the issuer, as one string (RFC 7523bis, the audience-injection class of
      // attacks): not a list, not the token endpoint's URL.
      if (typeof claims.aud !== 'string' || claims.aud !== d.issuer) {
        throw new errors.InvalidClientAuth(
          "the client assertion's aud must be the issuer identifier, as a single string",
        );
      }
      // The koppelvlak asks for a short-lived client assertion; oidc-provider only requires an exp.
      const now = Math.floor(Date.now() / 1000);
      if (typeof claims.exp === 'number' && claims.exp - now > MAX_CLIENT_ASSERTION_SECONDS) {
        throw new errors.InvalidClientAuth(
          `client_assertion must expire within ${MAX_CLIENT_ASSERTION_SECONDS} seconds`,
        );
      }
      // Counted once the assertion's signature is verified, so that no one can spend another client's budget.
      await d.rateLimitClient?.(client.clientId).catch((err: { retryAfter?: number }) => {
        if (err.retryAfter) ctx.set('retry-after', String(err.retryAfter));
        throw err;
      });
    },
    ttl: {
      AccessToken: TTL.AccessToken,
      AuthorizationCode: TTL.AuthorizationCode,
      IdToken: TTL.IdToken,
      Interaction: TTL.Interaction,
      Session: TTL.Session,
      Grant: TTL.Grant,
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
      policy: interactionPolicyFor(d.defaultMinimumLoa ?? LOA.high),
    },
    routes: ROUTES,
    discovery: {
      userinfo_endpoint: `${d.issuer}${USERINFO_PATH}`,
      userinfo_encryption_alg_values_supported: [USERINFO_ALG],
      userinfo_encryption_enc_values_supported: [...USERINFO_ENC_VALUES],
      // The envelope: RS256 unless the client registered userinfo_signed_response_alg (userinfo.ts).
      userinfo_signing_alg_values_supported: [...ID_TOKEN_ALGS],
      service_documentation: `${d.issuer}/proeftuin`,
      ui_locales_supported: ['nl', 'en'],
    },
    clientBasedCORS: () => false,
    async renderError(ctx, out) {
      if (out.error === 'temporarily_unavailable') {
        renderInto(ctx, d, (lang) => ({
          title: t(lang, 'error.unavailable.title'),
          body: html`<h1>${t(lang, 'error.unavailable.title')}</h1>
            ${alert({ type: 'error', body: t(lang, 'error.unavailable.body') })} ${nextSteps(lang, d)}`,
        }));
        return;
      }
      renderInto(ctx, d, (lang) => ({
        title: t(lang, 'error.title'),
        body: html`<h1>${t(lang, 'error.title')}</h1>
          ${alert({ type: 'error', body: t(lang, 'error.oidc.body') })}
          <p>${t(lang, 'error.code')}: <code>${String(out.error)}</code></p>
          ${out.error_description ? html`<p>${String(out.error_description)}</p>` : ''} ${nextSteps(lang, d)}`,
      }));
    },
  };
  const provider = new Provider(d.issuer, configuration);
  provider.proxy = d.trustProxy;
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.status !== 200 || typeof ctx.body !== 'object' || ctx.body === null) return;
    if (ctx.oidc?.route === 'discovery') ctx.body = shapeDiscovery(ctx.body as Record<string, unknown>);
    else if (ctx.oidc?.route === 'token' && 'id_token' in ctx.body)
      ctx.body = shapeTokenResponse(ctx.body as Record<string, unknown>, d.issuer);
  });
  return provider;
}
