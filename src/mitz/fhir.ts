// FHIR R4 in both of its wire formats, as far as Mitz's subscriptions need it: reading a resource
// (XML or JSON) into one format-neutral tree, writing a resource (built as FHIR JSON) as XML or JSON,
// choosing the format of an answer, and the OperationOutcome every refusal is answered with.
//
// Reading: both formats become the same tree, so that the rules of a Subscription are written once.
// Every child is a list (FHIR JSON makes some elements arrays and not others; the tree does not
// care), a primitive's value is a string, and an XML attribute other than `value` (an extension's
// `url`) is a child like any other, as it is in JSON.
import { createRequire } from 'node:module';
import type { FastifyRequest } from 'fastify';
import { DeziError } from '../errors.ts';

export const FHIR_NS = 'http://hl7.org/fhir';
const XHTML_NS = 'http://www.w3.org/1999/xhtml';

export type FhirFormat = 'xml' | 'json';
export const FHIR_MEDIA: Record<FhirFormat, string> = {
  xml: 'application/fhir+xml',
  json: 'application/fhir+json',
};

/** The FHIR issue types Mitz answers with (http://hl7.org/fhir/issue-type). */
export type IssueCode =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'security'
  | 'not-found'
  | 'deleted'
  | 'not-supported'
  | 'business-rule'
  | 'throttled'
  | 'too-costly'
  | 'transient'
  | 'exception';

/** A refusal, answered as an OperationOutcome with this status and issue code. */
export class FhirError extends DeziError {
  override name = 'FhirError';
  readonly issue: IssueCode;
  constructor(status: number, issue: IssueCode, diagnostics: string) {
    // A run of nine digits or more could be a BSN a caller put somewhere it is echoed from (an element
    // name, say): never in an answer, a log line or an audit record.
    super(diagnostics.replace(/[0-9]{9,}/g, '[…]'), { status, expose: status < 500 });
    this.issue = issue;
  }
}

export function operationOutcome(issue: IssueCode, diagnostics: string): FhirJson {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: issue, diagnostics }],
  };
}

// ---------------------------------------------------------------------------------------------
// The neutral tree

export interface FhirNode {
  /** A primitive's value (XML's value attribute, a JSON string, number or boolean). */
  value?: string;
  children: Map<string, FhirNode[]>;
}

export interface FhirResource {
  resourceType: string;
  root: FhirNode;
}

/** Deeper than any resource Mitz reads: a guard against a body that is one long nesting. */
const MAX_DEPTH = 24;

const malformed = (detail: string) => new FhirError(400, 'structure', detail);

export const childrenOf = (node: FhirNode | undefined, name: string): FhirNode[] =>
  node?.children.get(name) ?? [];

/** The one child of this name (undefined when absent); a repeated one is a structure error. */
export function onlyChild(node: FhirNode | undefined, name: string, path: string): FhirNode | undefined {
  const found = childrenOf(node, name);
  if (found.length > 1) throw malformed(`${path}.${name} may occur once`);
  return found[0];
}

/** The value of the one primitive child of this name. */
export function primitive(node: FhirNode | undefined, name: string, path: string): string | undefined {
  return onlyChild(node, name, path)?.value;
}

function add(node: FhirNode, name: string, child: FhirNode): void {
  const list = node.children.get(name);
  if (list) list.push(child);
  else node.children.set(name, [child]);
}

// ---------------------------------------------------------------------------------------------
// XML (xmldom, strict: no DOCTYPE, errors as exceptions, namespaces checked)

interface XmlAttr {
  readonly name: string;
  readonly value: string;
}
interface XmlNodeLike {
  readonly nodeType: number;
  readonly namespaceURI: string | null;
  readonly localName: string | null;
  readonly nodeValue: string | null;
  readonly textContent: string | null;
  readonly firstChild: XmlNodeLike | null;
  readonly nextSibling: XmlNodeLike | null;
  readonly attributes?: { readonly length: number; item(i: number): XmlAttr | null };
}
interface XmlDom {
  DOMParser: new (options: object) => {
    parseFromString(xml: string, mimeType: string): { documentElement: XmlNodeLike | null } | undefined;
  };
}
const { DOMParser } = createRequire(import.meta.url)('@xmldom/xmldom') as XmlDom;

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;

