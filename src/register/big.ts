// The BIG-register check: a role from a BIG profession is only recorded when the person holds it in
// the BIG-register: the beroep for a role NN.000, that exact specialism for any other BIG role code.
// One interface; the proeftuin reads a file, production needs an adapter to the BIG-register's own
// service (not yet built).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beroepOf } from './roles.ts';
import { DeziError } from '../errors.ts';

export interface BigRegistrationQuery {
  deziNummer: string;
  achternaam: string;
}

/** One BIG registration: a beroep (two digits, e.g. "01") and the specialisms registered under it. */
export interface BigRegistration {
  beroep: string;
  /** Role codes of the specialisms the person holds in this beroep (e.g. "01.015"); never NN.000. */
  specialismen: readonly string[];
}

export interface BigRegister {
  /** The person's current BIG registrations; none: an empty list. */
  registrationsOf(person: BigRegistrationQuery): Promise<readonly BigRegistration[]>;
}

export class BigRegisterError extends DeziError {
  override name = 'BigRegisterError';
}

/**
 * The BIG rule, the one place it is decided: a role NN.000 needs a registration for the beroep NN;
 * any other BIG role code (a specialism, e.g. 01.010 Cardioloog) needs exactly that specialism.
 */
export function holdsBigRole(registrations: readonly BigRegistration[], rolCode: string): boolean {
  const beroep = beroepOf(rolCode);
  const registration = registrations.find((r) => r.beroep === beroep);
  if (!registration) return false;
  return rolCode === `${beroep}.000` || registration.specialismen.includes(rolCode);
}

export const PROEFTUIN_BIG_FILE = join(import.meta.dirname, '..', '..', 'data', 'proeftuin-big-register.csv');

const HEADER_V1 = 'dezi_nummer,big_nummer,beroep';
const HEADER = `${HEADER_V1},specialismen`;

/**
 * A BIG-register export as a CSV, read once: `dezi_nummer,big_nummer,beroep[,specialismen]`.
 * `specialismen` (optional column) lists role codes of the beroep separated by `;`, or is empty.
 * A file with the three-column header is still accepted: its persons hold beroepen, no specialisms.
 */
export class FileBigRegister implements BigRegister {
  readonly #registrations = new Map<string, Map<string, Set<string>>>(); // Dezi-nummer → beroep → specialisms

  constructor(csv: string, name = 'BIG-register file') {
    const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
    const header = lines[0]?.trim();
    if (header !== HEADER && header !== HEADER_V1)
      throw new BigRegisterError(`${name}: header must be ${HEADER} (or ${HEADER_V1})`);
    const columns = header.split(',').length;
    for (const [i, raw] of lines.entries()) {
      if (i === 0 || raw.trim() === '') continue;
      const refuse = (why: string) => new BigRegisterError(`${name} line ${i + 1}: ${why}`);
      const fields = raw.split(',').map((f) => f.trim());
      if (fields.length !== columns)
        throw refuse(`expected ${columns} fields (${header}), found ${fields.length}`);
      const [deziNummer = '', bigNummer = '', beroep = '', specialismen = ''] = fields;
      if (!/^[0-9]{9}$/.test(deziNummer)) throw refuse('dezi_nummer must be 9 digits');
      if (!/^[0-9]{11}$/.test(bigNummer)) throw refuse('big_nummer must be 11 digits');
      if (!/^[0-9]{2}$/.test(beroep)) throw refuse('beroep must be 2 digits');
      const codes = specialismen === '' ? [] : specialismen.split(';').map((s) => s.trim());
      for (const code of codes) {
        if (!/^[0-9]{2}\.[0-9]{3}$/.test(code))
          throw refuse(`specialisme "${code}" is not a role code NN.NNN (separate several with ;)`);
        if (beroepOf(code) !== beroep)
          throw refuse(`specialisme ${code} does not belong to beroep ${beroep}`);
        if (code === `${beroep}.000`) throw refuse(`${code} is the beroep itself, not a specialisme`);
      }
      const byBeroep = this.#registrations.get(deziNummer) ?? new Map<string, Set<string>>();
      this.#registrations.set(deziNummer, byBeroep);
      const held = byBeroep.get(beroep) ?? new Set<string>();
      byBeroep.set(beroep, held);
      for (const code of codes) held.add(code);
    }
  }

  static fromFile(path: string = PROEFTUIN_BIG_FILE): FileBigRegister {
    return new FileBigRegister(readFileSync(path, 'utf8'), `BIG-register file ${path}`);
  }

  async registrationsOf(person: BigRegistrationQuery): Promise<readonly BigRegistration[]> {
    const byBeroep = this.#registrations.get(person.deziNummer);
    if (!byBeroep) return [];
    return [...byBeroep].map(([beroep, specialismen]) => ({ beroep, specialismen: [...specialismen] }));
  }
}

/** Production without a BIG-register: every BIG role is refused rather than checked against test data. */
export class NoBigRegister implements BigRegister {
  async registrationsOf(): Promise<readonly BigRegistration[]> {
    throw new BigRegisterError('no BIG-register is configured (DEZI_BIG_REGISTER_FILE)');
  }
}

/** The proeftuin reads its test file; production reads DEZI_BIG_REGISTER_FILE, or refuses BIG roles. */
export function bigRegisterFor(config: {
  mode: 'proeftuin' | 'production';
  bigRegisterFile?: string;
}): BigRegister {
  if (config.bigRegisterFile) return FileBigRegister.fromFile(config.bigRegisterFile);
  return config.mode === 'proeftuin' ? FileBigRegister.fromFile() : new NoBigRegister();
}
