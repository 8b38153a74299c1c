// The BIG-register check: a role from a BIG profession is only recorded when the person holds a BIG
// registration for that beroep. One interface; the proeftuin reads a file, production needs an
// adapter to the BIG-register's own service (not yet built).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BigRegistrationQuery {
  deziNummer: string;
  achternaam: string;
}

export interface BigRegister {
  /** Whether the person holds a current BIG registration for this beroep (two digits, e.g. "01"). */
  isRegistered(person: BigRegistrationQuery, beroep: string): Promise<boolean>;
}

export class BigRegisterError extends Error {
  override name = 'BigRegisterError';
}

export const PROEFTUIN_BIG_FILE = join(import.meta.dirname, '..', '..', 'data', 'proeftuin-big-register.csv');

/** The proeftuin's BIG-register: a CSV `dezi_nummer,big_nummer,beroep`, read once. */
export class FileBigRegister implements BigRegister {
  readonly #registrations: Set<string>;

  constructor(csv: string) {
    this.#registrations = new Set();
    const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (lines[0]?.trim() !== 'dezi_nummer,big_nummer,beroep')
      throw new BigRegisterError('BIG-register file: header must be dezi_nummer,big_nummer,beroep');
    for (const [i, line] of lines.slice(1).entries()) {
      const [deziNummer = '', bigNummer = '', beroep = ''] = line.split(',').map((f) => f.trim());
      if (!/^[0-9]{9}$/.test(deziNummer) || !/^[0-9]{11}$/.test(bigNummer) || !/^[0-9]{2}$/.test(beroep))
        throw new BigRegisterError(`BIG-register file line ${i + 2}: expected 9 digits,11 digits,2 digits`);
      this.#registrations.add(`${deziNummer}:${beroep}`);
    }
  }

  static fromFile(path: string = PROEFTUIN_BIG_FILE): FileBigRegister {
    return new FileBigRegister(readFileSync(path, 'utf8'));
  }

  async isRegistered(person: BigRegistrationQuery, beroep: string): Promise<boolean> {
    return this.#registrations.has(`${person.deziNummer}:${beroep}`);
  }
}

/** Production without a BIG-register: every BIG role is refused rather than checked against test data. */
export class NoBigRegister implements BigRegister {
  async isRegistered(): Promise<boolean> {
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
