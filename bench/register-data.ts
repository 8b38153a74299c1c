// Generated register data for the benchmark and the import tests: elfproef-valid BSNs outside the
// proeftuin's 99999xxxx range, UZI-nummers in the 95xxxxxxx range. Deterministic: person i is always
// the same person.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { UZI_EXPORT_COLUMNS } from '../src/register/import.ts';

/** The i-th generated BSN: 8 digits counted up from 10000000, the ninth as the elfproef demands. */
export function* generatedBsns(): Generator<string> {
  for (let prefix = 10_000_000; prefix < 99_999_000; prefix++) {
    const digits = String(prefix);
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i);
    const check = sum % 11;
    if (check === 10) continue;
    yield `${digits}${check}`;
  }
}

export interface GeneratedPerson {
  uziNummer: string;
  bsn: string;
}

const ACHTERNAMEN = ['Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer'];

/**
 * Writes an UZI-register export of `persons` persons; with `abonneeNummer`, every fourth person has
 * an employment there as verpleegkundige (BIG). Returns a few of the persons, for lookups.
 */
export async function writeUziExport(
  path: string,
  persons: number,
  o: { abonneeNummer?: string; sampleEvery?: number } = {},
): Promise<GeneratedPerson[]> {
  const out = createWriteStream(path);
  const sample: GeneratedPerson[] = [];
  const sampleEvery = o.sampleEvery ?? Math.max(1, Math.floor(persons / 10_000));
  let chunk = `${UZI_EXPORT_COLUMNS.join(',')}\n`;
  const bsns = generatedBsns();
  for (let i = 0; i < persons; i++) {
    const bsn = bsns.next().value as string;
    const uziNummer = String(950_000_000 + i);
    const naam = ACHTERNAMEN[i % ACHTERNAMEN.length]!;
    const [voorvoegsel, achternaam] = naam.includes(' ')
      ? [naam.slice(0, naam.lastIndexOf(' ')), naam.slice(naam.lastIndexOf(' ') + 1)]
      : ['', naam];
    const employment =
      o.abonneeNummer && i % 4 === 0 ? `${o.abonneeNummer},30.000,big,,2020-01-01,` : ',,,,,';
    chunk += `${uziNummer},${bsn},${String.fromCharCode(65 + (i % 26))}.,${voorvoegsel},${achternaam},${employment}\n`;
    if (i % sampleEvery === 0) sample.push({ uziNummer, bsn });
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return sample;
}
