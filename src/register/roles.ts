// Role codes are data, not code: loaded from the project's copy of the published table, with one
// added column: whether the role is a BIG profession (then only the BIG-register can state it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Role {
  code: string;
  naam: string;
  /** A BIG profession: the role needs a BIG registration for its beroep (the code's first two digits). */
  big: boolean;
}

/**
 * Who vouches for a role: the BIG-register, the abonnee, or the care worker whose declaration the
 * abonnee confirmed (zelfverklaring: set only by confirming a role declaration, role-declarations.ts).
 */
export type RoleSource = 'big' | 'abonnee' | 'zelfverklaring';

export const ROLE_SOURCE_URI: Record<RoleSource, string> = {
  big: 'http://www.dezi.nl/rol_bron/big',
  abonnee: 'http://www.dezi.nl/rol_bron/abonnee',
  zelfverklaring: 'http://www.dezi.nl/rol_bron/zelfverklaring',
};

const ROLE_FILE = join(import.meta.dirname, '..', '..', 'data', 'rolcodes.csv');

let table: Map<string, Role> | undefined;

export function parseRoleTable(csv: string): Map<string, Role> {
  const roles = new Map<string, Role>();
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== 'rol_code,rol_naam,big_beroep')
    throw new Error('rolcodes.csv: header must be rol_code,rol_naam,big_beroep');
  for (const [i, line] of lines.slice(1).entries()) {
    const [code = '', naam = '', big = ''] = line.split(',').map((f) => f.trim());
    if (!/^[0-9]{2}\.[0-9]{3}$/.test(code) || naam === '' || !['ja', 'nee'].includes(big)) {
      throw new Error(`rolcodes.csv line ${i + 2}: expected NN.NNN,name,ja|nee`);
    }
    roles.set(code, { code, naam, big: big === 'ja' });
  }
  return roles;
}

export function roleTable(): Map<string, Role> {
  table ??= parseRoleTable(readFileSync(ROLE_FILE, 'utf8'));
  return table;
}

export function roleByCode(code: string): Role | undefined {
  return roleTable().get(code);
}

/** A role as people read it: its name and its code, "Huisarts (01.015)"; an unknown code as is. */
export function roleLabel(code: string): string {
  const role = roleByCode(code);
  return role ? `${role.naam} (${role.code})` : code;
}

/** The BIG beroep a role code belongs to (01 arts, 30 verpleegkundige, …). */
export function beroepOf(rolCode: string): string {
  return rolCode.slice(0, 2);
}
