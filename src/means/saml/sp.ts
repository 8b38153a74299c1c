// A login means as a SAML 2.0 service provider, the part DigiD and eIDAS share (means.md). start: a
// signed AuthnRequest over HTTP-Redirect asking for what the means asks (its level as the minimum
// context class, its extensions). The answer comes to the means' fixed assertion consumer service
// (registered in metadata), which only hands it on to the login's callback: an artifact in the URL, or
// a POSTed Response parked server-side. finish: the artifact is resolved with a signed SOAP
// ArtifactResolve over the back channel, the Response is checked against the IdP's metadata and the
// AuthnRequest stored for this login, once; then the means reads its subject and level from it.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SAML, type SamlConfig } from '@node-saml/node-saml';
import { Agent } from 'undici';
import type { Database } from '../../db/database.ts';
import { constantTimeEqual, type Secrets } from '../../secrets.ts';
import type { Web } from '../../web/web.ts';
import { upstreamFetch } from '../http.ts';
import type { LoA } from '../loa.ts';
import {
  MeansError,
  type LoginMeans,
  type MeansCallback,
  type MeansResult,
  type MeansStart,
} from '../means.ts';
import {
  ArtifactError,
  artifactResolveXml,
  decodeArtifact,
  readArtifactResponse,
  soapEnvelope,
  sourceIdOf,
} from './artifact.ts';
import type { SamlKeyPair } from './keys.ts';
import { spMetadataXml, type IdpMetadata } from './metadata.ts';
import { SamlRequestStore } from './requests.ts';
import { checkResponse, type CheckedAssertion } from './response.ts';
import { BINDING, XmlError, parseXml, serializeXml } from './xml.ts';

export type ResponseBinding = 'artifact' | 'post';

export interface SamlSp {
  entityId: string;
  /** The means' assertion consumer service URL. */
  acsUrl: string;
  key: SamlKeyPair;
}

/** What one SAML means asks in its AuthnRequest, for a login's minimum level. */
export interface SamlAuthnRequest {
  /** The context classes that reach the level; asked for with Comparison="minimum". */
  authnContext: string[];
  /** The children of samlp:Extensions, as node-saml's xmlbuilder objects. */
  extensions?: Record<string, unknown>;
  forceAuthn?: boolean;
  /** The NameIDPolicy's Format; absent: none named. */
  nameIdFormat?: string;
}

export interface SamlMeansOptions {
  db: Database;
  secrets: Secrets;
  sp: SamlSp;
  metadata: () => Promise<IdpMetadata>;
  /** What the choice page and the broker know of the means; start, finish and health are made here. */
  means: Omit<LoginMeans, 'start' | 'finish' | 'health'>;
  /** The means' name in the reasons of refusals (logged, never shown). */
  label: string;
  /** Where its assertion consumer service and its SP metadata are served. */
  acsPath: string;
  metadataPath: string;
  /** How the IdP is asked to deliver the Response (ProtocolBinding). */
  responseBinding: ResponseBinding;
  /** The ACS takes a POSTed Response only, no artifact (a network without the artifact binding). */
  postOnly?: boolean;
  authnRequest(minimumLoa: LoA): SamlAuthnRequest;
  /** The person and level the checked assertion proves; MeansError when it proves too little. */
  result(assertion: CheckedAssertion, minimumLoa: LoA): MeansResult;
  timeoutMs?: number;
  /** How long a person may take at the IdP. */
  requestTtlSeconds?: number;
  /** TLS on the artifact back channel: the PEM client key and certificate for mutual TLS (DigiD
   * requires it; both or neither), and the CA certificates that the IdP's server certificate must
   * chain to (default: the system's). Either may be given without the other. */
  backChannelTls?: { key?: string; cert?: string; ca?: string } | null;
}

const RELAY_STATE = /^[A-Za-z0-9_-]{16,80}$/;
const ACS_BODY_LIMIT = 128 * 1024;
/** What the ACS puts in the callback URL instead of a POSTed Response (which stays server-side). */
const PARKED = 'parked';

