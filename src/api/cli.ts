// `dezi api-client add`: registers a client of the REST API with its public keys: an abonnee's
// system (--abonnee NNNNNNNN) or the operator (--operator). Prints the client_id.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Database } from '../db/database.ts';
import type { Register } from '../register/register.ts';
import { ApiClientStore } from './clients.ts';
import { DeziError } from '../errors.ts';

export class ApiCliUsageError extends DeziError {
  override name = 'ApiCliUsageError';
}

export interface ApiClientArgs {
  name: string;
  jwks: unknown;
  abonnee: string | null;
}

/** Checks the arguments before anything opens the database. */
export function parseApiClientArgs(args: string[]): ApiClientArgs {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      jwks: { type: 'string' },
      abonnee: { type: 'string' },
      operator: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.name || !values.jwks || values.operator === (values.abonnee !== undefined))
    throw new ApiCliUsageError(
      'api-client add needs --name, --jwks and either --abonnee NNNNNNNN or --operator',
    );
  let jwks: unknown;
  try {
    jwks = JSON.parse(readFileSync(values.jwks, 'utf8'));
  } catch (err) {
    throw new ApiCliUsageError(`cannot read JWKS from ${values.jwks}: ${(err as Error).message}`);
  }
  return { name: values.name, jwks, abonnee: values.abonnee ?? null };
}

export async function apiClientAdd(a: ApiClientArgs, db: Database, register: Register): Promise<string> {
  let abonneeId: string | null = null;
  if (a.abonnee !== null) {
    const abonnee = await register.findAbonnee(a.abonnee);
    if (!abonnee) throw new ApiCliUsageError(`no abonnee ${a.abonnee}`);
    abonneeId = abonnee.id;
  }
  const client = await new ApiClientStore(db).add({
    kind: a.abonnee === null ? 'operator' : 'abonnee',
    abonneeId,
    name: a.name,
    jwks: a.jwks,
  });
  return client.clientId;
}
