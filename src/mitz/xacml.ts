// The closed question in its XACML form: reading a SOAP 1.2 envelope with WS-Addressing that carries
// an XACML 3.0 XACMLAuthzDecisionQuery (the SAML profile of XACML, as Mitz's callers send it), and
// writing the answer: a SOAP 1.2 envelope whose Body holds the XACML Response. Reading uses the one
// strict XML parser of the DigiD means (no DOCTYPE, no entities, errors as exceptions) and looks
// every element up by namespace and local name; writing builds the text with every value escaped.
import { randomUUID } from 'node:crypto';
import {
  childElements,
  elementChildren,
  isElement,
  onlyChild,
  parseXml,
  singleElementChild,
  textOf,
  XmlError,
  xmlEscape,
  type XmlElement,
} from '../means/saml/xml.ts';
import {
  QuestionError,
  questionFrom,
  XACML_STATUS,
  type Answer,
  type ClosedQuestionInput,
  type QuestionField,
  type XacmlStatus,
} from './closed-question.ts';
import { OID } from './codes.ts';

export const XACML_NS = {
  soap12: 'http://www.w3.org/2003/05/soap-envelope',
  wsa: 'http://www.w3.org/2005/08/addressing',
  /** The SAML 2.0 profile of XACML 3.0: XACMLAuthzDecisionQuery. */
  samlXacml: 'urn:oasis:names:tc:xacml:3.0:profile:saml2.0:v2:schema:protocol:wd-14',
  xacml: 'urn:oasis:names:tc:xacml:3.0:core:schema:wd-17',
  hl7: 'urn:hl7-org:v3',
} as const;

/** The WS-Addressing actions: the question's (checked) and the answer's. */
export const WSA_ACTION = {
  question: 'XACMLAuthorizationDecisionQueryRequest',
  answer: 'XACMLAuthorizationDecisionQueryResponse',
} as const;
export const WSA_ANONYMOUS = 'http://www.w3.org/2005/08/addressing/anonymous';

export const CATEGORY = {
  resource: 'urn:oasis:names:tc:xacml:3.0:attribute-category:resource',
  action: 'urn:oasis:names:tc:xacml:3.0:attribute-category:action',
  subject: 'urn:oasis:names:tc:xacml:1.0:subject-category:access-subject',
  environment: 'urn:oasis:names:tc:xacml:3.0:attribute-category:environment',
} as const;

/** HL7 v3 data types as XACML carries them: an instance identifier (root + extension), a coded value. */
const DATA_TYPE = {
  II: { uri: 'urn:hl7-org:v3#II', element: 'InstanceIdentifier' },
  CV: { uri: 'urn:hl7-org:v3#CV', element: 'CodedValue' },
} as const;
type DataType = keyof typeof DATA_TYPE;

interface AttributeSpec {
  category: string;
  id: string;
  type: DataType;
  /** The II's root or the CV's codeSystem the value must have. */
  system: string;
}