/** node-saml always asks for HTTP-POST; DigiD answers by artifact, so the binding is set here. */
class AuthnRequestSaml extends SAML {
  readonly #protocolBinding: string;
  constructor(config: SamlConfig, protocolBinding: string) {
    super(config);
    this.#protocolBinding = protocolBinding;
  }
  protected override async generateAuthorizeRequestAsync(isPassive: boolean, isHttpPostBinding: boolean) {
    const xml = await super.generateAuthorizeRequestAsync(isPassive, isHttpPostBinding);
    const doc = parseXml(xml);
    doc.documentElement.setAttribute('ProtocolBinding', this.#protocolBinding);
    return serializeXml(doc);
  }
}

function invalid(message: string, cause?: unknown): never {
  throw new MeansError('invalid_response', message, cause ? { cause } : undefined);
}

export function createSamlMeans(o: SamlMeansOptions): {
  means: LoginMeans;
  routes: (app: FastifyInstance, d: { web: Web }) => Promise<void>;
} {
  const timeoutMs = o.timeoutMs ?? 5000;
  const store = new SamlRequestStore(o.db, o.secrets, o.requestTtlSeconds ?? 900);
  if (o.backChannelTls && !o.backChannelTls.key !== !o.backChannelTls.cert)
    throw new Error('the back channel client key and certificate go together');
  const backChannel = o.backChannelTls
    ? {
        dispatcher: new Agent({
          connect: { key: o.backChannelTls.key, cert: o.backChannelTls.cert, ca: o.backChannelTls.ca },
        }),
      }
    : {};

  async function resolveArtifact(idp: IdpMetadata, samlArt: string): Promise<string> {
    let artifact;
    try {
      artifact = decodeArtifact(samlArt);
    } catch (err) {
      invalid((err as Error).message, err);
    }
    if (!artifact.sourceId.equals(sourceIdOf(idp.entityId)))
      invalid('the artifact was issued by another IdP');
    const endpoint = idp.artifactResolution.get(artifact.endpointIndex);
    if (!endpoint) invalid(`the IdP has no ArtifactResolutionService with index ${artifact.endpointIndex}`);
    const resolve = artifactResolveXml({
      issuer: o.sp.entityId,
      destination: endpoint,
      artifact: samlArt,
      key: o.sp.key,
    });
    const res = await upstreamFetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        soapaction: '"http://www.oasis-open.org/committees/security"',
      },
      body: soapEnvelope(resolve.xml),
      timeoutMs,
      ...backChannel,
    });
    if (res.status >= 500) throw new MeansError('unavailable', `artifact resolution answered ${res.status}`);
    if (res.status !== 200) invalid(`artifact resolution answered ${res.status}`);
    let outcome;
    try {
      outcome = readArtifactResponse(res.body, {
        resolveId: resolve.id,
        idpEntityId: idp.entityId,
        idpCertificates: idp.signingCertificates,
      });
    } catch (err) {
      if (err instanceof XmlError || err instanceof ArtifactError) invalid(err.message, err);
      throw err;
    }
    if (outcome.kind === 'empty') invalid('the artifact is unknown, expired or already resolved');
    return outcome.responseXml;
  }

  const means: LoginMeans = {
    ...o.means,

    async start(request: MeansStart) {
      const idp = await o.metadata();
      const requestId = `_${randomBytes(20).toString('hex')}`;
      const asked = o.authnRequest(request.minimumLoa);
      const saml = new AuthnRequestSaml(
        {
          entryPoint: idp.ssoRedirectUrl,
          issuer: o.sp.entityId,
          callbackUrl: o.sp.acsUrl,
          idpCert: idp.signingCertificates,
          privateKey: o.sp.key.privateKey,
          signatureAlgorithm: 'sha256',
          authnContext: asked.authnContext,
          racComparison: 'minimum',
          forceAuthn: asked.forceAuthn ?? false,
          ...(asked.extensions ? { samlAuthnRequestExtensions: asked.extensions } : {}),
          identifierFormat: asked.nameIdFormat ?? null,
          generateUniqueId: () => requestId,
        },
        o.responseBinding === 'artifact' ? BINDING.artifact : BINDING.post,
      );
      const redirectTo = await saml.getAuthorizeUrlAsync(request.state, undefined, {});
      await store.put(request.state, requestId, request.callbackUrl);
      return { redirectTo };
    },

    async finish(callback: MeansCallback): Promise<MeansResult> {
      const { RelayState, SAMLart, SAMLResponse } = callback.query;
      if (typeof RelayState !== 'string' || !constantTimeEqual(RelayState, callback.expectedState)) {
        invalid('RelayState does not match this login');
      }
      const pending = await store.take(callback.expectedState);
      if (!pending) invalid('no AuthnRequest is pending for this login: answered before, or expired');
      const idp = await o.metadata();
      let responseXml: string;
      if (typeof SAMLart === 'string' && SAMLResponse === undefined) {
        responseXml = await resolveArtifact(idp, SAMLart);
      } else if (SAMLResponse === PARKED && SAMLart === undefined && pending.responseXml) {
        responseXml = pending.responseXml;
      } else invalid('the callback carries neither an artifact nor a Response');

      const assertion = await checkResponse(responseXml, {
        idp,
        sp: o.sp,
        requestId: pending.requestId,
        label: o.label,
      });
      if (!(await store.firstUse(idp.entityId, assertion.assertionId, assertion.notOnOrAfter))) {
        invalid('this assertion was used before (replay)');
      }
      return o.result(assertion, callback.minimumLoa);
    },

    async health() {
      try {
        const idp = await o.metadata();
        const res = await upstreamFetch(idp.ssoRedirectUrl, { method: 'GET', timeoutMs: 2000 });
        return res.status < 500;
      } catch {
        return false;
      }
    },
  };

  /**
   * The assertion consumer service. It is reached cross-site (from the IdP), where the browser may
   * leave the SameSite=Lax interaction cookie out of a POST; so it checks nothing itself and never
   * finishes a login. It hands the answer on, with a 303 (a top-level GET, which carries the Lax
   * cookie), to the login's own callback, where the broker checks the interaction and finish() the
   * SAML. A POSTed Response stays server-side: it may hold the BSN, so it never goes into a URL.
   */
  async function routes(app: FastifyInstance, d: { web: Web }): Promise<void> {
    const refuse = (req: FastifyRequest, reply: FastifyReply) =>
      d.web.renderProblem(req, reply, {
        status: 400,
        titleKey: 'error.session_expired.title',
        bodyKey: 'error.session_expired.body',
      });
    const onward = (callbackUrl: string, params: Record<string, string>) => {
      const url = new URL(callbackUrl);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return url.href;
    };

    async function acs(req: FastifyRequest, reply: FastifyReply, fields: Record<string, unknown>) {
      const { RelayState, SAMLart, SAMLResponse } = fields;
      if (typeof RelayState !== 'string' || !RELAY_STATE.test(RelayState)) return refuse(req, reply);
      reply.header('cache-control', 'no-store');
      if (!o.postOnly && typeof SAMLart === 'string' && SAMLResponse === undefined && SAMLart.length <= 100) {
        const callbackUrl = await store.callbackFor(RelayState);
        if (!callbackUrl) return refuse(req, reply);
        return reply.redirect(onward(callbackUrl, { RelayState, SAMLart }), 303);
      }
      if (req.method === 'POST' && typeof SAMLResponse === 'string' && SAMLart === undefined) {
        const xml = Buffer.from(SAMLResponse, 'base64').toString('utf8');
        const callbackUrl = await store.park(RelayState, xml);
        if (!callbackUrl) return refuse(req, reply);
        return reply.redirect(onward(callbackUrl, { RelayState, SAMLResponse: PARKED }), 303);
      }
      return refuse(req, reply);
    }

    app.get(o.acsPath, async (req, reply) => acs(req, reply, req.query as Record<string, unknown>));
    // A signed, encrypted Response with certificates outgrows the 16 KiB allowed for Dezi's own forms.
    app.post(o.acsPath, { bodyLimit: ACS_BODY_LIMIT }, async (req, reply) =>
      acs(req, reply, (req.body ?? {}) as Record<string, unknown>),
    );
    app.get(o.metadataPath, async (_req, reply) =>
      reply.type('application/samlmetadata+xml').send(
        spMetadataXml({
          entityId: o.sp.entityId,
          acsUrl: o.sp.acsUrl,
          certificate: o.sp.key.certificate,
          acsBindings: o.postOnly ? ['post'] : undefined,
        }),
      ),
    );
  }

  return { means, routes };
}
