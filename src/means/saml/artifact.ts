// The SAML HTTP-Artifact binding: the artifact format (type 0x0004), the SOAP ArtifactResolve the
// SP signs, and the ArtifactResponse it accepts. Signatures are made and checked by node-saml's XML
// signature functions (xml-crypto underneath); what is read afterwards is read only from the bytes
// the signature covers, which is what defeats signature-wrapping.
import { createHash, randomBytes } from 'node:crypto';
import { getVerifiedXml, signXml } from '@node-saml/node-saml/lib/xml.js';
import type { SamlKeyPair } from './keys.ts';
import {
  NS,
  STATUS,
  XmlError,
  isElement,
  onlyChild,
  parseXml,
  samlId,
  serializeXml,
  singleElementChild,
  statusOf,
  textOf,
  xmlEscape,
  type XmlElement,
} from './xml.ts';
import { DeziError } from '../../errors.ts';

const TYPE_CODE = 0x0004;
const ARTIFACT_BYTES = 44;

export interface Artifact {
  endpointIndex: number;
  /** SHA-1 of the issuer's entityID (SAML bindings §3.6.4). */
  sourceId: Buffer;
  messageHandle: Buffer;
}

export class ArtifactError extends DeziError {
  override name = 'ArtifactError';
}

export function sourceIdOf(entityId: string): Buffer {
  return createHash('sha1').update(entityId).digest();
}

export function encodeArtifact(entityId: string, endpointIndex: number): string {
  const buf = Buffer.alloc(ARTIFACT_BYTES);
  buf.writeUInt16BE(TYPE_CODE, 0);
  buf.writeUInt16BE(endpointIndex, 2);
  sourceIdOf(entityId).copy(buf, 4);
  randomBytes(20).copy(buf, 24);
  return buf.toString('base64');
}

export function decodeArtifact(value: string): Artifact {
  if (!/^[A-Za-z0-9+/]{58}==$|^[A-Za-z0-9+/]{59}=$|^[A-Za-z0-9+/]{60}$/.test(value)) {
    throw new ArtifactError('SAMLart is not a base64 type 0004 artifact');
  }
  const buf = Buffer.from(value, 'base64');
  if (buf.length !== ARTIFACT_BYTES || buf.readUInt16BE(0) !== TYPE_CODE) {
    throw new ArtifactError('SAMLart is not a type 0004 artifact');
  }
  return {
    endpointIndex: buf.readUInt16BE(2),
    sourceId: buf.subarray(4, 24),
    messageHandle: buf.subarray(24),
  };
}

export function soapEnvelope(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${NS.soap}"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

/** The one message in a SOAP 1.1 body; XmlError when the envelope is anything else. */
export function soapBodyMessage(xml: string): XmlElement {
  const env = parseXml(xml).documentElement;
  if (!isElement(env, NS.soap, 'Envelope')) throw new XmlError('not a SOAP 1.1 envelope');
  const body = onlyChild(env, NS.soap, 'Body');
  const message = body ? singleElementChild(body) : null;
  if (!message) throw new XmlError('the SOAP body must hold exactly one message');
  return message;
}

/**
 * Signs the root element of a SAML protocol message or assertion (enveloped, exclusive c14n,
 * RSA-SHA256), with the signature after the Issuer as the schema requires.
 */
export function signSamlElement(xml: string, localName: string, key: SamlKeyPair): string {
  return signXml(
    xml,
    `//*[local-name(.)='${localName}' and (namespace-uri(.)='${NS.samlp}' or namespace-uri(.)='${NS.saml}')]`,
    {
      reference: `//*[local-name(.)='${localName}']/*[local-name(.)='Issuer' and namespace-uri(.)='${NS.saml}']`,
      action: 'after',
    },
    {
      privateKey: key.privateKey,
      publicCert: key.certificate,
      signatureAlgorithm: 'sha256',
      digestAlgorithm: 'sha256',
    },
  );
}

/**
 * The element as the signature covers it, or null when it carries no valid signature by one of
 * these certificates. Refuses a signature that references another element, more than one element
 * with the same ID, or more than one signature.
 */
export function verifiedElement(
  fullXml: string,
  element: XmlElement,
  certificates: string[],
): XmlElement | null {
  let signed: string | null;
  try {
    signed = getVerifiedXml(fullXml, element as never, certificates);
  } catch {
    return null;
  }
  if (!signed) return null;
  const root = parseXml(signed).documentElement;
  return root.namespaceURI === element.namespaceURI && root.localName === element.localName ? root : null;
}

export function artifactResolveXml(o: {
  issuer: string;
  destination: string;
  artifact: string;
  key: SamlKeyPair;
}): { id: string; xml: string } {
  const id = samlId(randomBytes(20));
  const xml = `<samlp:ArtifactResolve xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${id}" Version="2.0" IssueInstant="${new Date().toISOString()}" Destination="${xmlEscape(o.destination)}"><saml:Issuer>${xmlEscape(o.issuer)}</saml:Issuer><samlp:Artifact>${xmlEscape(o.artifact)}</samlp:Artifact></samlp:ArtifactResolve>`;
  return { id, xml: signSamlElement(xml, 'ArtifactResolve', o.key) };
}

export type ArtifactResponseOutcome =
  | { kind: 'response'; responseXml: string }
  /** The IdP had no message for this artifact: unknown, expired or already resolved. */
  | { kind: 'empty' };

/**
 * Checks a SOAP ArtifactResponse: signed by the IdP, answering our ArtifactResolve, issued by the
 * IdP, status Success. Returns the SAML Response inside, taken from the signed bytes.
 */
export function readArtifactResponse(
  soapXml: string,
  o: { resolveId: string; idpEntityId: string; idpCertificates: string[] },
): ArtifactResponseOutcome {
  const message = soapBodyMessage(soapXml);
  if (!isElement(message, NS.samlp, 'ArtifactResponse')) {
    throw new ArtifactError('the SOAP body holds no ArtifactResponse');
  }
  const signed = verifiedElement(soapXml, message, o.idpCertificates);
  if (!signed) throw new ArtifactError('the ArtifactResponse is not signed by the IdP');
  if (signed.getAttribute('InResponseTo') !== o.resolveId) {
    throw new ArtifactError('the ArtifactResponse does not answer this ArtifactResolve');
  }
  if (textOf(onlyChild(signed, NS.saml, 'Issuer')) !== o.idpEntityId) {
    throw new ArtifactError('the ArtifactResponse comes from another issuer');
  }
  if (statusOf(signed).code !== STATUS.success) {
    throw new ArtifactError('the IdP refused the ArtifactResolve');
  }
  const responses = Array.from(signed.childNodes).filter(
    (n): n is XmlElement =>
      n.nodeType === 1 &&
      !['Issuer', 'Signature', 'Status', 'Extensions'].includes((n as XmlElement).localName),
  );
  if (responses.length === 0) return { kind: 'empty' };
  const [response] = responses;
  if (responses.length > 1 || !isElement(response!, NS.samlp, 'Response')) {
    throw new ArtifactError('the ArtifactResponse must hold exactly one SAML Response');
  }
  return { kind: 'response', responseXml: serializeXml(response!) };
}