function parseXmlDocument(xml: string): XmlNodeLike {
  // A DOCTYPE is where entity expansion lives; FHIR never needs one.
  if (/<!DOCTYPE/i.test(xml)) throw malformed('XML with a DOCTYPE is refused');
  const fail = (msg: string) => {
    throw malformed(`the body is not well-formed XML: ${String(msg).split('\n')[0]}`);
  };
  const doc = new DOMParser({
    locator: {},
    errorHandler: { warning: () => undefined, error: fail, fatalError: fail },
  }).parseFromString(xml, 'text/xml');
  if (!doc?.documentElement) throw malformed('the body is not XML');
  return doc.documentElement;
}

function fromXmlElement(el: XmlNodeLike, path: string, depth: number): FhirNode {
  if (depth > MAX_DEPTH) throw malformed('the resource is nested too deeply');
  const node: FhirNode = { children: new Map() };
  const attributes = el.attributes;
  for (let i = 0; attributes && i < attributes.length; i++) {
    const a = attributes.item(i)!;
    if (a.name === 'xmlns' || a.name.startsWith('xmlns:')) continue;
    if (a.name === 'value') node.value = a.value;
    else add(node, a.name, { value: a.value, children: new Map() });
  }
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT) {
      const name = n.localName ?? '';
      if (n.namespaceURI === XHTML_NS && name === 'div') {
        add(node, 'div', { value: n.textContent ?? '', children: new Map() });
      } else if (n.namespaceURI === FHIR_NS) {
        add(node, name, fromXmlElement(n, `${path}.${name}`, depth + 1));
      } else {
        throw malformed(`${path} holds an element ${name} outside the FHIR namespace`);
      }
    } else if ((n.nodeType === TEXT || n.nodeType === CDATA) && (n.nodeValue ?? '').trim() !== '') {
      throw malformed(`${path} holds text; FHIR XML puts values in value attributes`);
    }
  }
  return node;
}

export function readFhirXml(body: string): FhirResource {
  const root = parseXmlDocument(body);
  if (root.namespaceURI !== FHIR_NS)
    throw malformed(`the document element must be a FHIR resource in the namespace ${FHIR_NS}`);
  const resourceType = root.localName ?? '';
  return { resourceType, root: fromXmlElement(root, resourceType, 0) };
}

// ---------------------------------------------------------------------------------------------
// JSON

function fromJsonValue(v: unknown, path: string, depth: number): FhirNode | null {
  if (depth > MAX_DEPTH) throw malformed('the resource is nested too deeply');
  if (v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    return { value: String(v), children: new Map() };
  if (Array.isArray(v)) throw malformed(`${path} is an array inside an array`);
  if (typeof v !== 'object') throw malformed(`${path} has a value JSON cannot carry`);
  const node: FhirNode = { children: new Map() };
  for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
    // `_name` carries a primitive's id and extensions, which Mitz does not read.
    if (key.startsWith('_') || key === 'fhir_comments') continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      const child = fromJsonValue(item, `${path}.${key}`, depth + 1);
      if (child) add(node, key, child);
    }
  }
  return node;
}

