// What Mitz's parts share: its stores and the two checks on a caller. Built once by module.ts.
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import type { MeansRegistry } from '../means/registry.ts';
import type { Secrets } from '../secrets.ts';
import type { Web } from '../web/web.ts';
import type { Choices } from './choices.ts';
import type { Citizens } from './citizens.ts';
import type { MitzConfig } from './config.ts';
import type { VerklaringCheck } from './professional.ts';

/** A care provider's system, authenticated by its client assertion (a registered API client). */
export interface CallingSystem {
  clientId: string;
  /** The abonnee (URA) the system acts for. */
  abonneeNummer: string;
}

/**
 * Authenticates a system's request (Authorization: Bearer <client assertion>, aud = Mitz's base
 * URL). Throws MitzAuthError (401/403) otherwise. Implemented by the composition root with the REST
 * API's authenticator, so that Mitz needs none of the API's tables.
 */
export interface SystemAuthenticator {
  authenticate(req: FastifyRequest): Promise<CallingSystem>;
}

/** What a checked Dezi-verklaring says about the professional. */
export interface Professional {
  deziNummer: string;
  naam: string;
  rolCode: string;
  rolNaam: string;
  abonneeNummer: string;
  abonneeNaam: string;
  verklaringId: string;
}

export interface MitzServices {
  issuer: string;
  /** Mitz's base URL: `${issuer}/mitz`; the `aud` of a system's client assertion. */
  base: string;
  db: Database;
  secrets: Secrets;
  web: Web;
  log: FastifyBaseLogger;
  means: MeansRegistry;
  citizens: Citizens;
  choices: Choices;
  systems: SystemAuthenticator;
  /** Checks a professional's Dezi-verklaring (signature through its jku, status actief). */
  professionals: VerklaringCheck;
  config: MitzConfig;
}