/** Where each field of the question is: its category, AttributeId, data type and OID. */
export const ATTRIBUTES: Record<QuestionField, AttributeSpec> = {
  bsn: {
    category: CATEGORY.resource,
    id: 'urn:oasis:names:tc:xacml:2.0:resource:resource-id',
    type: 'II',
    system: OID.bsn,
  },
  dossierhouderFacilityType: {
    category: CATEGORY.resource,
    id: 'urn:ihe:iti:appc:2016:document-entry:healthcare-facility-type-code',
    type: 'CV',
    system: OID.facilityType,
  },
  dossierhouderUra: {
    category: CATEGORY.resource,
    id: 'urn:ihe:iti:appc:2016:author-institution:id',
    type: 'II',
    system: OID.ura,
  },
  gegevenscategorie: {
    category: CATEGORY.action,
    id: 'urn:ihe:iti:appc:2016:document-entry:event-code',
    type: 'CV',
    system: OID.gegevenscategorie,
  },
  roleCode: {
    category: CATEGORY.subject,
    id: 'urn:oasis:names:tc:xacml:2.0:subject:role',
    type: 'CV',
    system: OID.roleCode,
  },
  providerId: {
    category: CATEGORY.subject,
    id: 'urn:ihe:iti:xua:2017:subject:provider-identifier',
    type: 'II',
    system: OID.professional,
  },
  mandated: {
    category: CATEGORY.subject,
    id: 'urn:nl:otv:names:tc:1.0:subject:mandated',
    type: 'II',
    system: OID.professional,
  },
  consultingUra: {
    category: CATEGORY.subject,
    id: 'urn:nl:otv:names:tc:1.0:subject:provider-institution',
    type: 'II',
    system: OID.ura,
  },
  consultingFacilityType: {
    category: CATEGORY.subject,
    id: 'urn:nl:otv:names:tc:1.0:subject:consulting-healthcare-facility-type-code',
    type: 'CV',
    system: OID.facilityType,
  },
  purposeOfUse: {
    category: CATEGORY.environment,
    id: 'urn:oasis:names:tc:xspa:1.0:subject:purposeofuse',
    type: 'CV',
    system: OID.purposeOfUse,
  },
};
const OPTIONAL: ReadonlySet<QuestionField> = new Set(['mandated']);
const FIELDS = Object.keys(ATTRIBUTES) as QuestionField[];
const BY_KEY = new Map(FIELDS.map((f) => [`${ATTRIBUTES[f].category} ${ATTRIBUTES[f].id}`, f]));

/** A field's name in this form, for messages: its AttributeId. */
export const attributeName = (f: QuestionField) => ATTRIBUTES[f].id;

/** An attribute marked IncludeInResult, to be echoed in the Result. */
export interface EchoedAttribute {
  field: QuestionField;
  /** The II's extension or the CV's code (the root or codeSystem is the spec's). */
  value: string;
  assigningAuthorityName: string | null;
}

export type XacmlReading = { messageId: string | null } & (
  { question: ClosedQuestionInput; echo: EchoedAttribute[] } | { error: QuestionError }
);

