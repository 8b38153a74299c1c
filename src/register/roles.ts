// Role codes are data, not code: loaded from the project's copy of the published table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Role {
  code: string;
  naam: string;
}

export type RoleSource = 'big' | 'abonnee';

export const ROLE_SOURCE_URI: Record<RoleSource, string> = {
  big: 'http://www.dezi.nl/rol_bron/big',
  abonnee: 'http://www.dezi.nl/rol_bron/abonnee',
};

const ROLE_FILE = join(import.meta.dirname, '..', '..', 'data', 'rolcodes.csv');

let table: Map<string, Role> | undefined;

export function parseRoleTable(csv: string): Map<string, Role> {
  const roles = new Map<string, Role>();
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== 'rol_code,rol_naam')
    throw new Error('rolcodes.csv: header must be rol_code,rol_naam');
  for (const [i, line] of lines.slice(1).entries()) {
    const comma = line.indexOf(',');
    const code = line.slice(0, comma).trim();
    const naam = line.slice(comma + 1).trim();
    if (comma < 0 || !/^[0-9]{2}\.[0-9]{3}$/.test(code) || naam === '') {
      throw new Error(`rolcodes.csv line ${i + 2}: expected NN.NNN,name`);
    }
    roles.set(code, { code, naam });
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
