// The closed authorisation question, as Mitz's callers ask it: the reference message itself
// (reference/mitz/example.xml, with only what a case needs substituted) answered Permit, Deny,
// NotApplicable, and Indeterminate with the right status for each way a message can be broken; the
// consent model's rules (hierarchy of data categories, "no" wins at equal specificity, the more
// specific choice wins, COC against TREAT) as the answers show them; the JSON form with the system's
// client assertion and the professional's verklaring; mutual TLS; and the audit trail, which has every
// question and never a BSN (nor have the logs). The answers are read with another XML parser
// (fast-xml-parser) than the one the module reads questions with (xmldom).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { Bsn } from '../src/means/bsn.ts';
import { Choices, type ChoiceChange } from '../src/mitz/choices.ts';
import { Citizens } from '../src/mitz/citizens.ts';
import { mtlsCheck } from '../src/mitz/mtls.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { mitzAssertion, mitzSystem, verklaringOf } from './helpers/mitz.ts';
import type { TestRp } from './helpers/rp.ts';
import { assertion, type ApiTestClient } from './helpers/api.ts';

const EXAMPLE = readFileSync(
  join(import.meta.dirname, '..', '..', 'shared', 'reference', 'mitz', 'example.xml'),
  'utf8',
);
const EXAMPLE_BSN = '900186021';
const EXAMPLE_MESSAGE_ID = 'urn:uuid:B8CB2497-A47E-48D9-907C-2B4DFBFB5697';
const NS = {
  soap12: 'http://www.w3.org/2003/05/soap-envelope',
  wsa: 'http://www.w3.org/2005/08/addressing',
  xacml: 'urn:oasis:names:tc:xacml:3.0:core:schema:wd-17',
  hl7: 'urn:hl7-org:v3',
};
const STATUS = {
  ok: 'urn:oasis:names:tc:xacml:1.0:status:ok',
  missing: 'urn:oasis:names:tc:xacml:1.0:status:missing-attribute',
  syntax: 'urn:oasis:names:tc:xacml:1.0:status:syntax-error',
  processing: 'urn:oasis:names:tc:xacml:1.0:status:processing-error',
};
const ID = {
  resource: 'urn:oasis:names:tc:xacml:2.0:resource:resource-id',
  facilityType: 'urn:ihe:iti:appc:2016:document-entry:healthcare-facility-type-code',
  eventCode: 'urn:ihe:iti:appc:2016:document-entry:event-code',
  provider: 'urn:ihe:iti:xua:2017:subject:provider-identifier',
  mandated: 'urn:nl:otv:names:tc:1.0:subject:mandated',
  consultingType: 'urn:nl:otv:names:tc:1.0:subject:consulting-healthcare-facility-type-code',
  purpose: 'urn:oasis:names:tc:xspa:1.0:subject:purposeofuse',
};

/** A BSN that passes the elfproef, from its first eight digits. */
function bsnOf(prefix: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(prefix[i]) * (9 - i);
  assert.notEqual(sum % 11, 10, `${prefix} has no valid check digit`);
  return `${prefix}${sum % 11}`;
}
const BSN = {
  example: EXAMPLE_BSN, // consent GGC002 for GPs at GPs
  deny: bsnOf('10000001'), // "no" to everything
  none: bsnOf('10000002'), // known to Mitz, no choices
  unknown: bsnOf('10000003'), // never seen by Mitz
  consentHigh: bsnOf('10000004'), // "yes" to GGC002 for everyone
  noLow: bsnOf('10000005'), // "no" to GGC013, "yes" to GGC002, both for everyone
  equal: bsnOf('10000016'), // "yes" GGC002 from GPs, "no" GGC002 to GPs: equally specific
  specific: bsnOf('10000017'), // "no" GGC002 for everyone, "yes" GGC002 GP to GP
  json: bsnOf('10000018'), // consent GGC002 for everyone (the JSON form)
};

// ---- the question: the reference message, with a case's substitutions ----

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Sets the `attr` (extension, code) of the value of the attribute with this AttributeId. */
function setValue(xml: string, attributeId: string, attr: 'extension' | 'code', value: string): string {
  const re = new RegExp(`(AttributeId="${esc(attributeId)}"[\\s\\S]*?\\s${attr}=")[^"]*(")`);
  assert.match(xml, re, `no ${attr} of ${attributeId} in the message`);
  return xml.replace(re, `$1${value}$2`);
}

function removeAttribute(xml: string, attributeId: string): string {
  const re = new RegExp(`<Attribute AttributeId="${esc(attributeId)}"[\\s\\S]*?</Attribute>`);
  assert.match(xml, re);
  return xml.replace(re, '');
}

interface Case {
  bsn?: string;
  gegevenscategorie?: string;
  dossierhouderType?: string;
  consultingType?: string;
  purpose?: string;
  providerId?: string;
  /** The extension of a mandated attribute added after the provider identifier (root as given). */
  mandated?: { extension: string; root?: string };
  messageId?: string;
}