/** A MessageID we echo in RelatesTo: a URI without spaces, of a sensible length. */
const MESSAGE_ID = /^[^\s<>"]{1,256}$/;

const envelopeError = (message: string) =>
  new QuestionError(XACML_STATUS.syntaxError, message, { envelope: true });

/**
 * Reads a closed question. Never throws for what the caller sent: a broken envelope or question comes
 * back as its QuestionError, with the MessageID when it could be read (for RelatesTo).
 */
export function readXacmlQuestion(xml: string): XacmlReading {
  let messageId: string | null = null;
  try {
    let doc;
    try {
      doc = parseXml(xml);
    } catch (err) {
      // Our own words only: the parser's message may quote the caller's text.
      if (err instanceof XmlError)
        throw envelopeError(
          /DOCTYPE/.test(err.message) ? 'XML with a DOCTYPE is refused' : 'the body is not well-formed XML',
        );
      throw err;
    }
    const envelope = doc.documentElement;
    if (!isElement(envelope, XACML_NS.soap12, 'Envelope'))
      throw envelopeError(`the body must be a SOAP 1.2 Envelope (${XACML_NS.soap12})`);
    const header = onlyChild(envelope, XACML_NS.soap12, 'Header');
    const body = onlyChild(envelope, XACML_NS.soap12, 'Body');
    if (!header) throw envelopeError('the SOAP Envelope has no Header with WS-Addressing');
    const id = textOf(onlyChild(header, XACML_NS.wsa, 'MessageID'));
    if (id !== null && MESSAGE_ID.test(id)) messageId = id;
    else throw envelopeError('the WS-Addressing MessageID is missing or not a URI');
    const action = textOf(onlyChild(header, XACML_NS.wsa, 'Action'));
    if (action !== WSA_ACTION.question)
      throw envelopeError(`the WS-Addressing Action must be ${WSA_ACTION.question}`);
    const replyTo = onlyChild(header, XACML_NS.wsa, 'ReplyTo');
    if (replyTo && textOf(onlyChild(replyTo, XACML_NS.wsa, 'Address')) !== WSA_ANONYMOUS)
      throw envelopeError(`the answer goes back on the same connection: ReplyTo must be ${WSA_ANONYMOUS}`);
    const query = body && singleElementChild(body);
    if (!query || !isElement(query, XACML_NS.samlXacml, 'XACMLAuthzDecisionQuery'))
      throw envelopeError('the SOAP Body must hold one XACMLAuthzDecisionQuery');
    // Beside the Request, the query may carry a saml:Issuer and a ds:Signature (the mutual TLS of the
    // connection authenticates the caller; the signature is not checked) and is otherwise ignored.
    const request = onlyChild(query, XACML_NS.xacml, 'Request');
    if (!request) throw envelopeError('the XACMLAuthzDecisionQuery holds no XACML Request');
    return { messageId, ...readRequest(request) };
  } catch (err) {
    if (err instanceof QuestionError) return { messageId, error: err };
    // A repeated SOAP or WS-Addressing element (onlyChild): the envelope is broken.
    if (err instanceof XmlError) return { messageId, error: envelopeError(err.message) };
    throw err;
  }
}

/** The question in the Request: the attributes it knows; others are ignored, as XACML allows. */
function readRequest(request: XmlElement): { question: ClosedQuestionInput; echo: EchoedAttribute[] } {
  const fail = (status: QuestionError['xacmlStatus'], message: string, missing?: QuestionField[]) =>
    new QuestionError(status, message, { missing });
  if (childElements(request, XACML_NS.xacml, 'MultiRequests').length > 0)
    throw fail(XACML_STATUS.processingError, 'one question per Request: MultiRequests is not supported');
  const values = new Map<QuestionField, string>();
  const echo: EchoedAttribute[] = [];
  for (const attributes of childElements(request, XACML_NS.xacml, 'Attributes')) {
    const category = attributes.getAttribute('Category') ?? '';
    for (const attribute of childElements(attributes, XACML_NS.xacml, 'Attribute')) {
      const field = BY_KEY.get(`${category} ${attribute.getAttribute('AttributeId') ?? ''}`);
      if (!field) continue;
      const spec = ATTRIBUTES[field];
      if (values.has(field)) throw fail(XACML_STATUS.syntaxError, `${spec.id} is given more than once`);
      const [value, ...more] = childElements(attribute, XACML_NS.xacml, 'AttributeValue');
      if (!value || more.length > 0)
        throw fail(XACML_STATUS.syntaxError, `${spec.id} must have exactly one AttributeValue`);
      const read = readValue(value, spec);
      if (typeof read === 'string') throw fail(XACML_STATUS.syntaxError, read);
      values.set(field, read.value);
      if (attribute.getAttribute('IncludeInResult') === 'true') echo.push({ field, ...read });
    }
  }
  const missing = FIELDS.filter((f) => !OPTIONAL.has(f) && !values.has(f));
  if (missing.length > 0)
    throw fail(
      XACML_STATUS.missingAttribute,
      `the question lacks ${missing.map(attributeName).join(', ')}`,
      missing,
    );
  return { question: questionFrom((f) => values.get(f) ?? null), echo };
}

/** One II or CV value; a string says what is wrong with it. */
function readValue(
  value: XmlElement,
  spec: AttributeSpec,
): { value: string; assigningAuthorityName: string | null } | string {
  const type = DATA_TYPE[spec.type];
  if (value.getAttribute('DataType') !== type.uri) return `${spec.id} must have DataType ${type.uri}`;
  const children = elementChildren(value);
  const el = children.length === 1 ? children[0]! : null;
  if (!el || !isElement(el, XACML_NS.hl7, type.element))
    return `${spec.id} must hold one ${type.element} (${XACML_NS.hl7})`;
  if (spec.type === 'II') {
    if (el.getAttribute('root') !== spec.system) return `${spec.id} must have root ${spec.system}`;
    const extension = el.getAttribute('extension');
    if (!extension) return `${spec.id} has no extension`;
    return { value: extension, assigningAuthorityName: el.getAttribute('assigningAuthorityName') || null };
  }
  if (el.getAttribute('codeSystem') !== spec.system) return `${spec.id} must have codeSystem ${spec.system}`;
  const code = el.getAttribute('code');
  if (!code) return `${spec.id} has no code`;
  return { value: code, assigningAuthorityName: null };
}

export interface XacmlAnswer {
  decision: Answer;
  status: XacmlStatus;
  /** Why Indeterminate: our message, for the caller. */
  message?: string;
  /** The missing fields (missing-attribute). */
  missing?: QuestionField[];
  /** The question's MessageID, when it could be read. */
  relatesTo: string | null;
  /** Echoed with a decision only: an Indeterminate answer repeats nothing of the question. */
  echo?: EchoedAttribute[];
}

export const SOAP_CONTENT_TYPE = 'application/soap+xml; charset=utf-8';

function echoed(echo: EchoedAttribute[]): string {
  const byCategory = new Map<string, string[]>();
  for (const e of echo) {
    const spec = ATTRIBUTES[e.field];
    const type = DATA_TYPE[spec.type];
    const value =
      spec.type === 'II'
        ? `<${type.element} xmlns="${XACML_NS.hl7}" root="${xmlEscape(spec.system)}" extension="${xmlEscape(e.value)}"${
            e.assigningAuthorityName ? ` assigningAuthorityName="${xmlEscape(e.assigningAuthorityName)}"` : ''
          }/>`
        : `<${type.element} xmlns="${XACML_NS.hl7}" code="${xmlEscape(e.value)}" codeSystem="${xmlEscape(spec.system)}"/>`;
    const list = byCategory.get(spec.category) ?? [];
    list.push(
      `<Attribute AttributeId="${xmlEscape(spec.id)}" IncludeInResult="true">` +
        `<AttributeValue DataType="${type.uri}">${value}</AttributeValue></Attribute>`,
    );
    byCategory.set(spec.category, list);
  }
  return [...byCategory]
    .map(([category, list]) => `<Attributes Category="${xmlEscape(category)}">${list.join('')}</Attributes>`)
    .join('');
}

/** The answer: SOAP 1.2 with WS-Addressing, the XACML Response in the Body. */
export function writeXacmlAnswer(a: XacmlAnswer): string {
  const status =
    `<StatusCode Value="${a.status}"/>` +
    (a.message ? `<StatusMessage>${xmlEscape(a.message)}</StatusMessage>` : '') +
    (a.missing?.length
      ? `<StatusDetail>${a.missing
          .map((f) => {
            const spec = ATTRIBUTES[f];
            return `<MissingAttributeDetail Category="${xmlEscape(spec.category)}" AttributeId="${xmlEscape(spec.id)}" DataType="${DATA_TYPE[spec.type].uri}"/>`;
          })
          .join('')}</StatusDetail>`
      : '');
  const attributes = a.decision !== 'Indeterminate' && a.echo ? echoed(a.echo) : '';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<env:Envelope xmlns:env="${XACML_NS.soap12}" xmlns:wsa="${XACML_NS.wsa}">` +
    '<env:Header>' +
    `<wsa:Action>${WSA_ACTION.answer}</wsa:Action>` +
    `<wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID>` +
    (a.relatesTo ? `<wsa:RelatesTo>${xmlEscape(a.relatesTo)}</wsa:RelatesTo>` : '') +
    `<wsa:To>${WSA_ANONYMOUS}</wsa:To>` +
    '</env:Header>' +
    '<env:Body>' +
    `<Response xmlns="${XACML_NS.xacml}"><Result>` +
    `<Decision>${a.decision}</Decision><Status>${status}</Status>${attributes}` +
    '</Result></Response>' +
    '</env:Body></env:Envelope>\n'
  );
}
