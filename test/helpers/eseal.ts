// The proeftuin's TEST eSeal as a test uses it outside a running Dezi: the key VerklaringService signs
// with, and the settings a relying party written to the spec checks.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTestEseal } from '../../src/proeftuin/eseal-pki.ts';
import { esealKeyFrom, type EsealKey } from '../../src/verklaring/eseal.ts';
import { DEFAULT_KOPPELVLAK } from '../../src/config.ts';
import type { VerklaringSettings } from '../../src/verklaring/verklaring.ts';

/** The in-memory TEST eSeal of this process (the one a Dezi with no eSeal configuration uses). */
export async function testEsealKey(): Promise<EsealKey> {
  const eseal = await loadTestEseal(null);
  return esealKeyFrom(await eseal.source.read(), eseal.source.description);
}

export function verklaringSettings(authority: string): VerklaringSettings {
  return {
    iss: DEFAULT_KOPPELVLAK.verklaringIssuer,
    schemaUri: `${DEFAULT_KOPPELVLAK.schemaBase}/verklaring.json`,
    authority,
  };
}

/** The TEST eSeal written to files in a new temporary directory: what production reads. */
export async function testEsealFiles(material?: {
  keyPem: string;
  chainPem: string;
}): Promise<{ kind: 'files'; keyFile: string; certFile: string; dir: string }> {
  const m = material ?? (await (await loadTestEseal(null)).source.read());
  const dir = mkdtempSync(join(tmpdir(), 'dezi-eseal-'));
  const keyFile = join(dir, 'eseal-key.pem');
  const certFile = join(dir, 'eseal.pem');
  writeFileSync(keyFile, m.keyPem, { mode: 0o600 });
  writeFileSync(certFile, m.chainPem);
  return { kind: 'files', keyFile, certFile, dir };
}
