// The SAML messages an IdP sends, as the proeftuin's DigiD and eIDAS node stand-ins write them:
// metadata, the Response with its Assertion (and, for eIDAS, its attributes), and the SOAP
// ArtifactResponse. Tests build their forged and broken
// messages with the same functions, so that each attack differs from the real thing in one place.
import { createPublicKey, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { encrypt } from 'xml-encryption';
import { signSamlElement } from '../means/saml/artifact.ts';
import { certificateBody, type SamlKeyPair } from '../means/saml/keys.ts';
import { ATTR_NAME_FORMAT_URI } from '../means/eidas/attributes.ts';
import { BINDING, NS, STATUS, samlId, xmlEscape } from '../means/saml/xml.ts';

export const BSN_NAME_ID_PREFIX = 's00000000:';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
/** How long an assertion is valid: short, as it is used at once. */
export const ASSERTION_LIFETIME_MS = 2 * 60_000;

export function idpMetadataXml(o: {
  entityId: string;
  certificate: string;
  ssoUrl: string;
  /** Absent: an IdP that answers by HTTP-POST only (the eIDAS node). */
  artifactResolutionUrl?: string;
}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="${NS.md}" xmlns:ds="${NS.ds}" entityID="${xmlEscape(o.entityId)}">
  <md:IDPSSODescriptor protocolSupportEnumeration="${NS.samlp}" WantAuthnRequestsSigned="true">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBody(o.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    ${o.artifactResolutionUrl ? `<md:ArtifactResolutionService Binding="${BINDING.soap}" Location="${xmlEscape(o.artifactResolutionUrl)}" index="0" isDefault="true"/>` : ''}
    <md:SingleSignOnService Binding="${BINDING.redirect}" Location="${xmlEscape(o.ssoUrl)}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
`;
}

export interface AssertionFields {
  idpEntityId: string;
  spEntityId: string;
  acsUrl: string;
  inResponseTo: string;
  nameId: string;
  classRef: string;
  /** An AttributeStatement's attributes (URI name format), one value each; absent: none (DigiD). */
  attributes?: { name: string; value: string }[];
  id?: string;
  issuedAt?: Date;
  notOnOrAfter?: Date;
}

function attributeStatement(attributes: AssertionFields['attributes']): string {
  if (!attributes?.length) return '';
  const one = (a: { name: string; value: string }) =>
    `<saml:Attribute Name="${xmlEscape(a.name)}" NameFormat="${ATTR_NAME_FORMAT_URI}"><saml:AttributeValue>${xmlEscape(a.value)}</saml:AttributeValue></saml:Attribute>`;
  return `<saml:AttributeStatement>${attributes.map(one).join('')}</saml:AttributeStatement>`;
}

export function assertionXml(f: AssertionFields): string {
  const issued = f.issuedAt ?? new Date();
  const until = (f.notOnOrAfter ?? new Date(issued.getTime() + ASSERTION_LIFETIME_MS)).toISOString();
  const id = f.id ?? samlId(randomBytes(20));
  return `<saml:Assertion xmlns:saml="${NS.saml}" ID="${id}" Version="2.0" IssueInstant="${issued.toISOString()}"><saml:Issuer>${xmlEscape(f.idpEntityId)}</saml:Issuer><saml:Subject><saml:NameID>${xmlEscape(f.nameId)}</saml:NameID><saml:SubjectConfirmation Method="${BEARER}"><saml:SubjectConfirmationData InResponseTo="${xmlEscape(f.inResponseTo)}" NotOnOrAfter="${until}" Recipient="${xmlEscape(f.acsUrl)}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="${new Date(issued.getTime() - 1000).toISOString()}" NotOnOrAfter="${until}"><saml:AudienceRestriction><saml:Audience>${xmlEscape(f.spEntityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="${issued.toISOString()}" SessionIndex="${samlId(randomBytes(8))}"><saml:AuthnContext><saml:AuthnContextClassRef>${xmlEscape(f.classRef)}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>${attributeStatement(f.attributes)}</saml:Assertion>`;
}

export interface ResponseFields {
  idpEntityId: string;
  acsUrl: string;
  inResponseTo: string;
  /** The Assertion element (signed or not), absent for a failure status. */
  assertion?: string;
  status?: { code: string; subCode?: string };
  id?: string;
}

export function responseXml(f: ResponseFields): string {
  const status = f.status ?? { code: STATUS.success };
  const sub = status.subCode ? `<samlp:StatusCode Value="${status.subCode}"/>` : '';
  return `<samlp:Response xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${f.id ?? samlId(randomBytes(20))}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${xmlEscape(f.acsUrl)}" InResponseTo="${xmlEscape(f.inResponseTo)}"><saml:Issuer>${xmlEscape(f.idpEntityId)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="${status.code}">${sub}</samlp:StatusCode></samlp:Status>${f.assertion ?? ''}</samlp:Response>`;
}

/** The Response the way DigiD sends it: the Assertion signed, then the Response around it signed. */
export function signedResponseXml(f: AssertionFields, key: SamlKeyPair): string {
  const assertion = signSamlElement(assertionXml(f), 'Assertion', key);
  return signSamlElement(
    responseXml({ idpEntityId: f.idpEntityId, acsUrl: f.acsUrl, inResponseTo: f.inResponseTo, assertion }),
    'Response',
    key,
  );
}

export function artifactResponseXml(o: {
  idpEntityId: string;
  inResponseTo: string;
  /** The Response element; absent when the artifact is unknown. */
  response?: string;
  status?: string;
}): string {
  return `<samlp:ArtifactResponse xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${samlId(randomBytes(20))}" Version="2.0" IssueInstant="${new Date().toISOString()}" InResponseTo="${xmlEscape(o.inResponseTo)}"><saml:Issuer>${xmlEscape(o.idpEntityId)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="${o.status ?? STATUS.success}"/></samlp:Status>${o.response ?? ''}</samlp:ArtifactResponse>`;
}

/**
 * The Assertion encrypted for the SP, as newer DigiD versions send it: AES-256-GCM, the key wrapped
 * with RSA-OAEP for the SP's certificate from its metadata.
 */
export async function encryptedAssertionXml(assertion: string, spCertificate: string): Promise<string> {
  const encrypted = await promisify(encrypt)(assertion, {
    rsa_pub: createPublicKey(spCertificate).export({ type: 'spki', format: 'pem' }),
    pem: spCertificate,
    encryptionAlgorithm: 'http://www.w3.org/2009/xmlenc11#aes256-gcm',
    keyEncryptionAlgorithm: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
    disallowEncryptionWithInsecureAlgorithm: true,
  });
  return `<saml:EncryptedAssertion xmlns:saml="${NS.saml}">${encrypted}</saml:EncryptedAssertion>`;
}

/** As signedResponseXml, with the signed Assertion encrypted for the SP. */
export async function signedEncryptedResponseXml(
  f: AssertionFields,
  key: SamlKeyPair,
  spCertificate: string,
): Promise<string> {
  const assertion = await encryptedAssertionXml(
    signSamlElement(assertionXml(f), 'Assertion', key),
    spCertificate,
  );
  return signSamlElement(
    responseXml({ idpEntityId: f.idpEntityId, acsUrl: f.acsUrl, inResponseTo: f.inResponseTo, assertion }),
    'Response',
    key,
  );
}