function question(c: Case = {}): string {
  let xml = EXAMPLE;
  if (c.bsn !== undefined) xml = setValue(xml, ID.resource, 'extension', c.bsn);
  if (c.gegevenscategorie) xml = setValue(xml, ID.eventCode, 'code', c.gegevenscategorie);
  if (c.dossierhouderType) xml = setValue(xml, ID.facilityType, 'code', c.dossierhouderType);
  if (c.consultingType) xml = setValue(xml, ID.consultingType, 'code', c.consultingType);
  if (c.purpose) xml = setValue(xml, ID.purpose, 'code', c.purpose);
  if (c.providerId) xml = setValue(xml, ID.provider, 'extension', c.providerId);
  if (c.messageId) xml = xml.replace(EXAMPLE_MESSAGE_ID, c.messageId);
  if (c.mandated) {
    const re = new RegExp(`(<Attribute AttributeId="${esc(ID.provider)}"[\\s\\S]*?</Attribute>)`);
    xml = xml.replace(
      re,
      `$1<Attribute AttributeId="${ID.mandated}" IncludeInResult="true"><AttributeValue DataType="urn:hl7-org:v3#II">` +
        `<InstanceIdentifier assigningAuthorityName="CIBG" extension="${c.mandated.extension}" ` +
        `root="${c.mandated.root ?? '2.16.528.1.1007.3.1'}" xmlns="urn:hl7-org:v3"/></AttributeValue></Attribute>`,
    );
  }
  return xml;
}

// ---- the answer, read with fast-xml-parser ----

interface ReadAnswer {
  httpStatus: number;
  contentType: string;
  text: string;
  action: string;
  messageId: string;
  relatesTo: string | null;
  to: string;
  decision: string;
  status: string;
  message: string | null;
  missing: { Category: string; AttributeId: string; DataType: string }[];
  /** Echoed attributes: AttributeId → the II's extension or the CV's code. */
  echoed: Map<string, string>;
  categories: string[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => ['Attributes', 'Attribute', 'MissingAttributeDetail'].includes(name),
});

/** Reads a SOAP answer, checking each element's namespace by the prefix its xmlns declares. */
function readAnswer(httpStatus: number, contentType: string, text: string): ReadAnswer {
  const doc = parser.parse(text) as Record<string, Record<string, unknown>>;
  const envKey = Object.keys(doc).find((k) => k.endsWith('Envelope'));
  assert.ok(envKey, `no Envelope in ${text.slice(0, 200)}`);
  const env = doc[envKey] as Record<string, unknown>;
  const prefixOf = (ns: string) => {
    const decl = Object.entries(env).find(([k, v]) => k.startsWith('xmlns:') && v === ns);
    assert.ok(decl, `no prefix for ${ns}`);
    return decl[0].slice('xmlns:'.length);
  };
  const soap = prefixOf(NS.soap12);
  const wsa = prefixOf(NS.wsa);
  assert.equal(envKey, `${soap}:Envelope`);
  const header = env[`${soap}:Header`] as Record<string, string>;
  const body = env[`${soap}:Body`] as Record<string, Record<string, unknown>>;
  const response = body.Response!;
  assert.equal(response.xmlns, NS.xacml);
  const result = response.Result as Record<string, unknown>;
  const status = result.Status as Record<string, unknown>;
  const echoed = new Map<string, string>();
  const categories: string[] = [];
  for (const attrs of (result.Attributes ?? []) as Record<string, unknown>[]) {
    categories.push(attrs.Category as string);
    for (const a of attrs.Attribute as Record<string, unknown>[]) {
      const value = a.AttributeValue as Record<string, Record<string, string>>;
      const v = value.InstanceIdentifier ?? value.CodedValue!;
      assert.equal(v.xmlns, NS.hl7);
      echoed.set(a.AttributeId as string, v.extension ?? v.code!);
    }
  }
  const detail = status.StatusDetail as Record<string, unknown> | undefined;
  return {
    httpStatus,
    contentType,
    text,
    action: header[`${wsa}:Action`]!,
    messageId: header[`${wsa}:MessageID`]!,
    relatesTo: header[`${wsa}:RelatesTo`] ?? null,
    to: header[`${wsa}:To`]!,
    decision: result.Decision as string,
    status: (status.StatusCode as Record<string, string>).Value!,
    message: (status.StatusMessage as string | undefined) ?? null,
    missing: (detail?.MissingAttributeDetail ?? []) as ReadAnswer['missing'],
    echoed,
    categories,
  };
}

