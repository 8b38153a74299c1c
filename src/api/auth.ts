// Who is calling the REST API. Two credentials are accepted, both as a Bearer token:
//  - a client assertion (private_key_jwt style): a JWT signed by a key registered for the API
//    client, iss = sub = client_id, aud = the API, exp within 5 minutes, jti used once;
//  - a Dezi access token of a person who administers the abonnee of the employment chosen at
//    login, issued with the scope dezi:register-api (only to clients registered for it): that
//    person acts for that abonnee. A zorgapplicatie's plain openid token opens nothing here.
import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import type { FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Database } from '../db/database.ts';
import { CLIENT_ASSERTION_ALGS, REGISTER_API_SCOPE } from '../oidc/clients.ts';
import type { Register } from '../register/register.ts';
import type { ApiClientStore } from './clients.ts';
import { ApiProblem } from './problem.ts';

export const MAX_ASSERTION_SECONDS = 300;

export type ApiCaller =
  | { kind: 'operator'; clientId: string }
  | {
      kind: 'abonnee';
      abonneeId: string;
      abonneeNummer: string;
      /** The API client, or the zorgapplicatie whose access token was used. */
      clientId: string;
      /** Set when a person's access token was used. */
      deziNummer?: string;
    };

const unauthorized = (detail: string) => new ApiProblem(401, 'unauthorized', detail);

export interface ApiAuthDeps {
  db: Database;
  register: Register;
  clients: ApiClientStore;
  provider: Provider;
  /** The `aud` an assertion must name: the API's base URL. */
  audience: string;
}

export class ApiAuthenticator {
  readonly #d: ApiAuthDeps;
  constructor(d: ApiAuthDeps) {
    this.#d = d;
  }

  async authenticate(req: FastifyRequest): Promise<ApiCaller> {
    const header = req.headers.authorization;
    if (typeof header !== 'string' || !/^Bearer [A-Za-z0-9._~+/=-]+$/.test(header))
      throw unauthorized('send Authorization: Bearer with a client assertion or a Dezi access token');
    const token = header.slice('Bearer '.length);
    if (token.length > 8192) throw unauthorized('the bearer token is too long');
    return token.split('.').length === 3 ? this.#assertion(token) : this.#accessToken(token);
  }

  async #assertion(jwt: string): Promise<ApiCaller> {
    let clientId: unknown;
    try {
      clientId = decodeJwt(jwt).iss;
    } catch {
      throw unauthorized('the client assertion is not a JWT');
    }
    if (typeof clientId !== 'string' || clientId.length > 100) throw unauthorized('the assertion has no iss');
    const client = await this.#d.clients.find(clientId);
    if (!client || client.status !== 'active') throw unauthorized('unknown or revoked API client');
    let payload;
    try {
      ({ payload } = await jwtVerify(jwt, createLocalJWKSet(client.jwks), {
        issuer: clientId,
        subject: clientId,
        audience: this.#d.audience,
        algorithms: [...CLIENT_ASSERTION_ALGS],
        requiredClaims: ['exp', 'iat', 'jti'],
        clockTolerance: 5,
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTClaimValidationFailed || err instanceof joseErrors.JWTExpired)
        throw unauthorized(`client assertion rejected: ${err.code} (${err.claim}: ${err.reason})`);
      if (err instanceof joseErrors.JOSEError) throw unauthorized(`client assertion rejected: ${err.code}`);
      throw err;
    }
    const now = Math.floor(Date.now() / 1000);
    if (payload.exp! - now > MAX_ASSERTION_SECONDS)
      throw unauthorized(`the client assertion must expire within ${MAX_ASSERTION_SECONDS} seconds`);
    if (typeof payload.jti !== 'string' || payload.jti.length < 16 || payload.jti.length > 200)
      throw unauthorized('jti must be a string of 16 to 200 characters');
    // The OpenID side's replay store (oidc-provider's ReplayDetection rows), with an atomic insert:
    // of two requests racing with one jti, exactly one wins.
    const id = `api-assertion:${createHash('sha256').update(`${clientId}\n${payload.jti}`).digest('base64url')}`;
    const stored = await this.#d.db.query(
      `INSERT INTO oidc_payloads (model, id, payload, expires_at)
       VALUES ('ReplayDetection', $1, '{}'::jsonb, to_timestamp($2)) ON CONFLICT (model, id) DO NOTHING RETURNING 1`,
      [id, payload.exp! + 60],
    );
    if (stored.length === 0) throw unauthorized('this client assertion was used before (jti replay)');

    if (client.kind === 'operator') return { kind: 'operator', clientId };
    const abonnee = await this.#d.register.getAbonnee(client.abonneeId!);
    if (!abonnee || abonnee.status !== 'active')
      throw new ApiProblem(403, 'forbidden', 'the abonnee of this client is not active');
    return { kind: 'abonnee', clientId, abonneeId: abonnee.id, abonneeNummer: abonnee.abonneeNummer };
  }

  async #accessToken(value: string): Promise<ApiCaller> {
    const token = await this.#d.provider.AccessToken.find(value);
    if (!token || token.isExpired || !token.grantId) throw unauthorized('unknown or expired access token');
    if (!token.scopes.has(REGISTER_API_SCOPE))
      throw new ApiProblem(
        403,
        'forbidden',
        `this access token was not issued for the register API: ask for the scope ${REGISTER_API_SCOPE} with a client registered for it`,
      );
    // The employment the person chose at login, still active, at an abonnee they administer.
    const [login] = await this.#d.db.query<{ person_id: string; employment_id: string }>(
      'SELECT person_id, employment_id FROM broker_logins WHERE grant_id = $1 AND expires_at > now()',
      [token.grantId],
    );
    const row = login
      ? await this.#d.register.administeredThrough(login.person_id, login.employment_id)
      : null;
    if (!row)
      throw new ApiProblem(
        403,
        'forbidden',
        'the person of this login does not administer the abonnee they logged in for',
      );
    return {
      kind: 'abonnee',
      clientId: token.clientId ?? 'unknown',
      abonneeId: row.abonnee.id,
      abonneeNummer: row.abonnee.abonneeNummer,
      deziNummer: row.deziNummer,
    };
  }
}
