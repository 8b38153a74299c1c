// The proeftuin's stand-in for DigiD, as a SAML 2.0 IdP: it publishes metadata, takes a signed
// AuthnRequest over HTTP-Redirect, lets a vendor pick a test person or type a BSN, and answers the way
// DigiD does: by artifact (resolved once, over SOAP, with a signed ArtifactResolve) or, when the
// request asks for it, by HTTP-POST. Dezi's DigiD adapter logs in through it unchanged.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import {
  ArtifactError,
  decodeArtifact,
  encodeArtifact,
  signSamlElement,
  soapBodyMessage,
  soapEnvelope,
  verifiedElement,
} from '../means/saml/artifact.ts';
import { storedKeyPair } from '../means/saml/keys.ts';
import { DIGID_LEVEL, DIGID_LEVELS, digidLevelOf, type DigidLevel } from '../means/digid/levels.ts';
import {
  BINDING,
  NS,
  STATUS,
  XmlError,
  isElement,
  onlyChild,
  textOf,
  type XmlElement,
} from '../means/saml/xml.ts';
import { Bsn, InvalidBsnError } from '../means/bsn.ts';
import { describedBy, errorSummary, formField, selectField, textbox } from '../web/components.ts';
import { html } from '../web/html.ts';
import { t, type MessageKey } from '../web/i18n.ts';
import {
  artifactResponseXml,
  BSN_NAME_ID_PREFIX,
  idpMetadataXml,
  signedEncryptedResponseXml,
} from './digid-saml.ts';
import {
  AuthnRequestRefused,
  postBindingPage,
  readRedirectAuthnRequest,
  requestedClassRef,
  loginOrCancel,
  standInLogins,
  standInIdpRoutes,
  type StandInDeps,
} from './saml-idp.ts';
import { SEED_PERSONS } from './seed-data.ts';

export const DIGID_IDP_PATH = '/proeftuin/digid';
export const DIGID_IDP_METADATA_PATH = `${DIGID_IDP_PATH}/metadata`;
const ARTIFACT_TTL_SECONDS = 120;

/** The stand-in's own table: artifacts are deleted an hour after they expired. */
export async function purgeDigidIdp(db: Database): Promise<void> {
  await db.query("DELETE FROM proeftuin_digid_artifacts WHERE expires_at < now() - interval '1 hour'");
}

/** What the login page carries from the AuthnRequest to the answer (sealed, in a hidden field). */
interface PendingLogin {
  id: string;
  binding: 'artifact' | 'post';
  level: DigidLevel;
  relayState: string | null;
}

function hashArtifact(artifact: string): string {
  return createHash('sha256').update(artifact).digest('base64url');
}

