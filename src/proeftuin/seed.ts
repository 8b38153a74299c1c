// Loads the proeftuin's test identities into the register; idempotent, so every start may run it, and
// safe when several instances start together on one database: the whole seed is one transaction under
// an advisory lock, so the first writes it and the others wait, then find it there.
import { LOA } from '../means/loa.ts';
import { Bsn } from '../means/bsn.ts';
import type { Register } from '../register/register.ts';
import { SYSTEM } from '../audit/audit.ts';
import { waitForAdvisoryLock } from '../db/lock.ts';
import { seedAdmins } from '../portal/authorisations.ts';
import { SEED_ABONNEES, SEED_ADMINS, SEED_PERSONS } from './seed-data.ts';

const SEED_LOCK_KEY = 7_347_714; // arbitrary, stable: "dezi proeftuin seed"

/** The test abonnees, persons with their employments, and the abonnee administrators. */
export async function seedProeftuin(register: Register): Promise<{ persons: number; abonnees: number }> {
  return register.inOneTransaction(async (r, tx) => {
    await waitForAdvisoryLock(tx, SEED_LOCK_KEY, 'proeftuin seed');
    const added = await seedIdentities(r);
    await seedAdmins(r, SEED_ADMINS);
    return added;
  });
}

async function seedIdentities(register: Register): Promise<{ persons: number; abonnees: number }> {
  let persons = 0;
  let abonnees = 0;
  const abonneeIds = new Map<string, string>();
  for (const a of SEED_ABONNEES) {
    const existing = await register.findAbonnee(a.abonneeNummer);
    if (existing) {
      abonneeIds.set(a.abonneeNummer, existing.id);
      // Abonnees seeded before KvK and AGB were kept get them on the next start.
      if (existing.kvk === null)
        await register.updateAbonnee(existing.id, { kvk: a.kvk, agb: a.agb }, SYSTEM);
      continue;
    }
    abonneeIds.set(a.abonneeNummer, (await register.createAbonnee(a, SYSTEM)).id);
    abonnees++;
  }
  for (const p of SEED_PERSONS) {
    const bsn = Bsn.parse(p.bsn);
    if (await register.findPersonByBsn(bsn)) continue;
    await register.enrol(
      {
        bsn,
        deziNummer: p.deziNummer,
        voorletters: p.voorletters,
        voorvoegsel: p.voorvoegsel,
        achternaam: p.achternaam,
        loaDezi: LOA.high,
        status: p.status,
      },
      p.employments.map((e) => ({
        abonneeId: abonneeIds.get(e.abonneeNummer)!,
        rolCode: e.rolCode,
        rolCodeBron: e.rolCodeBron,
      })),
    );
    persons++;
  }
  return { persons, abonnees };
}