async function ask(
  dezi: TestDezi,
  body: string | Blob,
  headers: Record<string, string> = { 'content-type': 'application/soap+xml; charset=utf-8' },
): Promise<ReadAnswer> {
  const res = await fetch(`${dezi.url}/mitz/geslotenautorisatievraag/xacml3`, {
    method: 'POST',
    headers,
    body,
  });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  assert.match(contentType, /^application\/soap\+xml/, `${res.status} ${text.slice(0, 300)}`);
  return readAnswer(res.status, contentType, text);
}

function assertDecision(a: ReadAnswer, decision: string): void {
  assert.equal(a.httpStatus, 200, a.text);
  assert.equal(a.decision, decision, a.message ?? a.text);
  assert.equal(a.status, STATUS.ok);
}

function assertIndeterminate(a: ReadAnswer, httpStatus: number, status: string, message: RegExp): void {
  assert.equal(a.httpStatus, httpStatus, a.text);
  assert.equal(a.decision, 'Indeterminate');
  assert.equal(a.status, status);
  assert.match(a.message ?? '', message);
  assert.equal(a.categories.length, 0, 'an Indeterminate answer echoes nothing');
  assert.doesNotMatch(a.text, /\bat \w+ \(|node:internal|\.ts:\d+/, 'no stack trace');
}

interface AuditRow {
  actor: string | null;
  actor_kind: string | null;
  target: string | null;
  outcome: string;
  client_id: string | null;
  abonnee_nummer: string | null;
  detail: Record<string, unknown>;
}

/** The audit records of the closed question asked with this providerId (each case has its own). */
async function auditOf(dezi: TestDezi, providerId: string): Promise<AuditRow[]> {
  const rows = await dezi.db.query<AuditRow & { detail: Record<string, unknown> | string }>(
    `SELECT actor, actor_kind, target, outcome, client_id, abonnee_nummer, detail FROM audit_events
      WHERE action = 'mitz.question' AND detail->>'providerId' = $1 ORDER BY id`,
    [providerId],
  );
  return rows.map((r) => ({ ...r, detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail }));
}

async function setUpChoices(dezi: TestDezi): Promise<Record<string, string>> {
  const citizens = new Citizens(dezi.db, dezi.secrets);
  const choices = new Choices(dezi.db, citizens);
  const ids: Record<string, string> = {};
  const choose = async (key: keyof typeof BSN, changes: ChoiceChange[]) => {
    const citizenId = await citizens.ensure(Bsn.parse(BSN[key]));
    ids[key] = citizenId;
    if (changes.length)
      await choices.change(citizenId, changes, { kind: 'citizen' }, { kind: 'citizen', citizenId });
  };
  const c = (
    gegevenscategorie: ChoiceChange['gegevenscategorie'],
    dossierhouder: ChoiceChange['dossierhouder'],
    raadpleger: ChoiceChange['raadpleger'],
    permit: boolean,
  ): ChoiceChange => ({ gegevenscategorie, dossierhouder, raadpleger, permit });
  await choose('example', [c('GGC002', 'RPZAC001', 'RPZAC001', true)]);
  await choose('deny', [c('GGC002', '*', '*', false)]);
  await choose('none', []);
  await choose('consentHigh', [c('GGC002', '*', '*', true)]);
  await choose('noLow', [c('GGC013', '*', '*', false), c('GGC002', '*', '*', true)]);
  await choose('equal', [c('GGC002', 'RPZAC001', '*', true), c('GGC002', '*', 'RPZAC001', false)]);
  await choose('specific', [c('GGC002', '*', '*', false), c('GGC002', 'RPZAC001', 'RPZAC001', true)]);
  await choose('json', [c('GGC002', '*', '*', true)]);
  return ids;
}

for (const backend of BACKENDS) {
  describe(`the closed question (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    let ids: Record<string, string>;
    withDezi(backend, { rp: true }, (started) => ({ dezi, rp } = started));
    before(async () => {
      ids = await setUpChoices(dezi);
    });

    test('the reference message as it is: Permit, with the WS-Addressing answer and the attributes echoed', async () => {
      const a = await ask(dezi, EXAMPLE);
      assertDecision(a, 'Permit');
      assert.equal(a.action, 'XACMLAuthorizationDecisionQueryResponse');
      assert.match(a.messageId, /^urn:uuid:[0-9a-f-]{36}$/);
      assert.notEqual(a.messageId, EXAMPLE_MESSAGE_ID);
      assert.equal(a.relatesTo, EXAMPLE_MESSAGE_ID);
      assert.equal(a.to, 'http://www.w3.org/2005/08/addressing/anonymous');
      assert.match(a.contentType, /^application\/soap\+xml; charset=utf-8/);
      // Every attribute marked IncludeInResult, in its category; the BSN only to the caller who sent it.
      assert.equal(a.echoed.size, 9);
      assert.equal(a.echoed.get(ID.resource), EXAMPLE_BSN);
      assert.equal(a.echoed.get(ID.eventCode), 'GGC002');
      assert.equal(a.echoed.get(ID.purpose), 'TREAT');
      assert.equal(a.categories.length, 4);
      const [audit] = await auditOf(dezi, '000095254');
      assert.ok(audit);
      assert.equal(audit.outcome, 'success');
      assert.equal(audit.target, `citizen:${ids.example}`);
      assert.equal(audit.actor_kind, 'system');
      assert.deepEqual(
        {
          form: audit.detail.form,
          decision: audit.detail.decision,
          gegevenscategorie: audit.detail.gegevenscategorie,
          dossierhouder: audit.detail.dossierhouder,
          raadpleger: audit.detail.raadpleger,
          purposeOfUse: audit.detail.purposeOfUse,
          consultingUra: audit.detail.consultingUra,
          dossierhouderUra: audit.detail.dossierhouderUra,
          mandated: audit.detail.mandated,
          clientId: audit.detail.clientId,
        },
        {
          form: 'xacml3',
          decision: 'Permit',
          gegevenscategorie: 'GGC002',
          dossierhouder: 'RPZAC001',
          raadpleger: 'RPZAC001',
          purposeOfUse: 'TREAT',
          consultingUra: '00000666',
          dossierhouderUra: '00000659',
          mandated: null,
          clientId: null,
        },
      );
    });

    test('Deny: the citizen said no', async () => {
      assertDecision(await ask(dezi, question({ bsn: BSN.deny, providerId: '100000001' })), 'Deny');
      const [audit] = await auditOf(dezi, '100000001');
      assert.equal(audit?.detail.decision, 'Deny');
      assert.equal(audit?.target, `citizen:${ids.deny}`);
    });

    test('NotApplicable: no choice (TREAT), and a BSN Mitz never saw (no citizen in the audit)', async () => {
      assertDecision(await ask(dezi, question({ bsn: BSN.none, providerId: '100000002' })), 'NotApplicable');
      assert.equal((await auditOf(dezi, '100000002'))[0]?.target, `citizen:${ids.none}`);
      const unknown = await ask(dezi, question({ bsn: BSN.unknown, providerId: '100000003' }));
      assertDecision(unknown, 'NotApplicable');
      const [audit] = await auditOf(dezi, '100000003');
      assert.equal(audit?.target, null);
      assert.equal(audit?.detail.decision, 'NotApplicable');
    });

    test('COC against TREAT: no choice is Permit with assumed consent; an explicit no is Deny for both', async () => {
      assertDecision(await ask(dezi, question({ bsn: BSN.none, purpose: 'COC' })), 'Permit');
      assertDecision(await ask(dezi, question({ bsn: BSN.unknown, purpose: 'COC' })), 'Permit');
      assertDecision(await ask(dezi, question({ bsn: BSN.none, purpose: 'TREAT' })), 'NotApplicable');
      assertDecision(await ask(dezi, question({ bsn: BSN.deny, purpose: 'COC' })), 'Deny');
      assertDecision(await ask(dezi, question({ bsn: BSN.deny, purpose: 'TREAT' })), 'Deny');
    });

    test('the hierarchy: consent for GGC002 permits GGC012 and GGC013; a no for GGC013 denies GGC012 and GGC002', async () => {
      for (const g of ['GGC002', 'GGC012', 'GGC013'])
        assertDecision(await ask(dezi, question({ bsn: BSN.consentHigh, gegevenscategorie: g })), 'Permit');
      // The example citizen consented to GGC002 between GPs only: a hospital asking is not covered.
      assertDecision(await ask(dezi, question({ bsn: BSN.example, gegevenscategorie: 'GGC013' })), 'Permit');
      assertDecision(await ask(dezi, question({ bsn: BSN.example, consultingType: 'V4' })), 'NotApplicable');
      // A "no" for the lowest category refuses every higher one, also against an equally specific yes.
      for (const g of ['GGC013', 'GGC012'])
        assertDecision(await ask(dezi, question({ bsn: BSN.noLow, gegevenscategorie: g })), 'Deny');
      assertDecision(await ask(dezi, question({ bsn: BSN.noLow, gegevenscategorie: 'GGC002' })), 'Deny');
    });

    test('"no" wins at equal specificity; the more specific choice wins', async () => {
      // From GPs yes, to GPs no: both name one side; the no wins.
      assertDecision(await ask(dezi, question({ bsn: BSN.equal })), 'Deny');
      // Only the yes applies when a hospital asks: the no is about GPs asking.
      assertDecision(await ask(dezi, question({ bsn: BSN.equal, consultingType: 'V4' })), 'Permit');
      // No for everyone, yes from GP to GP: the GP asking gets Permit, the hospital Deny.
      assertDecision(await ask(dezi, question({ bsn: BSN.specific })), 'Permit');
      assertDecision(await ask(dezi, question({ bsn: BSN.specific, consultingType: 'V4' })), 'Deny');
      assertDecision(await ask(dezi, question({ bsn: BSN.specific, dossierhouderType: 'N6' })), 'Permit');
      assertDecision(await ask(dezi, question({ bsn: BSN.specific, dossierhouderType: 'J8' })), 'Deny');
    });

    test('mandated: its shape is checked, it is recorded, and it does not change the decision', async () => {
      const a = await ask(
        dezi,
        question({ bsn: BSN.deny, providerId: '100000004', mandated: { extension: '000012345' } }),
      );
      assertDecision(a, 'Deny');
      assert.equal(a.echoed.get(ID.mandated), '000012345');
      const b = await ask(
        dezi,
        question({ bsn: BSN.example, providerId: '100000004', mandated: { extension: '000012345' } }),
      );
      assertDecision(b, 'Permit');
      const audits = await auditOf(dezi, '100000004');
      assert.deepEqual(
        audits.map((r) => [r.detail.decision, r.detail.mandated]),
        [
          ['Deny', '000012345'],
          ['Permit', '000012345'],
        ],
      );
      // Not a UZI- or Dezi-nummer: another root, or letters.
      assertIndeterminate(
        await ask(dezi, question({ mandated: { extension: '000012345', root: '2.16.528.1.1007.3.3' } })),
        200,
        STATUS.syntax,
        /subject:mandated must have root 2\.16\.528\.1\.1007\.3\.1/,
      );
      assertIndeterminate(
        await ask(dezi, question({ mandated: { extension: 'abc' } })),
        200,
        STATUS.syntax,
        /subject:mandated must be a UZI- or Dezi-nummer/,
      );
    });

    test('Indeterminate: a body that is not XML, has a DOCTYPE, or is not a SOAP 1.2 envelope (400)', async () => {
      const notXml = await ask(dezi, 'this is not XML <', { 'content-type': 'text/plain' });
      assertIndeterminate(notXml, 400, STATUS.syntax, /not well-formed XML/);
      assert.equal(notXml.relatesTo, null);
      const entity = await ask(
        dezi,
        `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY bsn "${EXAMPLE_BSN}">]>${EXAMPLE.replace(/^<\?xml[^>]*>/, '')}`,
      );
      assertIndeterminate(entity, 400, STATUS.syntax, /DOCTYPE is refused/);
      const soap11 = EXAMPLE.replace(NS.soap12, 'http://schemas.xmlsoap.org/soap/envelope/');
      assertIndeterminate(await ask(dezi, soap11), 400, STATUS.syntax, /SOAP 1\.2 Envelope/);
      const bare = EXAMPLE.slice(EXAMPLE.indexOf('<Request'), EXAMPLE.indexOf('</Request>') + 10);
      assertIndeterminate(await ask(dezi, bare), 400, STATUS.syntax, /SOAP 1\.2 Envelope/);
      const noQuery = EXAMPLE.replace(
        /<types:XACMLAuthzDecisionQuery>[\s\S]*<\/types:XACMLAuthzDecisionQuery>/,
        '',
      );
      const answer = await ask(dezi, noQuery);
      assertIndeterminate(answer, 400, STATUS.syntax, /one XACMLAuthzDecisionQuery/);
      assert.equal(answer.relatesTo, EXAMPLE_MESSAGE_ID);
      // No content type at all: still read as the SOAP message it is.
      assertDecision(await ask(dezi, new Blob([EXAMPLE]), {}), 'Permit');
    });

    test('Indeterminate: the wrong WS-Addressing action, or no MessageID (400)', async () => {
      const wrong = EXAMPLE.replace(
        '<wsa:Action>XACMLAuthorizationDecisionQueryRequest',
        '<wsa:Action>urn:something:else',
      );
      const a = await ask(dezi, wrong);
      assertIndeterminate(a, 400, STATUS.syntax, /Action must be XACMLAuthorizationDecisionQueryRequest/);
      assert.equal(a.relatesTo, EXAMPLE_MESSAGE_ID);
      const noId = EXAMPLE.replace(/<wsa:MessageID>[^<]*<\/wsa:MessageID>/, '');
      assertIndeterminate(await ask(dezi, noId), 400, STATUS.syntax, /MessageID is missing/);
      // A MessageID is echoed escaped.
      const amp = await ask(dezi, question({ messageId: 'urn:test:a&amp;b' }));
      assertDecision(amp, 'Permit');
      assert.equal(amp.relatesTo, 'urn:test:a&b');
    });

    test('Indeterminate: a message over 64 KiB (413)', async () => {
      const big = EXAMPLE.replace('<SOAP-ENV:Body>', `<SOAP-ENV:Body><!-- ${'x'.repeat(70 * 1024)} -->`);
      assertIndeterminate(await ask(dezi, big), 413, STATUS.syntax, /larger than 64 KiB/);
      // The server keeps serving.
      assertDecision(await ask(dezi, EXAMPLE), 'Permit');
    });

    test('Indeterminate: a missing resource-id (missing-attribute with its detail)', async () => {
      const a = await ask(dezi, removeAttribute(EXAMPLE, ID.resource));
      assertIndeterminate(a, 200, STATUS.missing, /lacks urn:oasis:names:tc:xacml:2\.0:resource:resource-id/);
      assert.equal(a.relatesTo, EXAMPLE_MESSAGE_ID);
      assert.deepEqual(a.missing, [
        {
          Category: 'urn:oasis:names:tc:xacml:3.0:attribute-category:resource',
          AttributeId: ID.resource,
          DataType: 'urn:hl7-org:v3#II',
        },
      ]);
      const two = await ask(dezi, removeAttribute(removeAttribute(EXAMPLE, ID.purpose), ID.eventCode));
      assert.deepEqual(
        two.missing.map((m) => m.AttributeId),
        [ID.eventCode, ID.purpose],
      );
    });

    test('Indeterminate: an unknown gegevenscategorie, facility type or purpose (processing-error)', async () => {
      assertIndeterminate(
        await ask(dezi, question({ gegevenscategorie: 'GGC999' })),
        200,
        STATUS.processing,
        /event-code is not a gegevenscategorie Mitz knows \(GGC002, GGC012, GGC013\)/,
      );
      assertIndeterminate(
        await ask(dezi, question({ dossierhouderType: 'XX9' })),
        200,
        STATUS.processing,
        /healthcare-facility-type-code is a facility type without a provider category/,
      );
      assertIndeterminate(
        await ask(dezi, question({ consultingType: 'XX9' })),
        200,
        STATUS.processing,
        /consulting-healthcare-facility-type-code is a facility type without/,
      );
      assertIndeterminate(
        await ask(dezi, question({ purpose: 'RESEARCH' })),
        200,
        STATUS.processing,
        /purposeofuse must be TREAT or COC/,
      );
      // A value of another code system is a syntax error, not an unknown code.
      const otherSystem = EXAMPLE.replace(
        'codeSystem="2.16.840.1.113883.2.4.3.111.5.10.1"',
        'codeSystem="1.2.3"',
      );
      assertIndeterminate(
        await ask(dezi, otherSystem),
        200,
        STATUS.syntax,
        /event-code must have codeSystem/,
      );
    });

    test('a signed query (ds:Signature beside the Request, as nuts-knooppunt signs it) is answered', async () => {
      const signed = EXAMPLE.replace(
        '<Request ',
        '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/><ds:SignatureValue>AA==</ds:SignatureValue></ds:Signature><Request xml:id="_q1" ',
      );
      assertDecision(await ask(dezi, signed), 'Permit');
    });

    test('Indeterminate: a repeated attribute, a wrong DataType, an II without extension (syntax-error)', async () => {
      const eventCode =
        /<Attribute AttributeId="urn:ihe:iti:appc:2016:document-entry:event-code"[\s\S]*?<\/Attribute>/;
      const twice = EXAMPLE.replace(eventCode, (a) => a + a.replace('GGC002', 'GGC013'));
      assertIndeterminate(await ask(dezi, twice), 200, STATUS.syntax, /event-code is given more than once/);
      const dataType = EXAMPLE.replace(
        'DataType="urn:hl7-org:v3#CV"',
        'DataType="http://www.w3.org/2001/XMLSchema#string"',
      );
      assertIndeterminate(
        await ask(dezi, dataType),
        200,
        STATUS.syntax,
        /must have DataType urn:hl7-org:v3#CV/,
      );
      const noExtension = EXAMPLE.replace(`extension="${EXAMPLE_BSN}" `, '');
      assertIndeterminate(await ask(dezi, noExtension), 200, STATUS.syntax, /resource-id has no extension/);
      // An attribute Mitz does not use is ignored, as XACML allows.
      const extra = EXAMPLE.replace(
        '</Attributes>',
        '<Attribute AttributeId="urn:example:unused" IncludeInResult="true"><AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">x</AttributeValue></Attribute></Attributes>',
      );
      const a = await ask(dezi, extra);
      assertDecision(a, 'Permit');
      assert.equal(a.echoed.has('urn:example:unused'), false);
    });

    test('Indeterminate: an invalid BSN, never repeated in the answer, the logs or the audit', async () => {
      const invalid = '900186022';
      const a = await ask(dezi, question({ bsn: invalid, providerId: '100000005' }));
      assertIndeterminate(a, 200, STATUS.syntax, /resource-id is not a valid BSN/);
      assert.ok(!a.text.includes(invalid));
      const [audit] = await auditOf(dezi, '100000005');
      assert.equal(audit, undefined, 'an unchecked question records no fields');
      const failures = await dezi.db.query<{ detail: unknown }>(
        `SELECT detail FROM audit_events WHERE action = 'mitz.question' AND outcome = 'failure'`,
      );
      assert.ok(failures.some((r) => JSON.stringify(r.detail).includes('is not a valid BSN')));
      assert.ok(!dezi.logs.text().includes(invalid));
      // Another root is not a BSN either.
      const other = EXAMPLE.replace('root="2.16.840.1.113883.2.4.6.3"', 'root="2.16.528.1.1007.3.1"');
      assertIndeterminate(await ask(dezi, other), 200, STATUS.syntax, /resource-id must have root/);
    });

    describe('the JSON form', () => {
      let system: ApiTestClient;
      let other: ApiTestClient;
      let verklaring: string;
      before(async () => {
        system = await mitzSystem(dezi.db, dezi.register, '90000111');
        other = await mitzSystem(dezi.db, dezi.register, '90000222');
        verklaring = await verklaringOf(rp, '999990007'); // J. Jansen, 900010001, huisarts at 90000111
      });
      const body = (o: Record<string, unknown> = {}) => ({
        bsn: BSN.json,
        dossierhouderFacilityType: 'Z3',
        dossierhouderUra: '00000659',
        gegevenscategorie: 'GGC002',
        roleCode: '01.015',
        providerId: '900010001',
        consultingUra: '90000111',
        consultingFacilityType: 'V4',
        purposeOfUse: 'TREAT',
        ...o,
      });
      async function post(o: {
        client?: ApiTestClient | null;
        token?: string;
        body?: unknown;
        raw?: string;
      }) {
        const token =
          o.token ?? (o.client === null ? undefined : await mitzAssertion(dezi.url, o.client ?? system));
        const res = await fetch(`${dezi.url}/mitz/geslotenautorisatievraag/json`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: o.raw ?? JSON.stringify(o.body ?? body()),
        });
        return {
          status: res.status,
          type: res.headers.get('content-type') ?? '',
          body: (await res.json()) as Record<string, unknown>,
        };
      }

      test("with the professional's verklaring: Permit, the professional in the audit", async () => {
        const r = await post({ body: body({ verklaring }) });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.deepEqual(r.body, {
          decision: 'Permit',
          status: STATUS.ok,
          gegevenscategorie: 'GGC002',
          dossierhouder: 'RPZAC001',
          raadpleger: 'RPZAC104',
          purposeOfUse: 'TREAT',
        });
        const [audit] = await auditOf(dezi, '900010001');
        assert.equal(audit?.actor, '900010001');
        assert.equal(audit?.actor_kind, 'person');
        assert.equal(audit?.abonnee_nummer, '90000111');
        assert.equal(audit?.client_id, system.clientId);
        assert.equal(audit?.detail.form, 'json');
        assert.equal(audit?.detail.clientId, system.clientId);
        assert.equal(audit?.target, `citizen:${ids.json}`);
      });

      test('without a verklaring: the system asks; mandated recorded; other decisions', async () => {
        const r = await post({
          body: body({ providerId: '100000011', mandated: '000012345', bsn: BSN.deny }),
        });
        assert.equal(r.status, 200);
        assert.equal(r.body.decision, 'Deny');
        assert.equal(r.body.mandated, '000012345');
        const [audit] = await auditOf(dezi, '100000011');
        assert.equal(audit?.actor_kind, 'system');
        assert.equal(audit?.client_id, system.clientId);
        assert.equal(audit?.detail.mandated, '000012345');
        const none = await post({
          body: body({ providerId: '100000012', bsn: BSN.unknown, purposeOfUse: 'COC' }),
        });
        assert.equal(none.body.decision, 'Permit');
      });

      test('a verklaring of another abonnee, or of another professional, is refused (403)', async () => {
        // The system of Zuidwijk asking for its own URA with Jansen's verklaring (De Linde).
        const r = await post({ client: other, body: body({ consultingUra: '90000222', verklaring }) });
        assert.equal(r.status, 403, JSON.stringify(r.body));
        assert.match(r.type, /application\/problem\+json/);
        assert.match(String(r.body.detail), /another URA than consultingUra/);
        assert.equal(r.body.decision, undefined);
        const p = await post({ body: body({ providerId: '900010002', verklaring }) });
        assert.equal(p.status, 403);
        assert.match(String(p.body.detail), /another professional than providerId/);
        // A system asks for its own URA only.
        const u = await post({ body: body({ consultingUra: '90000222' }) });
        assert.equal(u.status, 403);
        assert.match(String(u.body.detail), /calling system's own URA/);
        const refused = await dezi.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_events
            WHERE action = 'mitz.question' AND outcome = 'failure' AND (detail->>'status')::int = 403`,
        );
        assert.ok(refused[0]!.n >= 3);
        // A verklaring that is not one.
        const bad = await post({ body: body({ verklaring: 'not.a.jws' }) });
        assert.equal(bad.status, 403);
      });

      test('no client assertion, or an invalid one, is refused (401)', async () => {
        const none = await post({ client: null });
        assert.equal(none.status, 401);
        assert.equal(none.body.decision, undefined);
        const garbage = await post({ token: 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln' });
        assert.equal(garbage.status, 401);
        // An assertion for the register API, not for Mitz.
        const wrongAud = await post({ token: await assertion(dezi.url, system) });
        assert.equal(wrongAud.status, 401);
      });

      test('a question that cannot be answered: Indeterminate with its status (400)', async () => {
        const { bsn: _bsn, roleCode: _role, ...rest } = body();
        const missing = await post({ body: rest });
        assert.equal(missing.status, 400);
        assert.deepEqual(missing.body, {
          decision: 'Indeterminate',
          status: STATUS.missing,
          message: 'the question lacks bsn, roleCode',
          missing: ['bsn', 'roleCode'],
        });
        const invalid = await post({ body: body({ bsn: '900186022' }) });
        assert.equal(invalid.status, 400);
        assert.equal(invalid.body.status, STATUS.syntax);
        assert.equal(invalid.body.message, 'bsn is not a valid BSN');
        const unknown = await post({ body: body({ gegevenscategorie: 'GGC999' }) });
        assert.equal(unknown.body.status, STATUS.processing);
        const extra = await post({ body: body({ colour: 'blue' }) });
        assert.equal(extra.body.message, 'the question has no field colour');
        const notJson = await post({ raw: '{"bsn": ' });
        assert.equal(notJson.status, 400);
        assert.equal(notJson.body.decision, 'Indeterminate');
        assert.equal(notJson.body.message, 'the body is not JSON');
        const number = await post({ body: body({ bsn: 900186021 }) });
        assert.equal(number.body.message, 'bsn must be a string');
      });
    });

    test('the audit trail and the logs hold no BSN', async () => {
      const rows = await dezi.db.query<Record<string, unknown>>(
        `SELECT actor, target, abonnee_nummer, client_id, action, detail::text AS detail FROM audit_events`,
      );
      const audit = JSON.stringify(rows);
      const logs = dezi.logs.text();
      assert.ok(audit.includes('mitz.question'));
      for (const bsn of [...Object.values(BSN), '900186022']) {
        assert.ok(!audit.includes(bsn), 'a BSN in the audit trail');
        assert.ok(!logs.includes(bsn), 'a BSN in the logs');
      }
    });
  });

  describe(`the closed question behind mutual TLS (${backend})`, () => {
    let dezi: TestDezi;
    withDezi(
      backend,
      { config: { mitz: { mtls: { proxies: ['127.0.0.1', '::1'], verifyHeader: 'X-SSL-Client-Verify' } } } },
      (started) => ({ dezi } = started),
    );

    test("a request without the proxy's verification is refused (403); with it, answered", async () => {
      const soap = { 'content-type': 'application/soap+xml' };
      const none = await ask(dezi, EXAMPLE, soap);
      assertIndeterminate(
        none,
        403,
        STATUS.processing,
        /mutual TLS is required: no verified client certificate/,
      );
      const failed = await ask(dezi, EXAMPLE, { ...soap, 'x-ssl-client-verify': 'FAILED:unable to verify' });
      assert.equal(failed.httpStatus, 403);
      assertDecision(
        await ask(dezi, EXAMPLE, { ...soap, 'x-ssl-client-verify': 'SUCCESS' }),
        'NotApplicable',
      );
      const json = await fetch(`${dezi.url}/mitz/geslotenautorisatievraag/json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(json.status, 403);
      assert.match(((await json.json()) as { detail: string }).detail, /mutual TLS/);
    });
  });
}

test('mutual TLS: the header counts only on a connection from a configured proxy', () => {
  const check = mtlsCheck({ proxies: ['10.9.9.9', '192.168.0.0/16'], verifyHeader: 'X-SSL-Client-Verify' })!;
  const req = (address: string, verify?: string) =>
    ({
      raw: { socket: { remoteAddress: address } },
      headers: verify ? { 'x-ssl-client-verify': verify } : {},
    }) as unknown as Parameters<typeof check>[0];
  assert.throws(() => check(req('127.0.0.1', 'SUCCESS')), /connect through the TLS proxy/);
  assert.throws(() => check(req('10.9.9.8', 'SUCCESS')), /connect through the TLS proxy/);
  assert.throws(() => check(req('10.9.9.9', 'NONE')), /no verified client certificate/);
  assert.doesNotThrow(() => check(req('10.9.9.9', 'SUCCESS')));
  assert.doesNotThrow(() => check(req('::ffff:192.168.4.5', 'SUCCESS')));
  assert.equal(mtlsCheck(null), null);
  assert.throws(() => mtlsCheck({ proxies: ['not-an-address'], verifyHeader: 'x' }), /not an IP address/);
});
