// Mitz's FHIR subscriptions and notifications, against a running Dezi: the reference Subscription (XML)
// and its JSON twin accepted with 202 and a Location; every refusal an OperationOutcome with its status
// (400, 401, 404, 415, 422, 429); a subscriber receiving the notification Bundle (XML and JSON) after a
// choice changes, read with another parser than the module's; a subscriber that is down getting it
// when it is back; the BSN nowhere in logs, audit records or Mitz's tables.
//
// How a change reaches the server's worker: the test changes choices through its own Choices on the
// same database, with a listener that is a Notifier's enqueue (it only inserts delivery rows, in the
// change's transaction). The running server's worker delivers them: the same path a change through
// MijnMitz or the knoppen takes, minus the HTTP in front.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Bsn, passesElfproef } from '../src/means/bsn.ts';
import { Choices, type ChoiceChange } from '../src/mitz/choices.ts';
import { Citizens } from '../src/mitz/citizens.ts';
import { readFhirJson } from '../src/mitz/fhir.ts';
import { MAX_ATTEMPTS, Notifier, RETRY_DELAYS_SECONDS } from '../src/mitz/notifications.ts';
import type { MitzServices } from '../src/mitz/services.ts';
import { readSubscription } from '../src/mitz/subscription-request.ts';
import type { ApiTestClient } from './helpers/api.ts';
import { BACKENDS, freePort, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { mitzAssertion, mitzSystem } from './helpers/mitz.ts';

const REFERENCE = readFileSync(
  join(import.meta.dirname, '..', '..', 'shared', 'reference', 'mitz', 'example_subscription.xml'),
  'utf8',
);
const FHIR = 'http://hl7.org/fhir';
const DE_LINDE = '90000111';
const LIMIT = { max: 25, windowSeconds: 3600 };

/** Valid BSNs no other test file uses: the nth one from 999991000 up that passes the elfproef. */
const BSNS = (() => {
  const out: string[] = [];
  for (let n = 999991000; out.length < 40; n++) if (passesElfproef(String(n))) out.push(String(n));
  return out;
})();
let nextBsn = 0;
const freshBsn = () => BSNS[nextBsn++]!;

// ------------------------------------------------------------------------------------------------
// XML reading for the test, with xmldom directly (not the module's reader)

interface El {
  localName: string;
  namespaceURI: string | null;
  getAttribute(n: string): string | null;
  getElementsByTagNameNS(ns: string, n: string): ArrayLike<El>;
  childNodes: ArrayLike<El & { nodeType: number }>;
  textContent: string | null;
}
const { DOMParser } = createRequire(import.meta.url)('@xmldom/xmldom') as {
  DOMParser: new () => { parseFromString(s: string, t: string): { documentElement: El } };
};
const parseXml = (s: string) => new DOMParser().parseFromString(s, 'text/xml').documentElement;
const kids = (el: El, name: string): El[] =>
  Array.from(el.childNodes).filter(
    (n) => n.nodeType === 1 && n.localName === name && n.namespaceURI === FHIR,
  );
const kid = (el: El, name: string): El => {
  const found = kids(el, name);
  assert.equal(found.length, 1, `one ${name} in ${el.localName}`);
  return found[0]!;
};
/** The narrative's div: XHTML, not FHIR. */
const xhtmlDiv = (el: El): El => {
  const found = Array.from(el.childNodes).filter(
    (n) => n.nodeType === 1 && n.localName === 'div' && n.namespaceURI === 'http://www.w3.org/1999/xhtml',
  );
  assert.equal(found.length, 1, 'one XHTML div in the narrative');
  return found[0]!;
};
const val = (el: El, name: string) => kid(el, name).getAttribute('value');

/** What a notification says, the same from XML and JSON. */
interface Said {
  type: string;
  consents: {
    status: string;
    gegevenscategorie: string;
    categories: string[];
    profile: string;
    provisionType: string | null;
    purpose: string;
    text: string;
    patientRef: string;
    actorRef: string;
  }[];
  bsn: string;
  patientUrl: string;
  ura: string;
  organizationType: string;
  organizationUrl: string;
  methods: string[];
}

function saidByXml(xml: string): Said {
  const bundle = parseXml(xml);
  assert.equal(bundle.localName, 'Bundle');
  assert.equal(bundle.namespaceURI, FHIR);
  const entries = kids(bundle, 'entry');
  const resourceOf = (e: El) => Array.from(kid(e, 'resource').childNodes).find((n) => n.nodeType === 1)!;
  const consents = entries.filter((e) => resourceOf(e).localName === 'Consent');
  const patient = entries.find((e) => resourceOf(e).localName === 'Patient')!;
  const org = entries.find((e) => resourceOf(e).localName === 'Organization')!;
  return {
    type: val(bundle, 'type')!,
    consents: consents.map((e) => {
      const c = resourceOf(e);
      const provision = kid(c, 'provision');
      return {
        status: val(c, 'status')!,
        gegevenscategorie: kid(kid(kid(c, 'category'), 'coding'), 'code').getAttribute('value')!,
        categories: kids(c, 'extension').map((x) => {
          assert.equal(x.getAttribute('url'), 'http://fhir.nl/StructureDefinition/OTV-ProviderCategory');
          return val(kid(kid(x, 'valueCodeableConcept'), 'coding'), 'code')!;
        }),
        profile: val(kid(c, 'meta'), 'profile')!,
        provisionType: kids(provision, 'type').length ? val(provision, 'type') : null,
        purpose: val(kid(provision, 'purpose'), 'code')!,
        text: xhtmlDiv(kid(c, 'text')).textContent ?? '',
        patientRef: val(kid(c, 'patient'), 'reference')!,
        actorRef: val(kid(kid(provision, 'actor'), 'reference'), 'reference')!,
      };
    }),
    bsn: val(kid(resourceOf(patient), 'identifier'), 'value')!,
    patientUrl: val(patient, 'fullUrl')!,
    ura: val(kid(resourceOf(org), 'identifier'), 'value')!,
    organizationType: val(kid(kid(resourceOf(org), 'type'), 'coding'), 'code')!,
    organizationUrl: val(org, 'fullUrl')!,
    methods: entries.map((e) => val(kid(e, 'request'), 'method')!),
  };
}

type J = Record<string, unknown> & { [k: string]: never | unknown };
function saidByJson(json: string): Said {
  const bundle = JSON.parse(json) as J;
  assert.equal(bundle.resourceType, 'Bundle');
  const entries = bundle.entry as { fullUrl: string; resource: J; request: { method: string } }[];
  const consents = entries.filter((e) => e.resource.resourceType === 'Consent');
  const patient = entries.find((e) => e.resource.resourceType === 'Patient')!;
  const org = entries.find((e) => e.resource.resourceType === 'Organization')!;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const a = (x: unknown) => x as any;
  return {
    type: bundle.type as string,
    consents: consents.map(({ resource: c }) => ({
      status: a(c).status,
      gegevenscategorie: a(c).category[0].coding[0].code,
      categories: a(c).extension.map(
        (x: { url: string; valueCodeableConcept: { coding: { code: string }[] } }) => {
          assert.equal(x.url, 'http://fhir.nl/StructureDefinition/OTV-ProviderCategory');
          return x.valueCodeableConcept.coding[0]!.code;
        },
      ),
      profile: a(c).meta.profile[0],
      provisionType: a(c).provision.type ?? null,
      purpose: a(c).provision.purpose[0].code,
      text: String(a(c).text.div).replace(/<[^>]+>/g, ''),
      patientRef: a(c).patient.reference,
      actorRef: a(c).provision.actor[0].reference.reference,
    })),
    bsn: a(patient.resource).identifier[0].value,
    patientUrl: patient.fullUrl,
    ura: a(org.resource).identifier[0].value,
    organizationType: a(org.resource).type[0].coding[0].code,
    organizationUrl: org.fullUrl,
    methods: entries.map((e) => e.request.method),
  };
}

// ------------------------------------------------------------------------------------------------
// A subscriber: records what it receives; answers per path as told (a list of statuses, then 200)

interface Received {
  path: string;
  contentType: string;
  body: string;
}

class Subscriber {
  readonly received: Received[] = [];
  readonly answers = new Map<string, number[]>();
  server!: Server;
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        const path = req.url ?? '';
        this.received.push({ path, contentType: req.headers['content-type'] ?? '', body });
        const status = this.answers.get(path)?.shift() ?? 200;
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 15000,
) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ------------------------------------------------------------------------------------------------
// Requests

function referenceXml(o: {
  bsn: string;
  endpoint: string;
  ura?: string;
  providerType?: string;
  payload?: string;
}) {
  return REFERENCE.replace('patientid=123456789', `patientid=${o.bsn}`)
    .replace('providerid=01234567', `providerid=${o.ura ?? DE_LINDE}`)
    .replace('providertype=Z3', `providertype=${o.providerType ?? 'Z3'}`)
    .replace('https://zim.prf001.lsp.aorta-zorg.nl/otv/Subscription/312', o.endpoint.replace(/&/g, '&amp;'))
    .replace('application/fhir+xml', o.payload ?? 'application/fhir+xml');
}

function referenceJson(o: { bsn: string; endpoint: string; payload?: string }) {
  return {
    resourceType: 'Subscription',
    extension: [
      { url: 'http://fhir.nl/StructureDefinition/Patient.birthDate', valueDate: '2012-03-07' },
      {
        url: 'http://fhir.nl/StructureDefinition/GatewaySystem',
        valueOid: 'urn:oid:2.16.840.1.113883.2.4.6.6.1',
      },
      {
        url: 'http://fhir.nl/StructureDefinition/SourceSystem',
        valueOid: 'urn:oid:2.16.840.1.113883.2.4.6.6.90000017',
      },
    ],
    status: 'requested',
    reason: 'OTV',
    criteria: `Consent?_query=otv&patientid=${o.bsn}&providerid=${DE_LINDE}&providertype=Z3`,
    channel: { type: 'rest-hook', endpoint: o.endpoint, payload: o.payload ?? 'application/fhir+json' },
  };
}

interface Answer {
  status: number;
  type: string;
  headers: Headers;
  text: string;
}

for (const backend of BACKENDS) {
  describe(`Mitz subscriptions and notifications (${backend})`, () => {
    let dezi: TestDezi;
    let system: ApiTestClient;
    let choices: Choices;
    let citizens: Citizens;
    let notifier: Notifier;
    const subscriber = new Subscriber();
    withDezi(backend, { config: { mitz: { deliveryPollMs: 100, subscriptionLimit: LIMIT } } }, (f) => {
      dezi = f.dezi;
    });

    before(async () => {
      system = await mitzSystem(dezi.db, dezi.register, DE_LINDE);
      citizens = new Citizens(dezi.db, dezi.secrets);
      choices = new Choices(dezi.db, citizens);
      // Only enqueue() is used (and purge()): it needs nothing of the services but the database the
      // transaction it is handed belongs to.
      notifier = new Notifier({
        db: dezi.db,
        citizens,
        choices,
        config: {},
        log: dezi.app.log,
      } as unknown as MitzServices);
      choices.onChange((tx, id) => notifier.enqueue(tx, id));
      await subscriber.start();
    });
    after(() => subscriber.stop());

    const base = () => `${dezi.url}/mitz/abonnementen/fhir`;

    async function call(
      method: string,
      path: string,
      o: {
        as?: ApiTestClient | null;
        body?: string;
        contentType?: string;
        accept?: string;
        token?: string;
      } = {},
    ): Promise<Answer> {
      const headers: Record<string, string> = {};
      const who = o.as === undefined ? system : o.as;
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      else if (who) headers.authorization = `Bearer ${await mitzAssertion(dezi.url, who)}`;
      if (o.body !== undefined) headers['content-type'] = o.contentType ?? 'application/fhir+xml';
      if (o.accept) headers.accept = o.accept;
      const res = await fetch(`${base()}${path}`, { method, headers, body: o.body });
      return {
        status: res.status,
        type: (res.headers.get('content-type') ?? '').split(';')[0]!,
        headers: res.headers,
        text: await res.text(),
      };
    }

    const subscribeXml = (bsn: string, endpoint: string, o: { as?: ApiTestClient; payload?: string } = {}) =>
      call('POST', '/Subscription', { as: o.as, body: referenceXml({ bsn, endpoint, payload: o.payload }) });

    const subscriptionId = (a: Answer) => {
      assert.equal(a.status, 202, a.text);
      const location = a.headers.get('location')!;
      const m = new URL(location, dezi.url).pathname.match(
        /^\/mitz\/abonnementen\/fhir\/Subscription\/([0-9a-f-]{36})$/,
      );
      assert.ok(m, `Location ${location}`);
      return m[1]!;
    };

    /** The one issue of an OperationOutcome, from XML or JSON. */
    function outcome(a: Answer): { code: string; severity: string; diagnostics: string } {
      if (a.type === 'application/fhir+json') {
        const o = JSON.parse(a.text) as {
          resourceType: string;
          issue: { code: string; severity: string; diagnostics: string }[];
        };
        assert.equal(o.resourceType, 'OperationOutcome');
        assert.equal(o.issue.length, 1);
        return o.issue[0]!;
      }
      assert.equal(a.type, 'application/fhir+xml', a.text);
      const o = parseXml(a.text);
      assert.equal(o.localName, 'OperationOutcome');
      const issue = kid(o, 'issue');
      return {
        code: val(issue, 'code')!,
        severity: val(issue, 'severity')!,
        diagnostics: val(issue, 'diagnostics')!,
      };
    }

    const change = async (bsn: string, changes: ChoiceChange[]) => {
      const id = (await citizens.find(Bsn.parse(bsn)))!;
      assert.ok(id, 'the citizen exists (made by the subscription)');
      return choices.change(id, changes, { kind: 'citizen' }, { kind: 'citizen', citizenId: id });
    };

    const notifications = (subscriptionIdValue: string) =>
      dezi.db.query<{
        outcome: string;
        detail: { attempt: number; httpStatus: number | null; error?: string };
      }>(
        `SELECT outcome, detail FROM audit_events WHERE action = 'mitz.notification' AND detail->>'subscription' = $1 ORDER BY id`,
        [subscriptionIdValue],
      );

    test('the reference Subscription (XML) is accepted: 202, a Location with a uuid, the Subscription back', async () => {
      const bsn = freshBsn();
      const a = await subscribeXml(bsn, subscriber.url('/hook/reference'));
      const id = subscriptionId(a);
      assert.ok(!a.headers.get('location')!.includes(bsn));
      assert.equal(a.type, 'application/fhir+xml');
      const sub = parseXml(a.text);
      assert.equal(sub.localName, 'Subscription');
      assert.equal(val(sub, 'id'), id);
      assert.equal(val(sub, 'status'), 'active');
      assert.equal(val(sub, 'reason'), 'OTV');
      assert.equal(val(kid(sub, 'channel'), 'endpoint'), subscriber.url('/hook/reference'));
      // The same again (same system, patient, provider, source system): the same subscription.
      const again = await subscribeXml(bsn, subscriber.url('/hook/reference'));
      assert.equal(subscriptionId(again), id);
      const [row] = await dezi.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM mitz_subscriptions WHERE client_id = $1 AND status = 'active' AND id = $2`,
        [system.clientId, id],
      );
      assert.equal(row!.n, 1);
      const audit = await dezi.db.query<{
        action: string;
        target: string;
        actor_kind: string;
        abonnee_nummer: string;
      }>(
        `SELECT action, target, actor_kind, abonnee_nummer FROM audit_events
          WHERE action LIKE 'mitz.subscription.%' AND detail->>'subscription' = $1 ORDER BY id`,
        [id],
      );
      const citizenId = await citizens.find(Bsn.parse(bsn));
      assert.deepEqual(
        audit.map((r) => [r.action, r.target, r.actor_kind, r.abonnee_nummer]),
        [
          ['mitz.subscription.create', `citizen:${citizenId}`, 'system', DE_LINDE],
          ['mitz.subscription.update', `citizen:${citizenId}`, 'system', DE_LINDE],
        ],
      );
    });

    test('the same Subscription in JSON is accepted, and answered in JSON', async () => {
      const bsn = freshBsn();
      const a = await call('POST', '/Subscription', {
        body: JSON.stringify(referenceJson({ bsn, endpoint: subscriber.url('/hook/json-accepted') })),
        contentType: 'application/fhir+json',
      });
      const id = subscriptionId(a);
      assert.equal(a.type, 'application/fhir+json');
      const sub = JSON.parse(a.text) as {
        resourceType: string;
        id: string;
        criteria: string;
        channel: { payload: string };
      };
      assert.equal(sub.resourceType, 'Subscription');
      assert.equal(sub.id, id);
      assert.equal(
        sub.criteria,
        `Consent?_query=otv&patientid=${bsn}&providerid=${DE_LINDE}&providertype=Z3`,
      );
      assert.equal(sub.channel.payload, 'application/fhir+json');
    });

    test('GET answers the own subscription (XML or JSON as asked); DELETE ends it, and it is not notified', async () => {
      const bsn = freshBsn();
      const id = subscriptionId(await subscribeXml(bsn, subscriber.url('/hook/deleted')));
      const got = await call('GET', `/Subscription/${id}`, { accept: 'application/fhir+json' });
      assert.equal(got.status, 200);
      assert.equal(got.type, 'application/fhir+json');
      const sub = JSON.parse(got.text) as {
        id: string;
        status: string;
        criteria: string;
        extension: { url: string }[];
      };
      assert.equal(sub.id, id);
      assert.equal(sub.status, 'active');
      assert.ok(sub.criteria.includes(`patientid=${bsn}`));
      // The birth date is checked, not kept; the system OIDs are.
      assert.deepEqual(
        sub.extension.map((e) => e.url),
        [
          'http://fhir.nl/StructureDefinition/GatewaySystem',
          'http://fhir.nl/StructureDefinition/SourceSystem',
        ],
      );
      const gotXml = await call('GET', `/Subscription/${id}?_format=xml`);
      assert.equal(gotXml.type, 'application/fhir+xml');
      assert.equal(val(parseXml(gotXml.text), 'id'), id);

      const deleted = await call('DELETE', `/Subscription/${id}`);
      assert.equal(deleted.status, 204);
      const after = await call('GET', `/Subscription/${id}`, { accept: 'application/fhir+json' });
      assert.equal((JSON.parse(after.text) as { status: string }).status, 'off');
      await change(bsn, [{ gegevenscategorie: 'GGC002', dossierhouder: '*', raadpleger: '*', permit: true }]);
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(subscriber.at('/hook/deleted').length, 0);
      const [pending] = await dezi.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM mitz_deliveries WHERE subscription_id = $1`,
        [id],
      );
      assert.equal(pending!.n, 0);
    });

    test('400: a body that is not XML, not JSON, or not a Subscription; a missing element', async () => {
      const sender = await mitzSystem(dezi.db, dezi.register, DE_LINDE);
      const bsn = freshBsn();
      const cases: [string, string, string][] = [
        ['this is not XML', 'application/fhir+xml', 'structure'],
        [
          '<Subscription xmlns="http://hl7.org/fhir"><status value="requested"/>',
          'application/fhir+xml',
          'structure',
        ],
        ['<Subscription><status value="requested"/></Subscription>', 'application/fhir+xml', 'structure'],
        [
          '<!DOCTYPE x [<!ENTITY a "b">]><Subscription xmlns="http://hl7.org/fhir"/>',
          'application/fhir+xml',
          'structure',
        ],
        ['<Patient xmlns="http://hl7.org/fhir"/>', 'application/fhir+xml', 'structure'],
        ['{"resourceType": "Subscription",', 'application/fhir+json', 'structure'],
        ['[1, 2]', 'application/fhir+json', 'structure'],
        [`{"resourceType": "Subscription", "${bsn}": "x"}`, 'application/fhir+json', 'structure'],
        [
          `<Subscription xmlns="http://hl7.org/fhir"><a${bsn} value="x"/></Subscription>`,
          'application/fhir+xml',
          'structure',
        ],
        ['', 'application/fhir+xml', 'structure'],
        [
          referenceXml({ bsn, endpoint: subscriber.url('/x') }).replace(/<criteria [^>]*\/>/, ''),
          'application/fhir+xml',
          'required',
        ],
        [
          referenceXml({ bsn, endpoint: subscriber.url('/x') }).replace(
            '<reason',
            '<colour value="red"/><reason',
          ),
          'application/fhir+xml',
          'structure',
        ],
      ];
      for (const [body, contentType, code] of cases) {
        const a = await call('POST', '/Subscription', { as: sender, body, contentType });
        assert.equal(a.status, 400, `${body.slice(0, 60)}: ${a.text}`);
        const issue = outcome(a);
        assert.equal(issue.code, code, body.slice(0, 60));
        assert.equal(issue.severity, 'error');
        assert.ok(issue.diagnostics.length > 5);
        assert.ok(!issue.diagnostics.includes(bsn));
        assert.equal(a.type, contentType.includes('json') ? 'application/fhir+json' : 'application/fhir+xml');
      }
      // A media type FHIR does not define: 415, said so.
      const plain = await call('POST', '/Subscription', {
        as: sender,
        body: 'hello',
        contentType: 'text/plain',
        accept: 'application/fhir+json',
      });
      assert.equal(plain.status, 415);
      assert.equal(outcome(plain).code, 'not-supported');
      const untyped = await fetch(`${base()}/Subscription`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await mitzAssertion(dezi.url, sender)}` },
        body: new Blob([referenceXml({ bsn, endpoint: subscriber.url('/x') })]),
      });
      assert.equal(untyped.status, 415);
      // Too large: refused before it is read, still as an OperationOutcome.
      const large = await call('POST', '/Subscription', {
        as: sender,
        body: `<Subscription xmlns="http://hl7.org/fhir">${'<!-- padding -->'.repeat(5000)}</Subscription>`,
      });
      assert.equal(large.status, 413);
      assert.equal(outcome(large).code, 'too-costly');
      assert.equal(
        (await citizens.find(Bsn.parse(bsn))) ?? null,
        null,
        'nothing made for a refused subscription',
      );
    });

    test('401: no client assertion, a bad one, a person-style token; the answer in the format asked', async () => {
      const body = referenceXml({ bsn: freshBsn(), endpoint: subscriber.url('/x') });
      const none = await call('POST', '/Subscription', { as: null, body });
      assert.equal(none.status, 401);
      assert.equal(outcome(none).code, 'security');
      const wrongAud = await call('POST', '/Subscription', {
        body,
        token: await mitzAssertion(dezi.url, system, { aud: `${dezi.url}/api/v1` }),
        accept: 'application/fhir+json',
      });
      assert.equal(wrongAud.status, 401);
      assert.equal(wrongAud.type, 'application/fhir+json');
      assert.equal(outcome(wrongAud).code, 'security');
      const opaque = await call('POST', '/Subscription', { body, token: 'an-opaque-access-token' });
      assert.equal(opaque.status, 401);
      const get = await call('GET', `/Subscription/${crypto.randomUUID()}`, { as: null });
      assert.equal(get.status, 401);
      assert.equal(outcome(get).code, 'security');
    });

    test("404: an unknown subscription, a malformed id, another system's (GET and DELETE)", async () => {
      const other = await mitzSystem(dezi.db, dezi.register, DE_LINDE);
      const id = subscriptionId(
        await subscribeXml(freshBsn(), subscriber.url('/hook/others'), { as: other }),
      );
      for (const path of [
        `/Subscription/${crypto.randomUUID()}`,
        '/Subscription/not-a-uuid',
        `/Subscription/${id}`,
      ]) {
        for (const method of ['GET', 'DELETE']) {
          const a = await call(method, path);
          assert.equal(a.status, 404, `${method} ${path}`);
          assert.equal(outcome(a).code, 'not-found');
        }
      }
      const [row] = await dezi.db.query<{ status: string }>(
        'SELECT status FROM mitz_subscriptions WHERE id = $1',
        [id],
      );
      assert.equal(row!.status, 'active', "another system's DELETE changed nothing");
      assert.equal((await call('GET', `/Subscription/${id}`, { as: other })).status, 200);
      const unknown = await call('GET', '/Patient/1');
      assert.equal(unknown.status, 404);
      assert.equal(outcome(unknown).code, 'not-found');
    });

    test("422: each of Mitz's rules, named in the OperationOutcome, nothing stored", async () => {
      const rules = await mitzSystem(dezi.db, dezi.register, DE_LINDE);
      const bsn = freshBsn();
      const ok = referenceXml({ bsn, endpoint: subscriber.url('/hook/rules') });
      const cases: [string, string, RegExp][] = [
        [
          'reason not OTV',
          ok.replace('<reason value="OTV"/>', '<reason value="Research"/>'),
          /reason must be OTV/,
        ],
        [
          'status not requested',
          ok.replace('<status value="requested"/>', '<status value="active"/>'),
          /status must be requested/,
        ],
        [
          'unknown providertype',
          referenceXml({ bsn, endpoint: subscriber.url('/x'), providerType: 'QQ' }),
          /providertype/,
        ],
        [
          'invalid BSN',
          ok.replace(`patientid=${bsn}`, 'patientid=123456788'),
          /patientid is not a valid BSN/,
        ],
        ['BSN not digits', ok.replace(`patientid=${bsn}`, 'patientid=abc'), /patientid is not a valid BSN/],
        [
          'providerid of another care provider',
          referenceXml({ bsn, endpoint: subscriber.url('/x'), ura: '90000222' }),
          /providerid must be the URA of the care provider this system acts for/,
        ],
        [
          'providerid not 8 digits',
          referenceXml({ bsn, endpoint: subscriber.url('/x'), ura: '123' }),
          /URA of 8 digits/,
        ],
        ['_query not otv', ok.replace('_query=otv', '_query=other'), /_query must be otv/],
        [
          'an unknown criteria parameter',
          ok.replace('&amp;providertype', '&amp;colour=red&amp;providertype'),
          /not one Mitz knows/,
        ],
        [
          'a BSN as the name of a criteria parameter (not echoed)',
          ok.replace('&amp;providertype', `&amp;${bsn}=1&amp;providertype`),
          /parameter \(not shown\) is not one Mitz knows/,
        ],
        ['criteria not Consent', ok.replace('Consent?', 'Patient?'), /criteria must be Consent/],
        [
          'endpoint http, not loopback',
          referenceXml({ bsn, endpoint: 'http://example.org/hook' }),
          /must be https/,
        ],
        ['endpoint not a URL', referenceXml({ bsn, endpoint: 'not a url' }), /not an absolute URL/],
        ['endpoint ftp', referenceXml({ bsn, endpoint: 'ftp://example.org/hook' }), /must be https/],
        [
          'endpoint with credentials',
          referenceXml({ bsn, endpoint: 'https://u:p@example.org/hook' }),
          /user name or password/,
        ],
        [
          'endpoint with the BSN',
          referenceXml({ bsn, endpoint: `https://example.org/hook?patient=${bsn}` }),
          /must not hold the patient's BSN/,
        ],
        [
          'payload not FHIR',
          referenceXml({ bsn, endpoint: subscriber.url('/x'), payload: 'text/plain' }),
          /channel.payload/,
        ],
        [
          'channel type websocket',
          ok.replace('<type value="rest-hook"/>', '<type value="websocket"/>'),
          /rest-hook/,
        ],
        [
          'channel header',
          ok.replace('<payload', '<header value="Authorization: x"/><payload'),
          /channel.header is not supported/,
        ],
        [
          'an extension not allowed',
          ok.replace('http://fhir.nl/StructureDefinition/GatewaySystem', 'http://example.org/colour'),
          /is not allowed/,
        ],
        [
          'a modifierExtension',
          ok.replace(
            '<status',
            '<modifierExtension url="http://example.org/m"><valueBoolean value="true"/></modifierExtension><status',
          ),
          /modifier extensions/,
        ],
        ['a birth date that is not a date', ok.replace('2012-03-07', '7 March 2012'), /valueDate/],
        [
          'a source system that is not an OID',
          ok.replace('urn:oid:2.16.840.1.113883.2.4.6.6.90000017', 'EPD Noord'),
          /valueOid/,
        ],
        [
          'Subscription.end',
          ok.replace('<reason', '<end value="2030-01-01T00:00:00Z"/><reason'),
          /Subscription.end is not supported/,
        ],
      ];
      for (const [name, body, diagnostics] of cases) {
        const a = await call('POST', '/Subscription', { as: rules, body });
        assert.equal(a.status, 422, `${name}: ${a.text}`);
        const issue = outcome(a);
        assert.equal(issue.code, 'business-rule', name);
        assert.match(issue.diagnostics, diagnostics, name);
        assert.ok(!issue.diagnostics.includes(bsn), `${name}: no BSN in the answer`);
      }
      // The same rules in JSON, answered in JSON.
      const json = referenceJson({ bsn, endpoint: subscriber.url('/x') });
      const a = await call('POST', '/Subscription', {
        as: rules,
        body: JSON.stringify({ ...json, reason: 'Other' }),
        contentType: 'application/fhir+json',
      });
      assert.equal(a.status, 422);
      assert.equal(a.type, 'application/fhir+json');
      assert.match(outcome(a).diagnostics, /reason must be OTV/);
      const [stored] = await dezi.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM mitz_subscriptions WHERE client_id = $1',
        [rules.clientId],
      );
      assert.equal(stored!.n, 0);
      const [audited] = await dezi.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'mitz.subscription.create' AND outcome = 'failure' AND client_id = $1`,
        [rules.clientId],
      );
      assert.equal(audited!.n, cases.length + 1);
    });

    test('an http endpoint on loopback is the proeftuin only: outside it, https is required', () => {
      const resource = readFhirJson(
        JSON.stringify(referenceJson({ bsn: BSNS[39]!, endpoint: 'http://127.0.0.1:9/hook' })),
      );
      assert.equal(
        readSubscription(resource, { abonneeNummer: DE_LINDE, proeftuin: true }).endpoint,
        'http://127.0.0.1:9/hook',
      );
      assert.throws(
        () => readSubscription(resource, { abonneeNummer: DE_LINDE, proeftuin: false }),
        (err: Error & { status?: number }) => err.status === 422 && /must be https$/.test(err.message),
      );
    });

    test(`429: over ${LIMIT.max} subscription requests of one system in the window, with Retry-After`, async () => {
      const busy = await mitzSystem(dezi.db, dezi.register, DE_LINDE);
      const bsn = freshBsn();
      for (let i = 0; i < LIMIT.max; i++) {
        const a = await subscribeXml(bsn, subscriber.url('/hook/busy'), { as: busy });
        assert.equal(a.status, 202, `request ${i + 1}`);
      }
      const over = await call('POST', '/Subscription', {
        as: busy,
        body: JSON.stringify(referenceJson({ bsn, endpoint: subscriber.url('/hook/busy') })),
        contentType: 'application/fhir+json',
      });
      assert.equal(over.status, 429);
      assert.equal(outcome(over).code, 'throttled');
      assert.ok(Number(over.headers.get('retry-after')) > 0);
      // Another system is not held back by this one.
      assert.equal((await subscribeXml(freshBsn(), subscriber.url('/hook/not-busy'))).status, 202);
    });

    test('after a change, the subscriber receives the notification Bundle in XML: Consents per category, Patient, Organization', async () => {
      const bsn = freshBsn();
      const id = subscriptionId(await subscribeXml(bsn, subscriber.url('/hook/xml')));
      // Pharmacies may see everything; every other category may not see treatment data.
      await change(bsn, [
        { gegevenscategorie: 'GGC002', dossierhouder: '*', raadpleger: 'RPZAC005', permit: true },
        { gegevenscategorie: 'GGC002', dossierhouder: '*', raadpleger: '*', permit: false },
      ]);
      await until('the XML notification', () => subscriber.at('/hook/xml').length === 1);
      const [got] = subscriber.at('/hook/xml');
      assert.match(got!.contentType, /^application\/fhir\+xml/);
      const said = saidByXml(got!.body);
      assert.equal(said.type, 'transaction');
      assert.equal(said.bsn, bsn);
      assert.equal(said.ura, DE_LINDE);
      assert.equal(said.organizationType, 'Z3');
      assert.ok(said.methods.every((m) => m === 'POST'));
      const others = ['RPZAC001', 'RPZAC003', 'RPZAC004', 'RPZAC103', 'RPZAC104', 'RPZAC200'];
      assert.deepEqual(
        said.consents.map((c) => [c.gegevenscategorie, c.status, c.categories]),
        [
          ['GGC002', 'active', ['RPZAC005']],
          ['GGC002', 'inactive', others],
          // A "yes" covers the lower categories; the "no" on treatment data does not reach them.
          ['GGC012', 'active', ['RPZAC005']],
          ['GGC013', 'active', ['RPZAC005']],
        ],
      );
      for (const c of said.consents) {
        assert.equal(c.profile, 'http://vzvz.nl/fhir/StructureDefinition/Consent-Mitz-Notify|3.8.0');
        assert.equal(c.provisionType, c.status === 'active' ? 'permit' : null);
        assert.equal(c.purpose, 'TREAT');
        assert.equal(c.patientRef, said.patientUrl);
        assert.equal(c.actorRef, said.organizationUrl);
        assert.match(c.text, c.status === 'active' ? /^Toestemming: / : /^Geen toestemming/);
      }
      assert.match(said.consents[0]!.text, /Apotheken/);
      // The delivery is audited after the subscriber has answered: wait for it, not for the answer.
      const audit = await until('the delivery audited', async () => {
        const rows = await notifications(id);
        return rows.length > 0 ? rows : undefined;
      });
      assert.deepEqual(
        audit.map((r) => [r.outcome, r.detail.attempt, r.detail.httpStatus]),
        [['success', 1, 200]],
      );
      const [row] = await dezi.db.query<{ status: string; attempts: number }>(
        'SELECT status, attempts FROM mitz_deliveries WHERE subscription_id = $1',
        [id],
      );
      assert.deepEqual(row, { status: 'delivered', attempts: 1 });
    });

    test('a JSON subscriber receives the Bundle in JSON; one change, one notification to each subscription', async () => {
      const bsn = freshBsn();
      const jsonId = subscriptionId(
        await call('POST', '/Subscription', {
          body: JSON.stringify(referenceJson({ bsn, endpoint: subscriber.url('/hook/json') })),
          contentType: 'application/fhir+json',
        }),
      );
      // Another practice system of the same care provider, for the same citizen, in XML.
      const second = await mitzSystem(dezi.db, dezi.register, DE_LINDE);
      subscriptionId(await subscribeXml(bsn, subscriber.url('/hook/json-other'), { as: second }));
      await change(bsn, [
        { gegevenscategorie: 'GGC012', dossierhouder: 'RPZAC001', raadpleger: 'RPZAC104', permit: true },
      ]);
      await until(
        'both notifications',
        () => subscriber.at('/hook/json').length === 1 && subscriber.at('/hook/json-other').length === 1,
      );
      const [got] = subscriber.at('/hook/json');
      assert.match(got!.contentType, /^application\/fhir\+json/);
      const said = saidByJson(got!.body);
      assert.equal(said.bsn, bsn);
      assert.equal(said.ura, DE_LINDE);
      assert.equal(said.type, 'transaction');
      assert.deepEqual(
        said.consents.map((c) => [c.gegevenscategorie, c.status, c.categories, c.provisionType]),
        [
          ['GGC012', 'active', ['RPZAC104'], 'permit'],
          ['GGC013', 'active', ['RPZAC104'], 'permit'],
        ],
      );
      // The XML one says the same.
      assert.deepEqual(
        saidByXml(subscriber.at('/hook/json-other')[0]!.body).consents.map((c) => [
          c.gegevenscategorie,
          c.status,
          c.categories,
        ]),
        said.consents.map((c) => [c.gegevenscategorie, c.status, c.categories]),
      );
      // Withdrawing the choice: a notification with no Consent left, only the Patient and Organization.
      await change(bsn, [
        { gegevenscategorie: 'GGC012', dossierhouder: 'RPZAC001', raadpleger: 'RPZAC104', permit: null },
      ]);
      await until('the second JSON notification', () => subscriber.at('/hook/json').length === 2);
      const withdrawn = saidByJson(subscriber.at('/hook/json')[1]!.body);
      assert.deepEqual(withdrawn.consents, []);
      assert.equal(withdrawn.bsn, bsn);
      await until('both deliveries audited', async () => (await notifications(jsonId)).length === 2);
      // A change that changes nothing notifies nobody.
      await change(bsn, [
        { gegevenscategorie: 'GGC012', dossierhouder: 'RPZAC001', raadpleger: 'RPZAC104', permit: null },
      ]);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(subscriber.at('/hook/json').length, 2);
    });

    test('a subscriber answering 503 gets the notification when it is back: failures, then success, audited', async () => {
      const bsn = freshBsn();
      const id = subscriptionId(await subscribeXml(bsn, subscriber.url('/hook/flaky')));
      subscriber.answers.set('/hook/flaky', [503, 503]);
      await change(bsn, [{ gegevenscategorie: 'GGC013', dossierhouder: '*', raadpleger: '*', permit: true }]);
      await until('three attempts', () => subscriber.at('/hook/flaky').length === 3, 20000);
      const audit = await until('the success audited', async () => {
        const rows = await notifications(id);
        return rows.length === 3 ? rows : undefined;
      });
      assert.deepEqual(
        audit.map((r) => [r.outcome, r.detail.attempt, r.detail.httpStatus]),
        [
          ['failure', 1, 503],
          ['failure', 2, 503],
          ['success', 3, 200],
        ],
      );
      // Each attempt carries the choices as they stand, so the last is the one that counts.
      const said = saidByXml(subscriber.at('/hook/flaky')[2]!.body);
      assert.equal(said.consents.length, 1);
      assert.equal(said.bsn, bsn);
      const lines = dezi.logs.lines.filter((l) => l.includes(id) && l.includes('mitz notification'));
      assert.equal(lines.length, 3);
      assert.match(lines[0]!, /will retry/);
      assert.match(lines[2]!, /delivered/);
    });

    test('a subscriber that refuses connections gets it once it listens, with the choices as they stand then', async () => {
      const port = await freePort();
      const down = new Subscriber();
      const bsn = freshBsn();
      const id = subscriptionId(
        await subscribeXml(bsn, `http://127.0.0.1:${port}/hook/down?token=secret-token`),
      );
      await change(bsn, [
        { gegevenscategorie: 'GGC002', dossierhouder: '*', raadpleger: 'RPZAC001', permit: false },
      ]);
      const first = await until('a refused attempt', async () => (await notifications(id))[0]);
      assert.equal(first.outcome, 'failure');
      assert.equal(first.detail.httpStatus, null);
      assert.equal(first.detail.error, 'ECONNREFUSED');
      // Another change while the subscriber is down: whatever arrives later says both.
      await change(bsn, [
        { gegevenscategorie: 'GGC013', dossierhouder: '*', raadpleger: 'RPZAC005', permit: true },
      ]);
      await until('the second change tried', async () => (await notifications(id)).length >= 2);
      await down.start(port);
      try {
        await until(
          'the deliveries',
          async () => {
            const rows = await dezi.db.query(
              `SELECT 1 FROM mitz_deliveries WHERE subscription_id = $1 AND status = 'pending'`,
              [id],
            );
            return rows.length === 0 && down.received.length >= 1;
          },
          20000,
        );
        for (const got of down.received) {
          assert.equal(got.path, '/hook/down?token=secret-token');
          assert.deepEqual(
            saidByXml(got.body).consents.map((c) => [c.gegevenscategorie, c.status, c.categories]),
            [
              ['GGC002', 'inactive', ['RPZAC001']],
              ['GGC013', 'active', ['RPZAC005']],
            ],
          );
        }
        const audit = await until('the success audited', async () => {
          const rows = await notifications(id);
          return rows.some((r) => r.outcome === 'success') ? rows : undefined;
        });
        assert.ok(audit.some((r) => r.outcome === 'success'));
        assert.ok(
          audit.filter((r) => r.outcome === 'failure').every((r) => r.detail.error === 'ECONNREFUSED'),
        );
      } finally {
        await down.stop();
      }
      // The log names the endpoint without its query.
      assert.ok(dezi.logs.text().includes(`http://127.0.0.1:${port}/hook/down`));
      assert.ok(!dezi.logs.text().includes('secret-token'));
    });

    test('two workers on one database deliver each notification once', async () => {
      const second = new Notifier({
        db: dezi.db,
        citizens,
        choices,
        config: { deliveryPollMs: 50 },
        log: dezi.app.log,
      } as unknown as MitzServices);
      second.start();
      try {
        const bsns = [freshBsn(), freshBsn(), freshBsn(), freshBsn()];
        for (const [i, bsn] of bsns.entries())
          subscriptionId(await subscribeXml(bsn, subscriber.url(`/hook/twice-${i}`)));
        for (const bsn of bsns)
          await change(bsn, [
            { gegevenscategorie: 'GGC002', dossierhouder: '*', raadpleger: 'RPZAC003', permit: true },
          ]);
        await until('all four', () => bsns.every((_, i) => subscriber.at(`/hook/twice-${i}`).length >= 1));
        await new Promise((r) => setTimeout(r, 500));
        for (const i of bsns.keys()) assert.equal(subscriber.at(`/hook/twice-${i}`).length, 1);
      } finally {
        await second.stop();
      }
    });

    test('purge() deletes finished deliveries older than 30 days and ended subscriptions without any', async () => {
      const bsn = freshBsn();
      const id = subscriptionId(await subscribeXml(bsn, subscriber.url('/hook/purge')));
      const old = crypto.randomUUID();
      const recent = crypto.randomUUID();
      const waiting = crypto.randomUUID();
      await dezi.db.query(
        `INSERT INTO mitz_deliveries (id, subscription_id, created_at, status, next_attempt_at) VALUES
           ($1, $4, now() - interval '31 days', 'delivered', now()),
           ($2, $4, now() - interval '29 days', 'failed', now()),
           ($3, $4, now() - interval '31 days', 'pending', now() + interval '1 day')`,
        [old, recent, waiting, id],
      );
      await notifier.purge();
      const left = await dezi.db.query<{ id: string }>(
        'SELECT id FROM mitz_deliveries WHERE subscription_id = $1',
        [id],
      );
      assert.deepEqual(left.map((r) => r.id).sort(), [recent, waiting].sort());
      // An ended subscription goes when its deliveries have.
      await dezi.db.query('DELETE FROM mitz_deliveries WHERE subscription_id = $1', [id]);
      await dezi.db.query(
        `UPDATE mitz_subscriptions SET status = 'off', ended_at = now() - interval '31 days' WHERE id = $1`,
        [id],
      );
      await notifier.purge();
      assert.equal((await dezi.db.query('SELECT 1 FROM mitz_subscriptions WHERE id = $1', [id])).length, 0);
    });

    test('the retry schedule: doubling from 1 s, capped at an hour, about a day in all', () => {
      assert.deepEqual(RETRY_DELAYS_SECONDS.slice(0, 4), [1, 2, 4, 8]);
      assert.ok(RETRY_DELAYS_SECONDS.every((d) => d <= 3600));
      const total = RETRY_DELAYS_SECONDS.reduce((a, b) => a + b, 0);
      assert.ok(total > 20 * 3600 && total < 26 * 3600, `${total} s`);
      assert.equal(MAX_ATTEMPTS, RETRY_DELAYS_SECONDS.length + 1);
    });

    test('no BSN in a log line, an audit record or any column of Mitz in clear', async () => {
      const used = BSNS.slice(0, nextBsn);
      assert.ok(used.length > 10);
      const logs = dezi.logs.text();
      const audit = (await dezi.db.query<{ t: string }>('SELECT to_jsonb(a)::text AS t FROM audit_events a'))
        .map((r) => r.t)
        .join('\n');
      const tables = [];
      for (const table of [
        'mitz_citizens',
        'mitz_subscriptions',
        'mitz_deliveries',
        'mitz_choices',
        'mitz_choice_history',
      ])
        tables.push(
          ...(await dezi.db.query<{ t: string }>(`SELECT to_jsonb(x)::text AS t FROM ${table} x`)).map(
            (r) => r.t,
          ),
        );
      assert.ok(tables.length > 10);
      for (const bsn of used) {
        assert.ok(!logs.includes(bsn), 'a BSN in the logs');
        assert.ok(!audit.includes(bsn), 'a BSN in the audit trail');
        assert.ok(!tables.join('\n').includes(bsn), "a BSN in Mitz's tables");
      }
    });
  });
}
