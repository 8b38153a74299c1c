// Checks a SAML Response from the IdP, for every SAML means (DigiD, eIDAS). node-saml validates the
// signatures (the Assertion must be signed; an encrypted assertion is decrypted with the SP key), the
// time window and the audience; every value read afterwards comes from the assertion node-saml
// returns, which is the one its signature covers. The checks node-saml does not make (issuer,
// recipient, InResponseTo, bearer confirmation, one AuthnStatement) are written out here; what the
// assertion says (subject, level) each means reads itself from the checked assertion.
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { MeansError } from '../means.ts';
import { verifiedElement } from './artifact.ts';
import type { SamlKeyPair } from './keys.ts';
import type { IdpMetadata } from './metadata.ts';
import {
  NS,
  STATUS,
  XmlError,
  childElements,
  isElement,
  onlyChild,
  parseXml,
  statusOf,
  textOf,
  type XmlElement,
} from './xml.ts';

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

export const CLOCK_SKEW_MS = 60_000;
/** An assertion older than this is refused even if the IdP gave it a longer life. */
const MAX_ASSERTION_AGE_MS = 5 * 60_000;

export interface CheckedAssertion {
  /** The Assertion as its signature covers it. */
  assertion: XmlElement;
  subject: XmlElement;
  /** The AuthnContextClassRef of its one AuthnStatement ('' when absent). */
  classRef: string;
  assertionId: string;
  /** Until when the assertion could be replayed: how long its ID must be remembered. */
  notOnOrAfter: Date;
}

export interface ResponseExpectations {
  idp: IdpMetadata;
  sp: { entityId: string; acsUrl: string; key: SamlKeyPair };
  /** The ID of the AuthnRequest this login sent. */
  requestId: string;
  /** The means' name, for the reason of a refusal. */
  label: string;
}

function refuse(message: string, cause?: unknown): never {
  throw new MeansError('invalid_response', message, cause ? { cause } : undefined);
}

/** A non-success status is an answer too: the person cancelled, or the level could not be met. */
function checkStatus(response: XmlElement, label: string): void {
  const { code, subCode } = statusOf(response);
  if (code === STATUS.success) return;
  if (subCode === STATUS.authnFailed)
    throw new MeansError('cancelled', `${label}: authentication cancelled or failed`);
  if (subCode === STATUS.noAuthnContext) {
    throw new MeansError('insufficient_loa', `${label} could not authenticate at the requested level`);
  }
  refuse(`${label} answered status ${code ?? 'none'} ${subCode ?? ''}`.trim());
}

export async function checkResponse(responseXml: string, e: ResponseExpectations): Promise<CheckedAssertion> {
  let response: XmlElement;
  try {
    response = parseXml(responseXml).documentElement;
  } catch (err) {
    if (err instanceof XmlError) refuse(err.message);
    throw err;
  }
  if (!isElement(response, NS.samlp, 'Response')) refuse('not a SAML Response');
  // Unsigned parts are only ever used to refuse: a mismatch here ends the login, a match proves nothing.
  const inResponseTo = response.getAttribute('InResponseTo');
  if (inResponseTo && inResponseTo !== e.requestId) refuse('the Response answers another AuthnRequest');
  const destination = response.getAttribute('Destination');
  if (destination && destination !== e.sp.acsUrl) refuse('the Response is addressed to another destination');
  // node-saml ignores a Response signature that does not verify when the Assertion's does; a message
  // that carries a broken signature is refused here instead.
  if (
    childElements(response, NS.ds, 'Signature').length > 0 &&
    !verifiedElement(responseXml, response, e.idp.signingCertificates)
  ) {
    refuse('the Response signature does not verify');
  }
  checkStatus(response, e.label);

  const saml = new SAML({
    idpCert: e.idp.signingCertificates,
    issuer: e.sp.entityId,
    audience: e.sp.entityId,
    callbackUrl: e.sp.acsUrl,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    // InResponseTo is checked below against the request stored for this login, single use.
    validateInResponseTo: ValidateInResponseTo.never,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    maxAssertionAgeMs: MAX_ASSERTION_AGE_MS,
    decryptionPvk: e.sp.key.privateKey,
  });
  let assertionXml: string;
  try {
    const { profile } = await saml.validatePostResponseAsync({
      SAMLResponse: Buffer.from(responseXml, 'utf8').toString('base64'),
    });
    if (!profile) refuse('the Response holds no assertion');
    assertionXml = profile.getAssertionXml!();
  } catch (err) {
    if (err instanceof MeansError) throw err;
    refuse(`SAML response refused: ${(err as Error).message}`, err);
  }

  const assertion = parseXml(assertionXml).documentElement;
  if (!isElement(assertion, NS.saml, 'Assertion')) refuse('the signed element is not an Assertion');
  const now = Date.now();

  const assertionId = assertion.getAttribute('ID');
  if (!assertionId) refuse('the Assertion has no ID');
  if (textOf(onlyChild(assertion, NS.saml, 'Issuer')) !== e.idp.entityId) {
    refuse('the Assertion was issued by another IdP');
  }

  const conditions = onlyChild(assertion, NS.saml, 'Conditions');
  const audiences = conditions
    ? childElements(conditions, NS.saml, 'AudienceRestriction').map((r) =>
        childElements(r, NS.saml, 'Audience').map((a) => textOf(a)),
      )
    : [];
  if (audiences.length === 0 || !audiences.every((r) => r.includes(e.sp.entityId))) {
    refuse('the Assertion is not meant for this service provider');
  }
  const conditionsEnd = Date.parse(conditions!.getAttribute('NotOnOrAfter') ?? '');
  if (!(conditionsEnd > now - CLOCK_SKEW_MS)) refuse('the Assertion has expired or has no NotOnOrAfter');

  const subject = onlyChild(assertion, NS.saml, 'Subject');
  if (!subject) refuse('the Assertion has no Subject');
  const confirmation = childElements(subject, NS.saml, 'SubjectConfirmation')
    .filter((c) => c.getAttribute('Method') === BEARER)
    .map((c) => onlyChild(c, NS.saml, 'SubjectConfirmationData'))
    .find(
      (d) =>
        !!d &&
        d.getAttribute('Recipient') === e.sp.acsUrl &&
        d.getAttribute('InResponseTo') === e.requestId &&
        Date.parse(d.getAttribute('NotOnOrAfter') ?? '') > now - CLOCK_SKEW_MS,
    );
  if (!confirmation) {
    refuse('no bearer confirmation for this recipient and this AuthnRequest, or it has expired');
  }

  const authn = childElements(assertion, NS.saml, 'AuthnStatement');
  if (authn.length !== 1) refuse('the Assertion must hold one AuthnStatement');
  const context = onlyChild(authn[0]!, NS.saml, 'AuthnContext');
  return {
    assertion,
    subject,
    classRef: textOf(context ? onlyChild(context, NS.saml, 'AuthnContextClassRef') : null) ?? '',
    assertionId,
    notOnOrAfter: new Date(Math.max(conditionsEnd, Date.parse(confirmation.getAttribute('NotOnOrAfter')!))),
  };
}
