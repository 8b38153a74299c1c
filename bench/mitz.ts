// The closed question's part of `npm run bench`: a million citizens with their choices loaded straight
// into Mitz's tables (blind index and sealed BSN computed here, as Citizens.ensure does, in batches of
// one statement each), the question as Mitz's callers send it (the reference message's structure,
// reference/mitz/example.xml, with the BSN of the case), and a unit of load that asks it and checks
// the decision it gets against the choices it loaded.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { openDatabase } from '../src/db/database.ts';
import { Bsn } from '../src/means/bsn.ts';
import { Citizens } from '../src/mitz/citizens.ts';
import { Secrets } from '../src/secrets.ts';
import { generatedBsns } from './register-data.ts';

/**
 * The choices of citizen i (i mod 4), and the decision the bench's question (GGC002, a GP asking a
 * GP's data, TREAT) must get: no choice; yes for everyone; no for everyone; yes for everyone with a
 * no for medication between GPs and hospitals, which does not apply to this question.
 */
const MIX = [
  { choices: [], decision: 'NotApplicable' },
  { choices: [['GGC002', '*', '*', true]], decision: 'Permit' },
  { choices: [['GGC002', '*', '*', false]], decision: 'Deny' },
  {
    choices: [
      ['GGC002', '*', '*', true],
      ['GGC013', 'RPZAC001', 'RPZAC104', false],
    ],
    decision: 'Permit',
  },
] as const;

const BATCH = 10_000;
const IN_FLIGHT = 3;
const RECORDED_BY = JSON.stringify({ kind: 'citizen' });

export interface MitzPopulation {
  /** Loaded citizens' BSNs, citizen i at i. */
  bsns: string[];
  /** Valid BSNs Mitz never saw. */
  unknown: string[];
  seconds: number;
}

