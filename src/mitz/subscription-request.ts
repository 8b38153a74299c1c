// The rules of a Subscription Mitz accepts (profile mitz-Subscription, FHIR R4), read from the neutral
// tree of src/mitz/fhir.ts, so that XML and JSON are held to the same rules. What cannot be read as a
// Subscription is a 400; a Subscription that breaks Mitz's rules is a 422 that names the rule. No
// message ever repeats the patientid or the endpoint: the first is a BSN, the second may hold one.
import { Bsn, InvalidBsnError } from '../means/bsn.ts';
import { FACILITY_TYPES } from './codes.ts';
import {
  childrenOf,
  FhirError,
  onlyChild,
  primitive,
  type FhirFormat,
  type FhirNode,
  type FhirResource,
} from './fhir.ts';

export const EXTENSION = {
  birthDate: 'http://fhir.nl/StructureDefinition/Patient.birthDate',
  gatewaySystem: 'http://fhir.nl/StructureDefinition/GatewaySystem',
  sourceSystem: 'http://fhir.nl/StructureDefinition/SourceSystem',
} as const;

/**
 * An extension as Mitz keeps it. The two system OIDs are kept (they name who subscribes, and the
 * source system is part of what makes a subscription the same one again); the patient's birth date is
 * checked and not kept: Mitz has no use for it.
 */
export interface KeptExtension {
  url: string;
  valueOid?: string;
}

export interface SubscriptionRequest {
  bsn: Bsn;
  providerUra: string;
  providerType: string;
  endpoint: string;
  payload: FhirFormat;
  extensions: KeptExtension[];
  sourceSystem: string | null;
}

/** The elements of a FHIR R4 Subscription (anything else is not a Subscription). */
const SUBSCRIPTION_ELEMENTS = new Set([
  'id',
  'meta',
  'implicitRules',
  'language',
  'text',
  'contained',
  'extension',
  'modifierExtension',
  'status',
  'contact',
  'end',
  'reason',
  'criteria',
  'error',
  'channel',
]);
const CHANNEL_ELEMENTS = new Set([
  'id',
  'extension',
  'modifierExtension',
  'type',
  'endpoint',
  'payload',
  'header',
]);
/** Elements a receiver must understand or refuse: Mitz does not act on them, so it refuses them. */
const NOT_SUPPORTED: Record<string, string> = {
  implicitRules: 'Subscription.implicitRules is not supported',
  modifierExtension: 'modifier extensions are not supported',
  contained: 'contained resources are not supported',
  end: 'Subscription.end is not supported: a subscription lasts until it is deleted',
};

const CRITERIA_PARAMS = ['_query', 'patientid', 'providerid', 'providertype'] as const;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const MAX_ENDPOINT_LENGTH = 2048;

/**
 * A value of the caller's, quoted in an answer only when it is short, plain and holds no run of digits
 * long enough to be a BSN (a caller may put one anywhere).
 */
export function shown(v: string, max = 40): string {
  return v.length <= max && /^[A-Za-z0-9_.:/#-]+$/.test(v) && !/[0-9]{8}/.test(v)
    ? JSON.stringify(v)
    : '(not shown)';
}

const structure = (detail: string) => new FhirError(400, 'structure', detail);
const rule = (detail: string) => new FhirError(422, 'business-rule', detail);

function required(node: FhirNode | undefined, name: string, path: string): string {
  const v = primitive(node, name, path);
  if (v === undefined || v === '') throw new FhirError(400, 'required', `${path}.${name} is required`);
  return v;
}

function checkElements(node: FhirNode, known: Set<string>, path: string): void {
  for (const name of node.children.keys()) {
    if (!known.has(name))
      throw structure(`${path}.${shown(name)} is not an element of a FHIR R4 Subscription`);
    if (NOT_SUPPORTED[name]) throw rule(NOT_SUPPORTED[name]);
  }
}

function readCriteria(criteria: string, abonneeNummer: string) {
  if (!criteria.startsWith('Consent?'))
    throw rule('criteria must be Consent?_query=otv&patientid=…&providerid=…&providertype=…');
  const params = new URLSearchParams(criteria.slice('Consent?'.length));
  for (const name of new Set(params.keys()))
    if (!(CRITERIA_PARAMS as readonly string[]).includes(name))
      throw rule(`criteria: the parameter ${shown(name)} is not one Mitz knows`);
  const one = (name: (typeof CRITERIA_PARAMS)[number]) => {
    const values = params.getAll(name);
    if (values.length !== 1 || !values[0]) throw rule(`criteria must have ${name} exactly once`);
    return values[0];
  };
  if (one('_query').toLowerCase() !== 'otv') throw rule('criteria: _query must be otv');
  let bsn: Bsn;
  try {
    bsn = Bsn.parse(one('patientid'));
  } catch (err) {
    if (err instanceof InvalidBsnError)
      throw rule('criteria: patientid is not a valid BSN (9 digits that pass the elfproef)');
    throw err;
  }
  const providerUra = one('providerid');
  if (!/^[0-9]{8}$/.test(providerUra)) throw rule('criteria: providerid must be a URA of 8 digits');
  if (providerUra !== abonneeNummer)
    throw rule(
      `criteria: providerid must be the URA of the care provider this system acts for (${abonneeNummer})`,
    );
  const providerType = one('providertype');
  if (!FACILITY_TYPES.has(providerType))
    throw rule(
      `criteria: providertype ${shown(providerType, 20)} is not a facility type Mitz knows (${[...FACILITY_TYPES.keys()].join(', ')})`,
    );
  return { bsn, providerUra, providerType };
}

function readEndpoint(endpoint: string, bsn: Bsn, proeftuin: boolean): string {
  if (endpoint.length > MAX_ENDPOINT_LENGTH)
    throw rule(`channel.endpoint is longer than ${MAX_ENDPOINT_LENGTH}`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw rule('channel.endpoint is not an absolute URL');
  }
  const loopback = LOOPBACK.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && proeftuin && loopback))
    throw rule(
      proeftuin
        ? 'channel.endpoint must be https (http only on localhost or 127.0.0.1 in the proeftuin)'
        : 'channel.endpoint must be https',
    );
  if (url.username || url.password) throw rule('channel.endpoint must not hold a user name or password');
  if (url.hash) throw rule('channel.endpoint must not have a fragment');
  // The endpoint is kept in clear and written (without its query) to the log.
  if (endpoint.includes(bsn.reveal())) throw rule("channel.endpoint must not hold the patient's BSN");
  return url.href;
}

