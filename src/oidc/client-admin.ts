// The operator's work on zorgapplicaties (OpenID clients) after registration: list and read them,
// change their name, redirect URIs and means policy, disable and enable them. Registration and every
// change go through the one path of `dezi client add` (addClient / storeClient in clients.ts), so a
// change is held to the same rules as a registration. Each change is audited with the operator as actor.
import type Provider from 'oidc-provider';
import type { ClientMetadata } from 'oidc-provider';
import { recordAudit, describeActor, type Actor } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import {
  ALLOWED_MEANS,
  EXCLUDED_MEANS,
  policyOf,
  type ClientMeansPolicy,
  type MeansWindow,
} from '../means/policy.ts';
import { addClient, encryptionKeyOf, storeClient, type NewClient } from './clients.ts';

export interface RegisteredClient {
  clientId: string;
  name: string;
  organization: string | null;
  redirectUris: string[];
  /** token_endpoint_auth_method "none": a public client with PKCE. */
  isPublic: boolean;
  /** Whether userinfo is encrypted to a registered key (else the signed envelope). */
  encrypted: boolean;
  policy: ClientMeansPolicy;
  /** When an operator disabled it, and who; null while it is enabled. */
  disabled: { at: Date; by: string } | null;
  metadata: ClientMetadata;
}

interface Row {
  id: string;
  payload: ClientMetadata | string;
  disabled_at: Date | null;
  disabled_by: string | null;
}

function toClient(r: Row): RegisteredClient {
  const m = (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as ClientMetadata;
  return {
    clientId: r.id,
    name: typeof m.client_name === 'string' ? m.client_name : r.id,
    organization: typeof m.organization_name === 'string' ? m.organization_name : null,
    redirectUris: Array.isArray(m.redirect_uris) ? m.redirect_uris : [],
    isPublic: m.token_endpoint_auth_method === 'none',
    encrypted: encryptionKeyOf(m.jwks) !== undefined,
    policy: policyOf(m as Record<string, unknown>),
    disabled: r.disabled_at ? { at: new Date(r.disabled_at), by: r.disabled_by ?? '' } : null,
    metadata: m,
  };
}

const SELECT = `SELECT p.id, p.payload, d.disabled_at, d.disabled_by
  FROM oidc_payloads p LEFT JOIN oidc_disabled_clients d ON d.client_id = p.id
  WHERE p.model = 'Client'`;

/** Every registered client, disabled ones too, by name; `except` leaves Dezi's own clients out. */
export async function listClients(db: Database, except: string[] = []): Promise<RegisteredClient[]> {
  const rows = await db.query<Row>(
    `${SELECT} AND NOT (p.id = ANY($1::text[])) ORDER BY lower(p.payload->>'client_name'), p.id`,
    [except],
  );
  return rows.map(toClient);
}

export async function getClient(db: Database, clientId: string): Promise<RegisteredClient | null> {
  const [row] = await db.query<Row>(`${SELECT} AND p.id = $1`, [clientId]);
  return row ? toClient(row) : null;
}

function audit(db: Database, actor: Actor, action: string, clientId: string, detail = {}) {
  return recordAudit(db, {
    actor,
    action,
    outcome: 'success',
    clientId,
    target: `client:${clientId}`,
    detail,
  });
}

/** Registers a zorgapplicatie as `dezi client add` does, audited as the operator's act. */
export async function registerClient(
  provider: Provider,
  db: Database,
  c: NewClient,
  actor: Actor,
): Promise<ClientMetadata> {
  const stored = await addClient(provider, c);
  await audit(db, actor, 'client.register', stored.client_id, {
    name: c.clientName,
    public: c.public === true,
    encrypted: encryptionKeyOf(stored.jwks) !== undefined,
    redirect_uris: c.redirectUris.length,
  });
  return stored;
}

export interface ClientChanges {
  clientName?: string;
  redirectUris?: string[];
  /** The whole policy: an empty list removes that list. */
  policy?: { allowed: MeansWindow[]; excluded: MeansWindow[] };
}

/**
 * Changes a registered client through the registration's rules (storeClient). Returns the stored
 * metadata, or null when there is no such client. Throws oidc-provider's InvalidClientMetadata when
 * the change breaks a rule; then nothing is stored.
 */
export async function updateClient(
  provider: Provider,
  db: Database,
  clientId: string,
  changes: ClientChanges,
  actor: Actor,
): Promise<ClientMetadata | null> {
  const current = await getClient(db, clientId);
  if (!current) return null;
  const next: Record<string, unknown> = { ...current.metadata };
  const fields: string[] = [];
  if (changes.clientName !== undefined && changes.clientName !== current.name) {
    next.client_name = changes.clientName;
    fields.push('client_name');
  }
  if (
    changes.redirectUris !== undefined &&
    JSON.stringify(changes.redirectUris) !== JSON.stringify(current.redirectUris)
  ) {
    next.redirect_uris = changes.redirectUris;
    fields.push('redirect_uris');
  }
  if (changes.policy) {
    for (const [key, list] of [
      [ALLOWED_MEANS, changes.policy.allowed],
      [EXCLUDED_MEANS, changes.policy.excluded],
    ] as const) {
      if (list.length) next[key] = list;
      else delete next[key];
    }
    fields.push('means_policy');
  }
  if (fields.length === 0) return current.metadata;
  const stored = await storeClient(provider, next as ClientMetadata);
  await audit(db, actor, 'client.update', clientId, {
    fields: fields.join(','),
    ...(changes.policy ? { policy: JSON.stringify(policyOf(stored as Record<string, unknown>)) } : {}),
  });
  return stored;
}

/**
 * Disables a client (the provider no longer finds it) or enables it again. Returns false when there
 * is no such client. This instance forgets it at once; other instances within the client cache's
 * few seconds (adapter.ts, CLIENT_CACHE_MS).
 */
export async function setClientDisabled(
  provider: Provider,
  db: Database,
  clientId: string,
  disabled: boolean,
  actor: Actor,
): Promise<boolean> {
  const done = await db.transaction(async (tx) => {
    const [exists] = await tx.query("SELECT 1 FROM oidc_payloads WHERE model = 'Client' AND id = $1", [
      clientId,
    ]);
    if (!exists) return false;
    if (disabled)
      await tx.query(
        `INSERT INTO oidc_disabled_clients (client_id, disabled_by) VALUES ($1, $2)
         ON CONFLICT (client_id) DO NOTHING`,
        [clientId, describeActor(actor)],
      );
    else await tx.query('DELETE FROM oidc_disabled_clients WHERE client_id = $1', [clientId]);
    await recordAudit(tx, {
      actor,
      action: disabled ? 'client.disable' : 'client.enable',
      outcome: 'success',
      clientId,
      target: `client:${clientId}`,
    });
    return true;
  });
  (provider.Client as unknown as { adapter: { forgetClient?(id: string): void } }).adapter.forgetClient?.(
    clientId,
  );
  return done;
}
