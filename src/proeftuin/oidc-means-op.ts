// The proeftuin's stand-in OpenID Connect means supplier: a second oidc-provider, mounted under
// /proeftuin/oidc-means, with an in-memory store and test accounts. Dezi's production OIDC adapter
// logs in here as it would at a market means or a hospital pass. Its keys are made at start.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type AdapterPayload, type Configuration } from 'oidc-provider';
import { LOA, type LoA } from '../means/loa.ts';
import type { OidcMeansConfig } from '../means/oidc/config.ts';
import { redirectUriFor } from '../means/oidc/oidc-means.ts';
import { Bsn } from '../means/bsn.ts';
import type { Register } from '../register/register.ts';
import type { Secrets } from '../secrets.ts';
import { alert, button, buttonGroup } from '../web/components.ts';
import { html } from '../web/html.ts';
import { t } from '../web/i18n.ts';
import { page } from '../web/layout.ts';
import { setSecurityHeaders } from '../web/security-headers.ts';
import type { Web } from '../web/web.ts';
import { validFormPost } from '../web/csrf.ts';
import { SEED_PERSONS } from './seed-data.ts';

export const OIDC_MEANS_STAND_IN_PATH = '/proeftuin/oidc-means';

/** The stand-in's own levels, as a supplier would name them; Dezi maps them to eIDAS by configuration. */
export const STAND_IN_ACR = {
  midden: 'urn:nl:proeftuin:oidc-means:loa:midden',
  substantieel: 'urn:nl:proeftuin:oidc-means:loa:substantieel',
  hoog: 'urn:nl:proeftuin:oidc-means:loa:hoog',
} as const;

const ACR_TO_LOA: Record<string, LoA> = {
  [STAND_IN_ACR.midden]: LOA.low,
  [STAND_IN_ACR.substantieel]: LOA.substantial,
  [STAND_IN_ACR.hoog]: LOA.high,
};

/** Two means on the one stand-in: a market means with pseudonyms, and a hospital pass with UZI-nummers. */
export const ZORGID_MEANS_ID = 'zorgid-proeftuin';
export const ZIEKENHUISPAS_MEANS_ID = 'ziekenhuispas-proeftuin';

export interface StandInAccount {
  /** Also the pseudonymous `sub` the stand-in delivers. */
  sub: string;
  label: { nl: string; en: string };
  acr: string;
  uziNummer?: string;
  /** Test person (by BSN) whom the seed links this pseudonym to, for the zorgidentiteit means. */
  linkedBsn?: string;
}

const person = (achternaam: string) => SEED_PERSONS.find((p) => p.achternaam === achternaam)!;

export const STAND_IN_ACCOUNTS: StandInAccount[] = [
  {
    sub: 'zid-5f0c2a9e41d7b3a8',
    label: {
      nl: 'J. Jansen, pseudoniem gekoppeld, niveau hoog',
      en: 'J. Jansen, linked pseudonym, level high',
    },
    acr: STAND_IN_ACR.hoog,
    linkedBsn: person('Jansen').bsn,
  },
  {
    sub: 'zid-9b1e77c03a5d2f64',
    label: {
      nl: `S.M. de Vries, UZI-nummer ${person('Vries').deziNummer}, niveau hoog`,
      en: `S.M. de Vries, UZI-nummer ${person('Vries').deziNummer}, level high`,
    },
    acr: STAND_IN_ACR.hoog,
    uziNummer: person('Vries').deziNummer,
  },
  {
    sub: 'zid-2c8d4e6f10a3b597',
    label: {
      nl: 'F. el Amrani, pseudoniem gekoppeld, niveau midden (te laag)',
      en: 'F. el Amrani, linked pseudonym, level midden (medium: too low)',
    },
    acr: STAND_IN_ACR.midden,
    uziNummer: person('Amrani').deziNummer,
    linkedBsn: person('Amrani').bsn,
  },
];

