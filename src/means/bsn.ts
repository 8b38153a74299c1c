// The BSN: special-category personal data. Wrapped so that it cannot reach a log line, a JSON body
// or a template by accident: only reveal() gives the digits, and only the BSN vaults (the register's,
// Mitz's) call it.
import { inspect } from 'node:util';
import { DeziError } from '../errors.ts';

export class InvalidBsnError extends DeziError {
  override name = 'InvalidBsnError';
}

/** The elfproef for BSNs: weights 9..2 on the first eight digits, −1 on the last; sum divisible by 11. */
export function passesElfproef(digits: string): boolean {
  if (!/^[0-9]{9}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i);
  sum -= Number(digits[8]);
  return sum % 11 === 0 && digits !== '000000000';
}

export class Bsn {
  readonly #digits: string;

  private constructor(digits: string) {
    this.#digits = digits;
  }

  /** Accepts 9 digits (8 with a leading zero dropped is also accepted, as DigiD does). */
  static parse(input: string): Bsn {
    const trimmed = input.trim();
    const digits = /^[0-9]{8}$/.test(trimmed) ? `0${trimmed}` : trimmed;
    if (!/^[0-9]{9}$/.test(digits)) throw new InvalidBsnError('Een BSN bestaat uit 9 cijfers.');
    if (!passesElfproef(digits)) throw new InvalidBsnError('Dit is geen geldig BSN (elfproef).');
    return new Bsn(digits);
  }

  reveal(): string {
    return this.#digits;
  }

  toString(): string {
    return '[BSN]';
  }

  toJSON(): string {
    return '[BSN]';
  }

  [inspect.custom](): string {
    return 'Bsn([redacted])';
  }
}
