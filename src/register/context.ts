// What every entity module of the register works with, handed in by the Register facade, and the
// input rules they share. Not exported from the register: other folders use the facade.
import type { Database, Queryable } from '../db/database.ts';
import { recordAudit, type Actor } from '../audit/audit.ts';
import type { BigRegister } from './big.ts';
import type { BsnVault } from './bsn-vault.ts';
import { RegisterError } from './errors.ts';
import type { Name, OnInvalidated } from './types.ts';

export interface RegisterContext {
  readonly db: Database;
  readonly vault: BsnVault;
  readonly big: BigRegister;
  /** Revokes the verklaringen a change makes untrue, in the change's transaction. */
  readonly invalidated: OnInvalidated;
}

/** A register write's audit record, in the write's transaction. */
export async function audit(
  tx: Queryable,
  actor: Actor,
  action: string,
  target: string,
  detail: Record<string, string | number | boolean | null> = {},
  outcome: 'success' | 'failure' = 'success',
): Promise<void> {
  await recordAudit(tx, { actor, action, outcome, target, detail });
}

export const MAX_NAME = 200;

export function validName(n: Name): Name {
  const voorletters = n.voorletters?.trim() ?? '';
  const achternaam = n.achternaam?.trim() ?? '';
  const voorvoegsel = n.voorvoegsel?.trim() || null;
  if (voorletters === '' || achternaam === '')
    throw new RegisterError('voorletters and achternaam are required');
  for (const part of [voorletters, achternaam, voorvoegsel ?? ''])
    if (part.length > MAX_NAME || /\p{Cc}/u.test(part))
      throw new RegisterError(
        `a name part is longer than ${MAX_NAME} characters or holds control characters`,
      );
  return { voorletters, voorvoegsel, achternaam };
}

export function validDate(value: string, what: string): string {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new RegisterError(`${what} must be a date YYYY-MM-DD`);
  if (new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value)
    throw new RegisterError(`${what} is not a calendar date`);
  return value;
}

export function validAgb(agb: string | null | undefined): string | null {
  if (agb === undefined || agb === null || agb === '') return null;
  if (!/^[0-9]{8}$/.test(agb)) throw new RegisterError('an AGB code has 8 digits');
  return agb;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export { isUniqueViolation } from '../db/database.ts';