/** oidc-provider's storage for the stand-in: memory, with expiry (a stand-in keeps nothing). */
class MemoryStore {
  static readonly entries = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  readonly #model: string;
  constructor(model: string) {
    this.#model = model;
  }
  #key(id: string) {
    return `${this.#model}:${id}`;
  }
  #get(key: string): AdapterPayload | undefined {
    const e = MemoryStore.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt < Date.now()) {
      MemoryStore.entries.delete(key);
      return undefined;
    }
    return e.payload;
  }
  async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
    MemoryStore.entries.set(this.#key(id), { payload, expiresAt: Date.now() + expiresIn * 1000 });
    if (payload.uid)
      MemoryStore.entries.set(`uid:${payload.uid}`, {
        payload: { id } as AdapterPayload,
        expiresAt: Date.now() + expiresIn * 1000,
      });
    if (payload.userCode)
      MemoryStore.entries.set(`userCode:${payload.userCode}`, {
        payload: { id } as AdapterPayload,
        expiresAt: Date.now() + expiresIn * 1000,
      });
  }
  async find(id: string) {
    return this.#get(this.#key(id));
  }
  async findByUid(uid: string) {
    const ref = this.#get(`uid:${uid}`);
    return ref?.id ? this.#get(this.#key(ref.id as string)) : undefined;
  }
  async findByUserCode(userCode: string) {
    const ref = this.#get(`userCode:${userCode}`);
    return ref?.id ? this.#get(this.#key(ref.id as string)) : undefined;
  }
  async consume(id: string) {
    const p = this.#get(this.#key(id));
    if (p) p.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string) {
    MemoryStore.entries.delete(this.#key(id));
  }
  async revokeByGrantId(grantId: string) {
    for (const [key, e] of MemoryStore.entries)
      if (e.payload.grantId === grantId) MemoryStore.entries.delete(key);
  }
}

export interface OidcMeansStandIn {
  /** Dezi's configuration for the means this stand-in supplies. */
  means: OidcMeansConfig[];
  routes: (app: FastifyInstance) => Promise<void>;
}

async function keyPair(kid: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
}

/** Links the stand-in's pseudonyms to test persons; idempotent, like the rest of the seed. */
export async function linkStandInAccounts(register: Register): Promise<void> {
  for (const a of STAND_IN_ACCOUNTS) {
    if (!a.linkedBsn) continue;
    const p = await register.findPersonByBsn(Bsn.parse(a.linkedBsn));
    if (p) await register.linkMeans(p.id, ZORGID_MEANS_ID, a.sub);
  }
}