export function readFhirJson(body: string): FhirResource {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw malformed('the body is not well-formed JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw malformed('the body must be a FHIR resource (a JSON object)');
  const resourceType = (parsed as { resourceType?: unknown }).resourceType;
  if (typeof resourceType !== 'string') throw malformed('the resource has no resourceType');
  const root = fromJsonValue(parsed, resourceType, 0)!;
  root.children.delete('resourceType');
  return { resourceType, root };
}

export function readFhir(body: string, format: FhirFormat): FhirResource {
  return format === 'xml' ? readFhirXml(body) : readFhirJson(body);
}

// ---------------------------------------------------------------------------------------------
// Writing: resources are built as FHIR JSON, with their keys in the order FHIR XML requires.

export type FhirJson = { [key: string]: FhirValue };
export type FhirValue = string | number | boolean | FhirJson | FhirValue[];

export function xmlEscape(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * The narrative's div from plain text: the one piece of XHTML Mitz writes, escaped here, so that the
 * XML writer may put it in as it is.
 */
export function narrative(text: string): FhirJson {
  return { status: 'generated', div: `<div xmlns="${XHTML_NS}">${xmlEscape(text)}</div>` };
}

const isResource = (v: FhirValue): v is FhirJson =>
  typeof v === 'object' && !Array.isArray(v) && typeof v.resourceType === 'string';

function xmlElement(name: string, value: FhirValue, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) xmlElement(name, item, out);
    return;
  }
  if (typeof value !== 'object') {
    out.push(`<${name} value="${xmlEscape(String(value))}"/>`);
    return;
  }
  if (isResource(value)) {
    // A resource inside an element (Bundle.entry.resource): the element, then the resource's own.
    out.push(`<${name}>`);
    xmlResource(value, false, out);
    out.push(`</${name}>`);
    return;
  }
  // An extension's url, and an element's (not a resource's) id, are attributes in XML.
  const attributes: string[] = [];
  const children: [string, FhirValue][] = [];
  for (const [k, v] of Object.entries(value as FhirJson)) {
    if ((k === 'url' && (name === 'extension' || name === 'modifierExtension')) || k === 'id')
      attributes.push(` ${k}="${xmlEscape(String(v))}"`);
    else children.push([k, v]);
  }
  out.push(`<${name}${attributes.join('')}>`);
  for (const [k, v] of children) {
    if (k === 'div' && typeof v === 'string') out.push(v);
    else xmlElement(k, v, out);
  }
  out.push(`</${name}>`);
}

function xmlResource(resource: FhirJson, root: boolean, out: string[]): void {
  const type = String(resource.resourceType);
  out.push(root ? `<${type} xmlns="${FHIR_NS}">` : `<${type}>`);
  for (const [k, v] of Object.entries(resource)) {
    if (k === 'resourceType') continue;
    if (k === 'id' && typeof v !== 'object') out.push(`<id value="${xmlEscape(String(v))}"/>`);
    else xmlElement(k, v, out);
  }
  out.push(`</${type}>`);
}

export function writeFhir(resource: FhirJson, format: FhirFormat): string {
  if (format === 'json') return JSON.stringify(resource);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  xmlResource(resource, true, out);
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// Formats on the wire

/** The format a request body is in, from its Content-Type; null for one FHIR does not define. */
export function formatOfMediaType(contentType: string | undefined): FhirFormat | null {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (['application/fhir+xml', 'application/xml', 'text/xml'].includes(type)) return 'xml';
  if (['application/fhir+json', 'application/json'].includes(type)) return 'json';
  return null;
}

function formatNamed(v: string): FhirFormat | null {
  const t = v.trim().toLowerCase();
  if (t === 'xml') return 'xml';
  if (t === 'json') return 'json';
  return formatOfMediaType(t);
}

/**
 * The format of an answer: `_format` (FHIR's override), then the first FHIR format the Accept header
 * names, then the format the request was sent in, then XML (Mitz's own messages are XML).
 */
export function answerFormat(req: FastifyRequest): FhirFormat {
  const query = req.query as Record<string, unknown> | undefined;
  if (typeof query?._format === 'string') {
    const f = formatNamed(query._format);
    if (f) return f;
  }
  for (const part of (req.headers.accept ?? '').split(',')) {
    const f = formatOfMediaType(part);
    if (f) return f;
  }
  return formatOfMediaType(req.headers['content-type']) ?? 'xml';
}