function readPayload(payload: string): FhirFormat {
  const type = payload.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/fhir+xml') return 'xml';
  if (type === 'application/fhir+json') return 'json';
  throw rule('channel.payload must be application/fhir+xml or application/fhir+json');
}

function readExtensions(root: FhirNode): { kept: KeptExtension[]; sourceSystem: string | null } {
  const kept: KeptExtension[] = [];
  const seen = new Set<string>();
  let sourceSystem: string | null = null;
  for (const ext of childrenOf(root, 'extension')) {
    const url = primitive(ext, 'url', 'Subscription.extension');
    if (!url) throw new FhirError(400, 'required', 'Subscription.extension.url is required');
    if (!(Object.values(EXTENSION) as string[]).includes(url))
      throw rule(
        `the extension ${shown(url, 120)} is not allowed (allowed: ${Object.values(EXTENSION).join(', ')})`,
      );
    if (seen.has(url)) throw rule(`the extension ${url} may occur once`);
    seen.add(url);
    if (url === EXTENSION.birthDate) {
      const date = primitive(ext, 'valueDate', 'Subscription.extension');
      if (!date || !/^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$/.test(date))
        throw rule(`the extension ${url} must have a valueDate (YYYY, YYYY-MM or YYYY-MM-DD)`);
      kept.push({ url });
    } else {
      const oid = primitive(ext, 'valueOid', 'Subscription.extension');
      if (!oid || oid.length > 200 || !/^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$/.test(oid))
        throw rule(`the extension ${url} must have a valueOid (urn:oid:…)`);
      kept.push({ url, valueOid: oid });
      if (url === EXTENSION.sourceSystem) sourceSystem = oid;
    }
  }
  return { kept, sourceSystem };
}

/**
 * Reads a posted Subscription for the system acting for abonnee `abonneeNummer`. Throws FhirError:
 * 400 when it is not a Subscription, 422 when it breaks one of Mitz's rules.
 */
export function readSubscription(
  resource: FhirResource,
  o: { abonneeNummer: string; proeftuin: boolean },
): SubscriptionRequest {
  if (resource.resourceType !== 'Subscription')
    throw structure(`expected a Subscription, got ${shown(resource.resourceType)}`);
  const root = resource.root;
  checkElements(root, SUBSCRIPTION_ELEMENTS, 'Subscription');
  const status = required(root, 'status', 'Subscription');
  if (status !== 'requested') throw rule('status must be requested');
  const reason = required(root, 'reason', 'Subscription');
  if (reason !== 'OTV') throw rule('reason must be OTV');
  const criteria = readCriteria(required(root, 'criteria', 'Subscription'), o.abonneeNummer);
  const channel = onlyChild(root, 'channel', 'Subscription');
  if (!channel) throw new FhirError(400, 'required', 'Subscription.channel is required');
  checkElements(channel, CHANNEL_ELEMENTS, 'Subscription.channel');
  if (childrenOf(channel, 'extension').length > 0) throw rule('extensions on channel are not allowed');
  if (childrenOf(channel, 'header').length > 0)
    throw rule('channel.header is not supported: Mitz sends notifications without extra headers');
  if (required(channel, 'type', 'Subscription.channel') !== 'rest-hook')
    throw rule('channel.type must be rest-hook');
  const endpoint = readEndpoint(
    required(channel, 'endpoint', 'Subscription.channel'),
    criteria.bsn,
    o.proeftuin,
  );
  const payload = readPayload(required(channel, 'payload', 'Subscription.channel'));
  const { kept, sourceSystem } = readExtensions(root);
  return { ...criteria, endpoint, payload, extensions: kept, sourceSystem };
}