/** Loads n citizens and their choices (MIX) into Mitz's tables of this database, under this secret. */
export async function loadMitzCitizens(
  databaseUrl: string,
  secret: Buffer,
  n: number,
  log: (line: string) => void,
): Promise<MitzPopulation> {
  const t0 = performance.now();
  const db = await openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: IN_FLIGHT + 1 });
  const secrets = new Secrets(secret);
  const citizens = new Citizens(db, secrets);
  const source = generatedBsns();
  const bsns: string[] = [];
  const pending = new Set<Promise<unknown>>();
  try {
    for (let start = 0; start < n; start += BATCH) {
      const ids: string[] = [];
      const indexes: string[] = [];
      const sealed: string[] = [];
      const choice = {
        id: [] as string[],
        g: [] as string[],
        d: [] as string[],
        r: [] as string[],
        p: [] as boolean[],
      };
      for (let i = start; i < Math.min(n, start + BATCH); i++) {
        const bsn = source.next().value as string;
        bsns.push(bsn);
        const id = randomUUID();
        ids.push(id);
        indexes.push(citizens.index(Bsn.parse(bsn)));
        // As Citizens.ensure seals it: Mitz's own key, the citizen id bound as additional data.
        sealed.push(secrets.encrypt('mitz-bsn-encryption', Buffer.from(bsn), id).toString('hex'));
        for (const [g, d, r, p] of MIX[i % MIX.length]!.choices) {
          choice.id.push(id);
          choice.g.push(g);
          choice.d.push(d);
          choice.r.push(r);
          choice.p.push(p);
        }
      }
      const batch = db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO mitz_citizens (id, bsn_index, bsn_sealed, sealed_with)
           SELECT id, ix, decode(sealed, 'hex'), $4 FROM unnest($1::uuid[], $2::text[], $3::text[]) AS t (id, ix, sealed)`,
          [ids, indexes, sealed, secrets.keyId],
        );
        await tx.query(
          `INSERT INTO mitz_choices (citizen_id, gegevenscategorie, dossierhouder, raadpleger, permit, recorded_by)
           SELECT id, g, d, r, p, $6::jsonb FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[])
             AS t (id, g, d, r, p)`,
          [choice.id, choice.g, choice.d, choice.r, choice.p, RECORDED_BY],
        );
      });
      pending.add(batch);
      void batch.finally(() => pending.delete(batch)).catch(() => undefined);
      if (pending.size >= IN_FLIGHT) await Promise.race(pending);
      if ((start / BATCH) % 10 === 9) log(`  ${bsns.length} citizens loaded`);
    }
    await Promise.all(pending);
    await db.query('ANALYZE mitz_citizens');
    await db.query('ANALYZE mitz_choices');
  } finally {
    await Promise.allSettled(pending);
    await db.close();
  }
  const unknown = Array.from(
    { length: Math.max(1, Math.min(10_000, n / 10)) },
    () => source.next().value as string,
  );
  return { bsns, unknown, seconds: (performance.now() - t0) / 1000 };
}

/** The closed question for this BSN, in the reference message's structure (reference/mitz/example.xml). */
export function questionXml(bsn: string, messageId = `urn:uuid:${randomUUID()}`): string {
  const ii = (id: string, root: string, extension: string, authority = '') =>
    `<Attribute AttributeId="${id}" IncludeInResult="true"><AttributeValue DataType="urn:hl7-org:v3#II">` +
    `<InstanceIdentifier${authority} extension="${extension}" root="${root}" xmlns="urn:hl7-org:v3"/></AttributeValue></Attribute>`;
  const cv = (id: string, code: string, system: string) =>
    `<Attribute AttributeId="${id}" IncludeInResult="true"><AttributeValue DataType="urn:hl7-org:v3#CV">` +
    `<CodedValue code="${code}" codeSystem="${system}" xmlns="urn:hl7-org:v3"/></AttributeValue></Attribute>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:types="urn:oasis:names:tc:xacml:3.0:profile:saml2.0:v2:schema:protocol:wd-14" xmlns:wsa="http://www.w3.org/2005/08/addressing" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<SOAP-ENV:Header><wsa:Action>XACMLAuthorizationDecisionQueryRequest</wsa:Action><wsa:MessageID>${messageId}</wsa:MessageID>
<wsa:ReplyTo><wsa:Address>http://www.w3.org/2005/08/addressing/anonymous</wsa:Address></wsa:ReplyTo><wsa:To>http://localhost:8000/4</wsa:To></SOAP-ENV:Header>
<SOAP-ENV:Body><types:XACMLAuthzDecisionQuery><Request CombinedDecision="false" ReturnPolicyIdList="false" xmlns="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17">
<Attributes Category="urn:oasis:names:tc:xacml:3.0:attribute-category:resource" xml:id="resource">
${ii('urn:oasis:names:tc:xacml:2.0:resource:resource-id', '2.16.840.1.113883.2.4.6.3', bsn)}
${cv('urn:ihe:iti:appc:2016:document-entry:healthcare-facility-type-code', 'Z3', '2.16.840.1.113883.2.4.15.1060')}
${ii('urn:ihe:iti:appc:2016:author-institution:id', '2.16.528.1.1007.3.3', '00000659')}
</Attributes>
<Attributes Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" xml:id="action0">
${cv('urn:ihe:iti:appc:2016:document-entry:event-code', 'GGC002', '2.16.840.1.113883.2.4.3.111.5.10.1')}
</Attributes>
<Attributes Category="urn:oasis:names:tc:xacml:1.0:subject-category:access-subject" xml:id="subject">
${cv('urn:oasis:names:tc:xacml:2.0:subject:role', '01.015', '2.16.840.1.113883.2.4.15.111')}
${ii('urn:ihe:iti:xua:2017:subject:provider-identifier', '2.16.528.1.1007.3.1', '000095254', ' assigningAuthorityName="CIBG"')}
${ii('urn:nl:otv:names:tc:1.0:subject:provider-institution', '2.16.528.1.1007.3.3', '00000666')}
${cv('urn:nl:otv:names:tc:1.0:subject:consulting-healthcare-facility-type-code', 'Z3', '2.16.840.1.113883.2.4.15.1060')}
</Attributes>
<Attributes Category="urn:oasis:names:tc:xacml:3.0:attribute-category:environment" xml:id="environment">
${cv('urn:oasis:names:tc:xspa:1.0:subject:purposeofuse', 'TREAT', '2.16.840.1.113883.1.11.20448')}
</Attributes>
</Request></types:XACMLAuthzDecisionQuery></SOAP-ENV:Body></SOAP-ENV:Envelope>`;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function post(
  port: number,
  host: string,
  path: string,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        headers: {
          host,
          'content-type': 'application/soap+xml; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout: closed question')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * One closed question for a citizen picked by n (one in ten Mitz never saw), to one of the
 * instances; throws when the answer is not the decision that citizen's choices give.
 */
export function closedQuestion(pop: MitzPopulation, ports: number[], host: string) {
  return async (n: number): Promise<void> => {
    const k = Math.floor(Math.random() * 0x7fffffff) + n;
    const known = k % 10 !== 0;
    const i = k % pop.bsns.length;
    const bsn = known ? pop.bsns[i]! : pop.unknown[k % pop.unknown.length]!;
    const expected = known ? MIX[i % MIX.length]!.decision : 'NotApplicable';
    const res = await post(
      ports[k % ports.length]!,
      host,
      '/mitz/geslotenautorisatievraag/xacml3',
      questionXml(bsn),
    );
    const decision = /<Decision>(\w+)<\/Decision>/.exec(res.body)?.[1];
    if (res.status !== 200 || decision !== expected)
      throw new Error(
        `closed question: HTTP ${res.status}, ${decision ?? 'no decision'} where ${expected} was due`,
      );
  };
}
