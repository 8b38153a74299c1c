// A client of Dezi's REST API as an abonnee system or the operator: its keys, signed assertions,
// and calls that return status, headers and parsed body.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { ApiClientStore } from '../../src/api/clients.ts';
import type { Database } from '../../src/db/database.ts';

export interface ApiTestClient {
  clientId: string;
  privateKey: CryptoKey;
}

export async function apiKeys(): Promise<{ privateKey: CryptoKey; jwks: { keys: unknown[] } }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return {
    privateKey,
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig', alg: 'ES256' }] },
  };
}

/** The operator's API client, made as `dezi api-client add --operator` does. */
export async function operatorClient(db: Database): Promise<ApiTestClient> {
  const { privateKey, jwks } = await apiKeys();
  const client = await new ApiClientStore(db).add({
    kind: 'operator',
    abonneeId: null,
    name: 'operator',
    jwks,
  });
  return { clientId: client.clientId, privateKey };
}

export async function assertion(
  issuer: string,
  c: ApiTestClient,
  o: { claims?: Record<string, unknown>; expiresIn?: number; aud?: string; alg?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: randomUUID(), ...o.claims })
    .setProtectedHeader({ alg: o.alg ?? 'ES256', kid: 'k1' })
    .setIssuer(c.clientId)
    .setSubject(c.clientId)
    .setAudience(o.aud ?? `${issuer}/api/v1`)
    .setIssuedAt(now)
    .setExpirationTime(now + (o.expiresIn ?? 60))
    .sign(c.privateKey);
}

export interface ApiAnswer {
  status: number;
  type: string;
  headers: Headers;
  body: Record<string, unknown> & { items?: Record<string, unknown>[] };
}

export async function api(
  issuer: string,
  method: string,
  path: string,
  o: { token?: string; body?: unknown; contentType?: string; rawBody?: string } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | undefined;
  if (o.body !== undefined || o.rawBody !== undefined) {
    headers['content-type'] = o.contentType ?? 'application/json';
    body = o.rawBody ?? JSON.stringify(o.body);
  }
  const res = await fetch(`${issuer}/api/v1${path}`, { method, headers, body });
  const text = await res.text();
  return {
    status: res.status,
    type: (res.headers.get('content-type') ?? '').split(';')[0]!,
    headers: res.headers,
    body: text ? JSON.parse(text) : {},
  };
}

/** Calls as this client with a fresh assertion. */
export function as(issuer: string, c: ApiTestClient) {
  return async (method: string, path: string, body?: unknown) =>
    api(issuer, method, path, { token: await assertion(issuer, c), body });
}