export async function digidIdpRoutes(app: FastifyInstance, d: StandInDeps): Promise<void> {
  const { web } = d;
  const key = await storedKeyPair(d.db, d.secrets, 'proeftuin-digid-idp', 'DigiD proeftuin IdP');
  const entityId = `${d.issuer}${DIGID_IDP_METADATA_PATH}`;
  const ssoUrl = `${d.issuer}${DIGID_IDP_PATH}/sso`;
  const artifactUrl = `${d.issuer}${DIGID_IDP_PATH}/artifact`;
  const metadata = idpMetadataXml({
    entityId,
    certificate: key.certificate,
    ssoUrl,
    artifactResolutionUrl: artifactUrl,
  });

  app.addContentTypeParser(
    ['text/xml', 'application/soap+xml'],
    { parseAs: 'string', bodyLimit: 64 * 1024 },
    (_req, body, done) => done(null, body),
  );

  /** The AuthnRequest, checked (saml-idp.ts); what to answer, and how. */
  function readAuthnRequest(req: FastifyRequest): PendingLogin {
    const { request, id, relayState } = readRedirectAuthnRequest(req, d.sp, ssoUrl);
    const protocolBinding = request.getAttribute('ProtocolBinding') || BINDING.artifact;
    if (protocolBinding !== BINDING.artifact && protocolBinding !== BINDING.post) {
      throw new AuthnRequestRefused('unsupported ProtocolBinding');
    }
    // DigiD authenticates at least at the requested level; the stand-in delivers exactly that one.
    const classRef = requestedClassRef(request);
    const level = classRef ? digidLevelOf(classRef) : 'hoog';
    if (!level) throw new AuthnRequestRefused('unknown AuthnContextClassRef');
    return { id, binding: protocolBinding === BINDING.post ? 'post' : 'artifact', level, relayState };
  }

  const logins = standInLogins<PendingLogin>(d, 'digid-idp', (p) => DIGID_LEVELS.includes(p.level));

  function renderLogin(req: FastifyRequest, reply: FastifyReply, p: PendingLogin, error: MessageKey | null) {
    const lang = web.lang(req, reply);
    const body = html`<h1>${t(lang, 'digid.idp.title')}</h1>
      <p>
        ${t(lang, 'digid.idp.intro')}
        ${t(lang, 'digid.idp.level', { level: t(lang, `digid.level.${p.level}`) })}
      </p>
      ${errorSummary(lang, error ? [{ id: 'bsn', message: t(lang, error) }] : [])}
      <form method="post" action="${DIGID_IDP_PATH}/authenticate" novalidate>
        ${logins.fields(p)}
        ${selectField({
          id: 'person',
          name: 'person',
          label: t(lang, 'digid.idp.person'),
          lang,
          value: '',
          options: [
            { value: '', label: t(lang, 'digid.idp.person_none') },
            ...SEED_PERSONS.map((s) => ({
              value: s.bsn,
              label: `${[s.voorletters, s.voorvoegsel, s.achternaam].filter(Boolean).join(' ')}, ${s.note[lang]} (BSN ${s.bsn})`,
            })),
          ],
        })}
        ${formField({
          id: 'bsn',
          label: t(lang, 'digid.idp.bsn'),
          hint: t(lang, 'digid.idp.bsn_hint'),
          error: error ? t(lang, error) : undefined,
          lang,
          control: textbox({
            id: 'bsn',
            name: 'bsn',
            // What was typed is not given back: it may be (nearly) someone's BSN.
            value: '',
            inputmode: 'numeric',
            autocomplete: 'off',
            maxlength: 9,
            invalid: Boolean(error),
            describedBy: describedBy('bsn', { hint: true, error }),
          }),
        })}
        ${loginOrCancel(lang)}
      </form>`;
    return web.render(req, reply.code(error ? 400 : 200), {
      lang,
      title: 'DigiD (proeftuin)',
      error: Boolean(error),
      body,
    });
  }

  /** Sends the signed Response back the way the AuthnRequest asked: by artifact, or by HTTP-POST. */
  async function answer(req: FastifyRequest, reply: FastifyReply, p: PendingLogin, response: string) {
    if (p.binding === 'artifact') {
      const artifact = encodeArtifact(entityId, 0);
      const hash = hashArtifact(artifact);
      await d.db.query(
        `INSERT INTO proeftuin_digid_artifacts (artifact_hash, response_sealed, expires_at)
         VALUES ($1, $2, now() + make_interval(secs => $3))`,
        [hash, d.secrets.encrypt('means-state', Buffer.from(response), hash), ARTIFACT_TTL_SECONDS],
      );
      const back = new URL(d.sp.acsUrl);
      back.searchParams.set('SAMLart', artifact);
      if (p.relayState) back.searchParams.set('RelayState', p.relayState);
      return reply.redirect(back.href, 303);
    }
    return postBindingPage(web, req, reply, {
      title: 'DigiD (proeftuin)',
      base: DIGID_IDP_PATH,
      acsUrl: d.sp.acsUrl,
      response,
      relayState: p.relayState,
    });
  }

  standInIdpRoutes(app, {
    web,
    base: DIGID_IDP_PATH,
    metadataXml: metadata,
    label: 'DigiD',
    logins,
    idp: { entityId, key },
    acsUrl: d.sp.acsUrl,
    read: readAuthnRequest,
    show: (req, reply, p) => renderLogin(req, reply, p, null),
    answer,
    authenticate: async (req, reply, p, body) => {
      const typed = typeof body.bsn === 'string' ? body.bsn.trim() : '';
      const picked = typeof body.person === 'string' ? body.person : '';
      let bsn: Bsn;
      try {
        bsn = Bsn.parse(typed || picked);
      } catch (err) {
        if (!(err instanceof InvalidBsnError)) throw err;
        return renderLogin(
          req,
          reply,
          p,
          typed || picked ? 'digid.idp.bsn_invalid' : 'digid.idp.bsn_missing',
        );
      }
      // Like current DigiD: the signed Assertion is encrypted for the SP.
      const response = await signedEncryptedResponseXml(
        {
          idpEntityId: entityId,
          spEntityId: d.sp.entityId,
          acsUrl: d.sp.acsUrl,
          inResponseTo: p.id,
          nameId: `${BSN_NAME_ID_PREFIX}${bsn.reveal()}`,
          classRef: DIGID_LEVEL[p.level],
        },
        key,
        d.sp.certificate,
      );
      return answer(req, reply, p, response);
    },
  });

  // Back channel: the SP resolves an artifact once, with an ArtifactResolve signed by its key.
  app.post(`${DIGID_IDP_PATH}/artifact`, async (req, reply) => {
    const soap = (xml: string, status = 200) =>
      reply
        .code(status)
        .type('text/xml; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(soapEnvelope(xml));
    const fault = (message: string) =>
      soap(
        `<soapenv:Fault xmlns:soapenv="${NS.soap}"><faultcode>soapenv:Client</faultcode><faultstring>${message}</faultstring></soapenv:Fault>`,
        400,
      );
    const text = typeof req.body === 'string' ? req.body : '';
    let resolve: XmlElement;
    try {
      resolve = soapBodyMessage(text);
    } catch (err) {
      if (err instanceof XmlError) return fault('malformed SOAP message');
      throw err;
    }
    if (!isElement(resolve, NS.samlp, 'ArtifactResolve')) return fault('expected an ArtifactResolve');
    const respond = (inResponseTo: string, o: { response?: string; status?: string } = {}) =>
      soap(
        signSamlElement(
          artifactResponseXml({ idpEntityId: entityId, inResponseTo, ...o }),
          'ArtifactResponse',
          key,
        ),
      );

    const signed = verifiedElement(text, resolve, [d.sp.certificate]);
    const resolveId = (signed ?? resolve).getAttribute('ID') ?? '';
    if (!signed || textOf(onlyChild(signed, NS.saml, 'Issuer')) !== d.sp.entityId) {
      req.log.info('proeftuin DigiD refused an unsigned or foreign ArtifactResolve');
      return respond(resolveId, { status: STATUS.requestDenied });
    }
    const artifact = textOf(onlyChild(signed, NS.samlp, 'Artifact')) ?? '';
    try {
      decodeArtifact(artifact);
    } catch (err) {
      if (err instanceof ArtifactError) return respond(resolveId, { status: STATUS.requester });
      throw err;
    }
    const hash = hashArtifact(artifact);
    const [row] = await d.db.query<{ response_sealed: Uint8Array }>(
      `UPDATE proeftuin_digid_artifacts SET resolved_at = now()
       WHERE artifact_hash = $1 AND resolved_at IS NULL AND expires_at > now()
       RETURNING response_sealed`,
      [hash],
    );
    // An unknown, expired or already resolved artifact: Success without a message (SAML core §3.5.2).
    if (!row) return respond(resolveId);
    const response = d.secrets
      .decrypt('means-state', Buffer.from(row.response_sealed), hash)
      .toString('utf8');
    return respond(resolveId, { response });
  });
}
