// The proeftuin's stand-in for the eIDAS network as the Dutch connector presents it to Dezi: a SAML
// IdP that publishes metadata, takes a signed AuthnRequest over HTTP-Redirect with the eIDAS
// extensions (SPType, requested attributes) and a minimum eIDAS level, lets a vendor pick a country
// and a test identity, and answers by HTTP-POST with a signed, encrypted assertion that carries the
// natural person's attributes and the identity's level (also when below the minimum, so that Dezi's
// own check shows). Dezi's eIDAS means logs in through it unchanged.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EIDAS_ATTRIBUTE, EIDAS_NS } from '../means/eidas/attributes.ts';
import { isLoa, type LoA, loaLabel } from '../means/loa.ts';
import { storedKeyPair } from '../means/saml/keys.ts';
import { BINDING, NS, childElements, onlyChild, type XmlElement } from '../means/saml/xml.ts';
import { errorSummary, radioGroup } from '../web/components.ts';
import { html } from '../web/html.ts';
import { t, type MessageKey } from '../web/i18n.ts';
import { idpMetadataXml, signedEncryptedResponseXml } from './digid-saml.ts';
import { EIDAS_COUNTRIES, EIDAS_TEST_IDENTITIES } from './eidas-identities.ts';
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

export const EIDAS_NODE_PATH = '/proeftuin/eidas';
export const EIDAS_NODE_METADATA_PATH = `${EIDAS_NODE_PATH}/metadata`;
const TITLE = 'eIDAS (proeftuin)';

/** What the choice page carries from the AuthnRequest to the answer (sealed, in a hidden field). */
interface PendingLogin {
  id: string;
  /** The minimum level the request asked for. */
  loa: LoA;
  relayState: string | null;
}

/** The eIDAS parts of the AuthnRequest: a SPType and a requested PersonIdentifier, or refused. */
function checkEidasExtensions(request: XmlElement): void {
  const extensions = onlyChild(request, NS.samlp, 'Extensions');
  if (!extensions || !onlyChild(extensions, EIDAS_NS.ext, 'SPType')) {
    throw new AuthnRequestRefused('no eidas:SPType');
  }
  const requested = onlyChild(extensions, EIDAS_NS.ext, 'RequestedAttributes');
  const names = requested
    ? childElements(requested, EIDAS_NS.ext, 'RequestedAttribute').map((a) => a.getAttribute('Name'))
    : [];
  if (!names.includes(EIDAS_ATTRIBUTE.PersonIdentifier)) {
    throw new AuthnRequestRefused('the PersonIdentifier is not requested');
  }
}

export async function eidasNodeRoutes(app: FastifyInstance, d: StandInDeps): Promise<void> {
  const { web } = d;
  const key = await storedKeyPair(d.db, d.secrets, 'proeftuin-eidas-node', 'eIDAS proeftuin node');
  const entityId = `${d.issuer}${EIDAS_NODE_METADATA_PATH}`;
  const ssoUrl = `${d.issuer}${EIDAS_NODE_PATH}/sso`;
  const metadata = idpMetadataXml({ entityId, certificate: key.certificate, ssoUrl });
  const logins = standInLogins<PendingLogin>(d, 'eidas-node', (p) => isLoa(p.loa));

  function readAuthnRequest(req: FastifyRequest): PendingLogin {
    const { request, id, relayState } = readRedirectAuthnRequest(req, d.sp, ssoUrl);
    // The eIDAS network answers by HTTP-POST only.
    if ((request.getAttribute('ProtocolBinding') || BINDING.post) !== BINDING.post) {
      throw new AuthnRequestRefused('the eIDAS node answers by HTTP-POST only');
    }
    checkEidasExtensions(request);
    const loa = requestedClassRef(request);
    if (!isLoa(loa)) throw new AuthnRequestRefused('no eIDAS level of assurance requested');
    return { id, loa, relayState };
  }

  function renderChoice(req: FastifyRequest, reply: FastifyReply, p: PendingLogin, error: MessageKey | null) {
    const lang = web.lang(req, reply);
    const level = t(lang, `broker.loa.${loaLabel(p.loa)}`);
    const body = html`<h1>${t(lang, 'eidas.node.title')}</h1>
      <p>${t(lang, 'eidas.node.intro')} ${t(lang, 'eidas.node.level', { level })}</p>
      ${errorSummary(lang, error ? [{ id: 'identity', message: t(lang, error) }] : [])}
      <form method="post" action="${EIDAS_NODE_PATH}/authenticate" novalidate>
        ${logins.fields(p)}
        ${EIDAS_COUNTRIES.map((country, n) =>
          radioGroup({
            name: 'identity',
            legend: t(lang, `eidas.node.country.${country}`),
            lang,
            value: '',
            error: error && n === 0 ? t(lang, error) : undefined,
            optionId: (opt) => `identity-${opt.value}`,
            options: EIDAS_TEST_IDENTITIES.filter((i) => i.country === country).map((i) => ({
              value: i.key,
              label: `${i.firstName} ${i.familyName} (${i.personIdentifier})`,
              hint: t(lang, 'eidas.node.identity_hint', {
                born: i.dateOfBirth,
                level: t(lang, `broker.loa.${loaLabel(i.loa)}`),
              }),
            })),
          }),
        )}
        ${loginOrCancel(lang)}
      </form>`;
    return web.render(req, reply.code(error ? 400 : 200), {
      lang,
      title: TITLE,
      error: Boolean(error),
      body,
    });
  }

  const answer = (req: FastifyRequest, reply: FastifyReply, p: PendingLogin, response: string) =>
    postBindingPage(web, req, reply, {
      title: TITLE,
      base: EIDAS_NODE_PATH,
      acsUrl: d.sp.acsUrl,
      response,
      relayState: p.relayState,
    });

  standInIdpRoutes(app, {
    web,
    base: EIDAS_NODE_PATH,
    metadataXml: metadata,
    label: 'eIDAS node',
    logins,
    idp: { entityId, key },
    acsUrl: d.sp.acsUrl,
    read: readAuthnRequest,
    show: (req, reply, p) => renderChoice(req, reply, p, null),
    answer,
    authenticate: async (req, reply, p, body) => {
      const identity = EIDAS_TEST_IDENTITIES.find((i) => i.key === body.identity);
      if (!identity) return renderChoice(req, reply, p, 'eidas.node.identity_missing');
      const response = await signedEncryptedResponseXml(
        {
          idpEntityId: entityId,
          spEntityId: d.sp.entityId,
          acsUrl: d.sp.acsUrl,
          inResponseTo: p.id,
          // eIDAS nodes name the person by a transient NameID; the PersonIdentifier is the attribute.
          nameId: `_${identity.key}`,
          classRef: identity.loa,
          attributes: [
            { name: EIDAS_ATTRIBUTE.PersonIdentifier, value: identity.personIdentifier },
            { name: EIDAS_ATTRIBUTE.FamilyName, value: identity.familyName },
            { name: EIDAS_ATTRIBUTE.FirstName, value: identity.firstName },
            { name: EIDAS_ATTRIBUTE.DateOfBirth, value: identity.dateOfBirth },
          ],
        },
        key,
        d.sp.certificate,
      );
      return answer(req, reply, p, response);
    },
  });
}