export async function createOidcMeansStandIn(d: {
  issuer: string;
  secrets: Secrets;
  web: Web;
}): Promise<OidcMeansStandIn> {
  const opIssuer = `${d.issuer}${OIDC_MEANS_STAND_IN_PATH}`;
  const opKey = await keyPair('proeftuin-oidc-means-op');
  const zorgidKey = await keyPair('dezi-rp-zorgid');
  const pasKey = await keyPair('dezi-rp-ziekenhuispas');

  const means: OidcMeansConfig[] = [
    {
      id: ZORGID_MEANS_ID,
      displayName: { nl: 'Zorgidentiteit (proeftuin)', en: 'Zorgidentiteit (proeftuin)' },
      category: 'wdo',
      issuer: opIssuer,
      clientId: 'dezi-zorgid',
      privateJwk: zorgidKey.privateJwk,
      scope: 'openid',
      subjectClaim: 'sub',
      subjectKind: 'linked',
      acr: ACR_TO_LOA,
      timeoutMs: 5000,
    },
    {
      id: ZIEKENHUISPAS_MEANS_ID,
      displayName: { nl: 'Ziekenhuispas (proeftuin, NEN 7518)', en: 'Hospital pass (proeftuin, NEN 7518)' },
      category: 'nen7518',
      issuer: opIssuer,
      clientId: 'dezi-ziekenhuispas',
      privateJwk: pasKey.privateJwk,
      scope: 'openid zorg',
      subjectClaim: 'uzi_nummer',
      subjectKind: 'uzi-nummer',
      acr: ACR_TO_LOA,
      timeoutMs: 5000,
    },
  ];

  const client = (clientId: string, meansId: string, publicJwk: JWK) => ({
    client_id: clientId,
    redirect_uris: [redirectUriFor(d.issuer, meansId)],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'private_key_jwt',
    id_token_signed_response_alg: 'RS256',
    jwks: { keys: [publicJwk] },
  });

  const configuration: Configuration = {
    adapter: MemoryStore,
    clients: [
      client('dezi-zorgid', ZORGID_MEANS_ID, zorgidKey.publicJwk),
      client('dezi-ziekenhuispas', ZIEKENHUISPAS_MEANS_ID, pasKey.publicJwk),
    ] as Configuration['clients'],
    jwks: { keys: [opKey.privateJwk] as never },
    cookies: {
      // Own names: Dezi's own provider uses the defaults on the same host.
      names: {
        session: '_oidcmeans_session',
        interaction: '_oidcmeans_interaction',
        resume: '_oidcmeans_resume',
      },
      keys: [d.secrets.hmac('cookies', 'proeftuin-oidc-means')],
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    async findAccount(_ctx, sub) {
      const account = STAND_IN_ACCOUNTS.find((a) => a.sub === sub);
      if (!account) return undefined;
      return {
        accountId: account.sub,
        claims: async () => ({
          sub: account.sub,
          ...(account.uziNummer ? { uzi_nummer: account.uziNummer } : {}),
        }),
      };
    },
    features: { devInteractions: { enabled: false } },
    scopes: ['openid', 'zorg'],
    claims: { openid: ['sub', 'acr', 'auth_time'], zorg: ['uzi_nummer'] },
    conformIdTokenClaims: false, // the subject claim belongs in the ID token, as suppliers deliver it
    acrValues: Object.values(STAND_IN_ACR),
    pkce: { required: () => true },
    responseTypes: ['code'],
    clientAuthMethods: ['private_key_jwt'],
    enabledJWA: { idTokenSigningAlgValues: ['RS256'], clientAuthSigningAlgValues: ['RS256'] },
    interactions: {
      url: (_ctx, interaction) => `${OIDC_MEANS_STAND_IN_PATH}/interaction/${interaction.uid}`,
    },
    clientBasedCORS: () => false,
    ttl: {
      AccessToken: 300,
      AuthorizationCode: 60,
      IdToken: 300,
      Interaction: 600,
      Session: 600,
      Grant: 600,
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page({
        lang: 'nl',
        proeftuin: true,
        title: 'Inlogmiddel (proeftuin)',
        body: html`<h1>Fout bij de nagebootste inlogmiddelleverancier</h1>
          ${alert({ type: 'error', body: html`<p><code>${String(out.error)}</code></p>` })}`,
      });
    },
  };
  const provider = new Provider(opIssuer, configuration);

  /** As when mounted in Express: oidc-provider reads its mount path from originalUrl minus url. */
  function mounted(raw: IncomingMessage): IncomingMessage {
    const full = raw.url ?? '/';
    (raw as IncomingMessage & { originalUrl?: string }).originalUrl = full;
    raw.url = full.slice(OIDC_MEANS_STAND_IN_PATH.length) || '/';
    return raw;
  }

  async function routes(app: FastifyInstance): Promise<void> {
    const { web } = d;
    const UID = /^[A-Za-z0-9_-]{10,64}$/;

    async function details(req: FastifyRequest, reply: FastifyReply) {
      const { uid } = req.params as { uid: string };
      if (!UID.test(uid)) return null;
      try {
        const found = await provider.interactionDetails(mounted(req.raw), reply.raw);
        return found.uid === uid ? found : null;
      } catch {
        return null;
      }
    }

    function expired(req: FastifyRequest, reply: FastifyReply) {
      return web.renderProblem(req, reply, {
        status: 400,
        titleKey: 'error.session_expired.title',
        bodyKey: 'error.session_expired.body',
      });
    }

    app.get(`${OIDC_MEANS_STAND_IN_PATH}/interaction/:uid`, async (req, reply) => {
      const found = await details(req, reply);
      if (!found) return expired(req, reply);
      const lang = web.lang(req, reply);
      const nl = lang === 'nl';
      const body = html`<h1>
          ${nl ? 'Inloggen bij de inlogmiddelleverancier (proeftuin)' : 'Log in at the means supplier (proeftuin)'}
        </h1>
        <p>
          ${
            nl
              ? 'Dit is een nagebootste OpenID Connect-inlogmiddelleverancier (zoals een zorgidentiteit of een ziekenhuispas). Kies een testaccount.'
              : 'This is a stand-in OpenID Connect means supplier (such as a zorgidentiteit or a hospital pass). Choose a test account.'
          }
        </p>
        <form method="post" action="${OIDC_MEANS_STAND_IN_PATH}/interaction/${found.uid}">
          <input type="hidden" name="csrf" value="${web.csrfToken(`oidc-means:${found.uid}`)}" />
          <fieldset>
            <legend>${nl ? 'Testaccount' : 'Test account'}</legend>
            <ul class="dezi-options">
              ${STAND_IN_ACCOUNTS.map(
                (a, n) =>
                  html`<li class="dezi-option">
                    <input
                      type="radio"
                      name="account"
                      id="account-${n}"
                      value="${a.sub}"
                      ${n === 0 ? html`checked` : ''}
                    />
                    <label for="account-${n}">${a.label[lang]}</label>
                  </li>`,
              )}
            </ul>
          </fieldset>
          ${buttonGroup(
            button({ label: nl ? 'Inloggen' : 'Log in', name: 'action', value: 'login' }),
            button({
              label: t(lang, 'means.choose_other'),
              name: 'action',
              value: 'cancel',
              variant: 'secondary',
            }),
          )}
        </form>`;
      return web.render(req, reply, {
        lang,
        title: nl ? 'Inlogmiddel (proeftuin)' : 'Login means (proeftuin)',
        body,
      });
    });

    app.post(`${OIDC_MEANS_STAND_IN_PATH}/interaction/:uid`, async (req, reply) => {
      const form = (req.body ?? {}) as Record<string, unknown>;
      const found = await details(req, reply);
      if (!found) return expired(req, reply);
      if (!validFormPost(web, d.issuer, req, `oidc-means:${found.uid}`)) {
        return web.renderProblem(req, reply, {
          status: 403,
          titleKey: 'error.bad_request.title',
          bodyKey: 'error.bad_request.body',
        });
      }
      const account = STAND_IN_ACCOUNTS.find((a) => a.sub === form.account);
      let result;
      if (form.action === 'login' && account) {
        const grant = new provider.Grant({
          accountId: account.sub,
          clientId: String(found.params.client_id),
        });
        grant.addOIDCScope(String(found.params.scope));
        result = {
          login: { accountId: account.sub, acr: account.acr, remember: false },
          consent: { grantId: await grant.save() },
        };
      } else {
        result = { error: 'access_denied', error_description: 'the person cancelled' };
      }
      const redirectTo = await provider.interactionResult(mounted(req.raw), reply.raw, result, {
        mergeWithLastSubmission: false,
      });
      return reply.redirect(redirectTo, 303);
    });

    // Everything else is oidc-provider's own: discovery, authorize, token, jwks.
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
      const callback = provider.callback();
      scope.all(`${OIDC_MEANS_STAND_IN_PATH}/*`, (req, reply) => {
        reply.hijack();
        setSecurityHeaders(reply.raw, d.issuer.startsWith('https:'));
        callback(mounted(req.raw), reply.raw);
      });
    });
  }

  return { means, routes };
}
