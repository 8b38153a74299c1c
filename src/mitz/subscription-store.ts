// The subscriptions as Mitz keeps them (mitz_subscriptions): by citizen id, never by BSN; the
// endpoint, the payload format and the system that subscribed.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { FHIR_MEDIA, type FhirFormat } from './fhir.ts';
import type { CallingSystem } from './services.ts';
import type { KeptExtension, SubscriptionRequest } from './subscription-request.ts';

export interface StoredSubscription {
  id: string;
  clientId: string;
  abonneeNummer: string | null;
  citizenId: string;
  providerUra: string;
  providerType: string;
  endpoint: string;
  payload: FhirFormat;
  extensions: KeptExtension[];
  status: 'active' | 'off';
}

interface Row {
  id: string;
  client_id: string;
  abonnee_nummer: string | null;
  citizen_id: string;
  provider_ura: string;
  provider_type: string;
  endpoint: string;
  payload: string;
  extensions: KeptExtension[] | string;
  status: 'active' | 'off';
}

const COLUMNS = `id, client_id, abonnee_nummer, citizen_id, provider_ura, provider_type, endpoint, payload,
                 extensions, status`;

function toSubscription(r: Row): StoredSubscription {
  return {
    id: r.id,
    clientId: r.client_id,
    abonneeNummer: r.abonnee_nummer,
    citizenId: r.citizen_id,
    providerUra: r.provider_ura,
    providerType: r.provider_type,
    endpoint: r.endpoint,
    payload: r.payload === FHIR_MEDIA.json ? 'json' : 'xml',
    extensions:
      typeof r.extensions === 'string' ? (JSON.parse(r.extensions) as KeptExtension[]) : r.extensions,
    status: r.status,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Saves a subscription. The same one again (same system, citizen, provider and source system) is
 * updated in place and keeps its id, as Mitz answers a repeated subscription with the id it has.
 */
export async function saveSubscription(
  db: Queryable,
  caller: CallingSystem,
  citizenId: string,
  r: SubscriptionRequest,
): Promise<{ id: string; created: boolean }> {
  const id = randomUUID();
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO mitz_subscriptions (id, client_id, abonnee_nummer, citizen_id, provider_ura, provider_type,
                                     source_system, endpoint, payload, extensions)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (client_id, citizen_id, provider_ura, provider_type, (coalesce(source_system, '')))
       WHERE status = 'active'
     DO UPDATE SET endpoint = EXCLUDED.endpoint, payload = EXCLUDED.payload, extensions = EXCLUDED.extensions,
                   updated_at = now()
     RETURNING id`,
    [
      id,
      caller.clientId,
      caller.abonneeNummer,
      citizenId,
      r.providerUra,
      r.providerType,
      r.sourceSystem,
      r.endpoint,
      FHIR_MEDIA[r.payload],
      JSON.stringify(r.extensions),
    ],
  );
  return { id: row!.id, created: row!.id === id };
}

/** A subscription by id; null for an id that is not one (also for a malformed id). */
export async function findSubscription(db: Queryable, id: string): Promise<StoredSubscription | null> {
  if (!UUID.test(id)) return null;
  const [row] = await db.query<Row>(`SELECT ${COLUMNS} FROM mitz_subscriptions WHERE id = $1`, [id]);
  return row ? toSubscription(row) : null;
}

/** Ends a subscription: no further notifications, and those still waiting are not sent. */
export async function endSubscription(db: Queryable, id: string): Promise<void> {
  await db.query(
    `UPDATE mitz_subscriptions SET status = 'off', ended_at = now(), updated_at = now()
      WHERE id = $1 AND status = 'active'`,
    [id],
  );
  await db.query(
    `UPDATE mitz_deliveries SET status = 'failed', last_error = 'subscription ended'
      WHERE subscription_id = $1 AND status = 'pending'`,
    [id],
  );
}
