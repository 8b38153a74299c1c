// Clients of the REST API: an abonnee's system or the operator, each with its public keys.
import { randomBytes } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import type { Queryable } from '../db/database.ts';
import { DeziError } from '../errors.ts';

export type ApiClientKind = 'abonnee' | 'operator';

export interface ApiClient {
  clientId: string;
  kind: ApiClientKind;
  /** The abonnee the client acts for; null for the operator. */
  abonneeId: string | null;
  name: string;
  jwks: JSONWebKeySet;
  status: 'active' | 'revoked';
}

export class ApiClientError extends DeziError {
  override name = 'ApiClientError';
  constructor(message: string) {
    super(message, { status: 400 });
  }
}

interface Row {
  client_id: string;
  kind: ApiClientKind;
  abonnee_id: string | null;
  name: string;
  jwks: JSONWebKeySet | string;
  status: 'active' | 'revoked';
}

const toClient = (r: Row): ApiClient => ({
  clientId: r.client_id,
  kind: r.kind,
  abonneeId: r.abonnee_id,
  name: r.name,
  jwks: typeof r.jwks === 'string' ? JSON.parse(r.jwks) : r.jwks,
  status: r.status,
});

/** Public signing keys only: a private or symmetric key in a registration is a mistake we refuse. */
export function checkPublicJwks(jwks: unknown): JSONWebKeySet {
  const keys = (jwks as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 10)
    throw new ApiClientError('jwks must hold 1 to 10 public keys');
  for (const k of keys as Record<string, unknown>[]) {
    if (typeof k !== 'object' || k === null) throw new ApiClientError('jwks keys must be objects');
    if (!['RSA', 'EC', 'OKP'].includes(String(k.kty)))
      throw new ApiClientError('jwks keys must be RSA, EC or OKP');
    if (k.d !== undefined || k.p !== undefined || k.k !== undefined)
      throw new ApiClientError('jwks must hold public keys only');
    if (k.use !== undefined && k.use !== 'sig') throw new ApiClientError('jwks keys must be for signing');
  }
  return { keys } as JSONWebKeySet;
}

export class ApiClientStore {
  readonly #db: Queryable;
  constructor(db: Queryable) {
    this.#db = db;
  }

  async add(c: {
    kind: ApiClientKind;
    abonneeId: string | null;
    name: string;
    jwks: unknown;
  }): Promise<ApiClient> {
    if ((c.kind === 'abonnee') !== (c.abonneeId !== null))
      throw new ApiClientError('an abonnee client needs an abonnee; the operator client has none');
    const name = c.name.trim();
    if (name.length === 0 || name.length > 200) throw new ApiClientError('name must be 1 to 200 characters');
    const jwks = checkPublicJwks(c.jwks);
    const clientId = `api-${randomBytes(12).toString('base64url')}`;
    const [row] = await this.#db.query<Row>(
      `INSERT INTO api_clients (client_id, kind, abonnee_id, name, jwks) VALUES ($1, $2, $3, $4, $5)
       RETURNING client_id, kind, abonnee_id, name, jwks, status`,
      [clientId, c.kind, c.abonneeId, name, JSON.stringify(jwks)],
    );
    return toClient(row!);
  }

  async find(clientId: string): Promise<ApiClient | null> {
    const [row] = await this.#db.query<Row>(
      'SELECT client_id, kind, abonnee_id, name, jwks, status FROM api_clients WHERE client_id = $1',
      [clientId],
    );
    return row ? toClient(row) : null;
  }

  async revoke(clientId: string): Promise<boolean> {
    const rows = await this.#db.query(
      "UPDATE api_clients SET status = 'revoked' WHERE client_id = $1 AND status = 'active' RETURNING 1",
      [clientId],
    );
    return rows.length === 1;
  }
}
