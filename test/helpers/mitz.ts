// What Mitz's tests share: a care provider's system (an abonnee's API client, signing assertions
// for Mitz's audience), a professional's Dezi-verklaring from a real login, and the proeftuin's
// abonnees with the facility type each is in Mitz's table.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClientStore } from '../../src/api/clients.ts';
import type { Database } from '../../src/db/database.ts';
import type { Register } from '../../src/register/register.ts';
import { apiKeys, assertion, type ApiTestClient } from './api.ts';
import { login } from './login.ts';
import { fetchUserinfo, redeem, type TestRp } from './rp.ts';

/** An abonnee's system, as `dezi api-client add --abonnee <nummer>` makes it. */
export async function mitzSystem(
  db: Database,
  register: Register,
  abonneeNummer: string,
): Promise<ApiTestClient> {
  const abonnee = await register.findAbonnee(abonneeNummer);
  if (!abonnee) throw new Error(`no abonnee ${abonneeNummer}`);
  const { privateKey, jwks } = await apiKeys();
  const client = await new ApiClientStore(db).add({
    kind: 'abonnee',
    abonneeId: abonnee.id,
    name: `system of ${abonnee.naam}`,
    jwks,
  });
  return { clientId: client.clientId, privateKey };
}

/** A fresh client assertion of this system for Mitz (aud: `<issuer>/mitz`). */
export function mitzAssertion(issuer: string, c: ApiTestClient, o: Parameters<typeof assertion>[2] = {}) {
  return assertion(issuer, c, { aud: `${issuer}/mitz`, ...o });
}

/**
 * A professional's verklaring, as their zorgapplicatie receives it: a DigiD login of this seed
 * person and userinfo. Use a person with one employment (or the first is chosen).
 */
export async function verklaringOf(rp: TestRp, bsn: string): Promise<string> {
  const outcome = await login(rp, bsn);
  if (outcome.final.status !== 303 || !outcome.final.location)
    throw new Error(`the login stopped at ${outcome.final.url} (${outcome.final.status})`);
  const tokens = await redeem(rp, outcome.final.location, outcome.request);
  return (await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub)).verklaringJws;
}

/** A dossierhouder's endpoint: keeps what it is sent. */
export class Subscriber {
  readonly received: string[] = [];
  #server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      this.received.push(body);
      res.writeHead(200).end();
    });
  });
  async start() {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
  }
  get url() {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/otv/notify`;
  }
  stop() {
    return new Promise<void>((r) => this.#server.close(() => r()));
  }
}

/** Subscribes this system (its abonnee is the dossierhouder, a GP practice) to a citizen's choices. */
export async function subscribe(
  issuer: string,
  system: ApiTestClient,
  o: { bsn: string; ura: string; endpoint: string },
) {
  return fetch(`${issuer}/mitz/abonnementen/fhir/Subscription`, {
    method: 'POST',
    headers: {
      'content-type': 'application/fhir+json',
      authorization: `Bearer ${await mitzAssertion(issuer, system)}`,
    },
    body: JSON.stringify({
      resourceType: 'Subscription',
      status: 'requested',
      reason: 'OTV',
      criteria: `Consent?_query=otv&patientid=${o.bsn}&providerid=${o.ura}&providertype=Z3`,
      channel: { type: 'rest-hook', endpoint: o.endpoint, payload: 'application/fhir+xml' },
    }),
  });
}
