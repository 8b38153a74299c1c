// Strict XML reading for SAML: one parser configuration, no DOCTYPE (no entity tricks), errors as
// exceptions, and namespace-aware element lookup so that a look-alike element in another namespace
// is never taken for the real one.
import { createRequire } from 'node:module';
import { DeziError } from '../../errors.ts';

/** The part of the DOM that SAML reading needs (xmldom's own types would pull the browser DOM into every file). */
export interface XmlNode {
  readonly nodeType: number;
  readonly namespaceURI: string | null;
  readonly localName: string | null;
  readonly firstChild: XmlNode | null;
  readonly nextSibling: XmlNode | null;
  readonly textContent: string | null;
}
export interface XmlElement extends XmlNode {
  readonly localName: string;
  readonly childNodes: ArrayLike<XmlNode>;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  getElementsByTagNameNS(namespace: string, localName: string): ArrayLike<XmlElement>;
}
export interface XmlDocument {
  readonly documentElement: XmlElement;
}
interface XmlDom {
  DOMParser: new (options: object) => {
    parseFromString(xml: string, mimeType: string): XmlDocument | undefined;
  };
  XMLSerializer: new () => { serializeToString(node: XmlNode | XmlDocument): string };
}
const { DOMParser, XMLSerializer } = createRequire(import.meta.url)('@xmldom/xmldom') as XmlDom;

export const NS = {
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
} as const;

export const BINDING = {
  redirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  post: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
  artifact: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact',
  soap: 'urn:oasis:names:tc:SAML:2.0:bindings:SOAP',
} as const;

export const STATUS = {
  success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  requester: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
  responder: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
  authnFailed: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed',
  noAuthnContext: 'urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext',
  requestDenied: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
} as const;

export class XmlError extends DeziError {
  override name = 'XmlError';
}

export function parseXml(xml: string): XmlDocument {
  if (/<!DOCTYPE/i.test(xml)) throw new XmlError('XML with a DOCTYPE is refused');
  const fail = (msg: string) => {
    throw new XmlError(`malformed XML: ${msg.split('\n')[0]}`);
  };
  const doc = new DOMParser({
    locator: {},
    errorHandler: { warning: () => undefined, error: fail, fatalError: fail },
  }).parseFromString(xml, 'text/xml');
  if (!doc?.documentElement) throw new XmlError('malformed XML: no document element');
  return doc;
}

export function serializeXml(node: XmlNode | XmlDocument): string {
  return new XMLSerializer().serializeToString(node);
}

export function isElement(node: XmlNode | null, ns: string, localName: string): node is XmlElement {
  return (
    !!node && node.nodeType === 1 && node.namespaceURI === ns && (node as XmlElement).localName === localName
  );
}

/** Direct child elements with this name. */
export function childElements(parent: XmlElement, ns: string, localName: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) if (isElement(n, ns, localName)) out.push(n);
  return out;
}

/** The one direct child with this name; null when absent, XmlError when repeated. */
export function onlyChild(parent: XmlElement, ns: string, localName: string): XmlElement | null {
  const found = childElements(parent, ns, localName);
  if (found.length > 1) throw new XmlError(`more than one ${localName} in ${parent.localName}`);
  return found[0] ?? null;
}

/** Every child element, of any name (for "exactly one message in this body" checks). */
export function elementChildren(parent: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as XmlElement);
  return out;
}

export function textOf(el: XmlElement | null): string | null {
  return el ? (el.textContent ?? '').trim() : null;
}

export function xmlEscape(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A SAML ID: an NCName, so it must not start with a digit. */
export function samlId(random: Buffer): string {
  return `_${random.toString('hex')}`;
}

/** The SAML top-level status code of a message, and its second-level code if any. */
export function statusOf(message: XmlElement): { code: string | null; subCode: string | null } {
  const status = onlyChild(message, NS.samlp, 'Status');
  const code = status ? onlyChild(status, NS.samlp, 'StatusCode') : null;
  const sub = code ? onlyChild(code, NS.samlp, 'StatusCode') : null;
  return { code: code?.getAttribute('Value') || null, subCode: sub?.getAttribute('Value') || null };
}

/** Exactly one element child: for SOAP bodies and similar single-message containers. */
export function singleElementChild(parent: XmlElement): XmlElement | null {
  const children = elementChildren(parent);
  return children.length === 1 ? children[0]! : null;
}
