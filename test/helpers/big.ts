// A BIG-register file for tests that need a specialist the proeftuin does not have: the proeftuin's
// file (so that its seed stays valid) plus a cardioloog, whom the test enrols itself.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { LOA } from '../../src/means/loa.ts';
import { PROEFTUIN_BIG_FILE } from '../../src/register/big.ts';
import { Bsn } from '../../src/means/bsn.ts';
import type { Person, Register } from '../../src/register/register.ts';

/** Registered as arts (01) with the specialism Cardioloog 01.010 in the file below; not in the seed. */
export const CARDIOLOOG = {
  deziNummer: '900019001',
  bsn: '999998006',
  voorletters: 'C.',
  achternaam: 'Hartman',
} as const;

/** Call inside a describe(): the proeftuin's BIG file plus the cardioloog; removed after the suite. */
export function bigFileWithCardioloog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dezi-big-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'big-register.csv');
  const proeftuin = readFileSync(PROEFTUIN_BIG_FILE, 'utf8').trimEnd();
  writeFileSync(path, `${proeftuin}\n${CARDIOLOOG.deziNummer},19000190001,01,01.010\n`);
  return path;
}

/** Puts the cardioloog in the register, working as arts (01.000) at the abonnee. */
export async function enrolCardioloog(register: Register, abonneeNummer: string): Promise<Person> {
  const abonnee = (await register.findAbonnee(abonneeNummer))!;
  return register.enrol(
    {
      bsn: Bsn.parse(CARDIOLOOG.bsn),
      deziNummer: CARDIOLOOG.deziNummer,
      voorletters: CARDIOLOOG.voorletters,
      voorvoegsel: null,
      achternaam: CARDIOLOOG.achternaam,
      loaDezi: LOA.high,
    },
    [{ abonneeId: abonnee.id, rolCode: '01.000', rolCodeBron: 'big' }],
  );
}
