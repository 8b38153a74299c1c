// Bulk import of an UZI-register export (docs/operations.md, "Importing the UZI-register"). Idempotent
// and resumable: every batch commits its rows together with the import's progress, persons are
// inserted with ON CONFLICT DO NOTHING on the BSN index and the Dezi-nummer, employments on a key
// derived from the source row. A rerun after a crash continues after the last committed batch and
// ends with the same result; a rerun after success changes nothing.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Queryable } from '../db/database.ts';
import { LOA } from '../means/loa.ts';
import { recordAudit, type Actor } from '../audit/audit.ts';
import { Bsn, InvalidBsnError } from '../means/bsn.ts';
import { checkRoleCode, RegisterError, today, type Register } from './register.ts';
import type { RegisterContext } from './context.ts';
import * as abonneesTable from './abonnees.ts';
import * as employmentsTable from './employments.ts';
import * as personsTable from './persons.ts';
import type { RoleSource } from './roles.ts';
import { CsvError, parseCsvLine } from './csv.ts';
import { DeziError } from '../errors.ts';

export const UZI_EXPORT_COLUMNS = [
  'uzi_nummer',
  'bsn',
  'voorletters',
  'voorvoegsel',
  'achternaam',
  'abonnee_nummer',
  'rol_code',
  'rol_code_bron',
  'agb',
  'start_date',
  'end_date',
] as const;

const SOURCE = 'uzi-register';
const MAX_STORED_REJECTIONS = 1000;
const MAX_LINE = 4096;

export interface ImportRejection {
  line: number;
  reason: string;
}

export interface ImportSummary {
  file: string;
  sha256: string;
  rows: number;
  personsCreated: number;
  personsExisting: number;
  employmentsCreated: number;
  rejected: number;
  /** The first rejections (at most 1000), by line number; never a BSN. */
  rejections: ImportRejection[];
  /** Data rows skipped because an earlier, interrupted run had committed them. */
  resumedAfter: number;
  /** The file had been imported completely before: nothing was done. */
  alreadyImported: boolean;
}

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
}

export interface ImportOptions {
  actor: Actor;
  batchSize?: number;
  onProgress?: (p: ImportProgress) => void;
  /** Called after each committed batch (tests use it to simulate a crash). */
  afterBatch?: (rowsDone: number) => void | Promise<void>;
}

export class ImportError extends DeziError {
  override name = 'ImportError';
}

interface ParsedRow {
  line: number;
  uziNummer: string;
  bsn: Bsn;
  voorletters: string;
  voorvoegsel: string | null;
  achternaam: string;
  employment: {
    abonneeNummer: string;
    rolCode: string | null;
    rolCodeBron: RoleSource | null;
    agb: string | null;
    startDate: string;
    endDate: string | null;
    importKey: string;
  } | null;
}

interface Counters {
  rows: number;
  personsCreated: number;
  personsExisting: number;
  employmentsCreated: number;
  rejected: number;
  rejections: ImportRejection[];
}

const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

function isDate(value: string): boolean {
  return DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}

/** Parses one data row; throws RegisterError with a reason that never contains the BSN. */
export function parseExportRow(fields: string[], line: number): ParsedRow {
  if (fields.length !== UZI_EXPORT_COLUMNS.length)
    throw new RegisterError(`expected ${UZI_EXPORT_COLUMNS.length} fields, found ${fields.length}`);
  const [uzi, bsnText, voorletters, voorvoegsel, achternaam, abonnee, rolCode, rolBron, agb, start, end] =
    fields.map((f) => f.trim()) as string[] as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
  if (!/^[0-9]{9}$/.test(uzi)) throw new RegisterError('uzi_nummer must be 9 digits');
  let bsn: Bsn;
  try {
    bsn = Bsn.parse(bsnText);
  } catch (err) {
    if (err instanceof InvalidBsnError) throw new RegisterError('bsn is not a valid BSN');
    throw err;
  }
  if (voorletters === '' || achternaam === '')
    throw new RegisterError('voorletters and achternaam are required');
  if ([voorletters, voorvoegsel, achternaam].some((p) => p.length > 200))
    throw new RegisterError('a name part is longer than 200 characters');
  let employment: ParsedRow['employment'] = null;
  if (abonnee !== '') {
    if (!/^[0-9]{8}$/.test(abonnee)) throw new RegisterError('abonnee_nummer must be 8 digits');
    const code = rolCode === '' ? null : rolCode;
    const bron = rolBron === '' ? null : (rolBron as RoleSource);
    checkRoleCode(code, bron);
    if (agb !== '' && !/^[0-9]{8}$/.test(agb)) throw new RegisterError('agb must be 8 digits');
    if (start !== '' && !isDate(start)) throw new RegisterError('start_date must be YYYY-MM-DD');
    if (end !== '' && !isDate(end)) throw new RegisterError('end_date must be YYYY-MM-DD');
    const startDate = start === '' ? today() : start;
    if (end !== '' && end < startDate) throw new RegisterError('end_date lies before start_date');
    employment = {
      abonneeNummer: abonnee,
      rolCode: code,
      rolCodeBron: bron,
      agb: agb === '' ? null : agb,
      startDate,
      endDate: end === '' ? null : end,
      importKey: `${SOURCE}:${uzi}:${abonnee}:${code ?? '-'}:${start}`,
    };
  } else if (rolCode !== '' || rolBron !== '' || agb !== '' || start !== '' || end !== '') {
    throw new RegisterError('employment fields without an abonnee_nummer');
  }
  return {
    line,
    uziNummer: uzi,
    bsn,
    voorletters,
    voorvoegsel: voorvoegsel === '' ? null : voorvoegsel,
    achternaam,
    employment,
  };
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface ImportRow {
  rows_done: string;
  persons_created: string;
  persons_existing: string;
  employments_created: string;
  rejected: string;
  rejections: ImportRejection[];
  finished_at: Date | null;
}

function countersOf(r: ImportRow): Counters {
  return {
    rows: Number(r.rows_done),
    personsCreated: Number(r.persons_created),
    personsExisting: Number(r.persons_existing),
    employmentsCreated: Number(r.employments_created),
    rejected: Number(r.rejected),
    rejections: r.rejections,
  };
}

export async function importUziRegister(
  register: Register,
  path: string,
  o: ImportOptions,
): Promise<ImportSummary> {
  const db = register.database;
  const batchSize = o.batchSize ?? 1000;
  const totalBytes = (await stat(path)).size;
  const sha256 = await fileSha256(path);
  const fileName = path.split('/').pop()!;

  await db.query(
    `INSERT INTO register_imports (file_sha256, source, file_name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    [sha256, SOURCE, fileName],
  );
  const [state] = await db.query<ImportRow>('SELECT * FROM register_imports WHERE file_sha256 = $1', [
    sha256,
  ]);
  const counters = countersOf(state!);
  const summary = (alreadyImported: boolean, resumedAfter: number): ImportSummary => ({
    file: fileName,
    sha256,
    ...counters,
    resumedAfter,
    alreadyImported,
  });
  if (state!.finished_at) return summary(true, counters.rows);

  const resumedAfter = counters.rows;
  const abonnees = new Map<string, string>();
  let bytesRead = 0;
  let dataRows = 0;
  let lineNumber = 0;
  let batch: { line: number; text: string }[] = [];

  // One batch is written while the next is read and prepared; writes stay in order.
  let writing: Promise<void> = Promise.resolve();
  let failure: unknown = null;
  const flush = async () => {
    if (batch.length === 0) return;
    const prepared = prepareBatch(register, batch);
    batch = [];
    await writing;
    if (failure) throw failure;
    writing = write(prepared).catch((err: unknown) => {
      failure = err;
    });
  };
  const write = async (prepared: PreparedBatch) => {
    const { lines } = prepared;
    // A failed batch aborts the import; the committed progress, not these counters, is what a rerun reads.
    await db.transaction(async (tx) => {
      // The progress row is locked and checked: a second import of the same file at the same time
      // finds rows_done moved and stops instead of importing twice.
      const [current] = await tx.query<{ rows_done: string }>(
        'SELECT rows_done FROM register_imports WHERE file_sha256 = $1 FOR UPDATE',
        [sha256],
      );
      if (Number(current!.rows_done) !== counters.rows)
        throw new ImportError('another import of this file is running');
      const delta = await writeBatch(register.context, tx, prepared, abonnees);
      counters.rows += lines.length;
      counters.personsCreated += delta.personsCreated;
      counters.personsExisting += delta.personsExisting;
      counters.employmentsCreated += delta.employmentsCreated;
      counters.rejected += delta.rejections.length;
      counters.rejections.push(
        ...delta.rejections.slice(0, Math.max(0, MAX_STORED_REJECTIONS - counters.rejections.length)),
      );
      await tx.query(
        `UPDATE register_imports SET rows_done = $2, persons_created = $3, persons_existing = $4,
           employments_created = $5, rejected = $6, rejections = $7 WHERE file_sha256 = $1`,
        [
          sha256,
          counters.rows,
          counters.personsCreated,
          counters.personsExisting,
          counters.employmentsCreated,
          counters.rejected,
          JSON.stringify(counters.rejections),
        ],
      );
      await recordAudit(tx, {
        actor: o.actor,
        action: 'register.import.batch',
        outcome: 'success',
        target: `import:${sha256.slice(0, 16)}`,
        detail: {
          first_line: lines[0]!.line,
          last_line: lines.at(-1)!.line,
          persons_created: delta.personsCreated,
          employments_created: delta.employmentsCreated,
          rejected: delta.rejections.length,
        },
      });
    });
    o.onProgress?.({ bytesRead, totalBytes, rows: counters.rows });
    await o.afterBatch?.(counters.rows);
  };

  const input = createReadStream(path, { encoding: 'utf8' });
  const reader = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const text of reader) {
      lineNumber++;
      bytesRead += Buffer.byteLength(text) + 1;
      if (lineNumber === 1) {
        if (text.replace(/^\uFEFF/, '').trim() !== UZI_EXPORT_COLUMNS.join(','))
          throw new ImportError(`line 1: the header must be ${UZI_EXPORT_COLUMNS.join(',')}`);
        continue;
      }
      if (text.trim() === '') continue;
      dataRows++;
      if (dataRows <= resumedAfter) continue;
      batch.push({ line: lineNumber, text });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    await writing;
    if (failure) throw failure;
  } finally {
    await writing;
    reader.close();
    input.destroy();
  }
  await db.transaction(async (tx) => {
    await tx.query('UPDATE register_imports SET finished_at = now() WHERE file_sha256 = $1', [sha256]);
    await recordAudit(tx, {
      actor: o.actor,
      action: 'register.import',
      outcome: 'success',
      target: `import:${sha256.slice(0, 16)}`,
      detail: {
        file: fileName,
        rows: counters.rows,
        persons_created: counters.personsCreated,
        employments_created: counters.employmentsCreated,
        rejected: counters.rejected,
      },
    });
  });
  o.onProgress?.({ bytesRead: totalBytes, totalBytes, rows: counters.rows });
  return summary(false, resumedAfter);
}

interface PreparedBatch {
  lines: { line: number; text: string }[];
  rows: (ParsedRow & { index: string })[];
  rejections: ImportRejection[];
  candidates: (ParsedRow & { index: string })[];
  persons: personsTable.ImportedPerson[];
}

/** The CPU part of a batch (parsing, blind index, sealing), done while the previous batch is written. */
function prepareBatch(register: Register, lines: { line: number; text: string }[]): PreparedBatch {
  const rejections: ImportRejection[] = [];
  const rows: (ParsedRow & { index: string })[] = [];
  for (const l of lines) {
    if (l.text.length > MAX_LINE) {
      rejections.push({ line: l.line, reason: `line longer than ${MAX_LINE} characters` });
      continue;
    }
    try {
      const parsed = parseExportRow(parseCsvLine(l.text), l.line);
      rows.push({ ...parsed, index: register.bsnIndex(parsed.bsn) });
    } catch (err) {
      if (!(err instanceof RegisterError || err instanceof CsvError)) throw err;
      rejections.push({ line: l.line, reason: err.message });
    }
  }
  // Persons: one insert per distinct UZI-nummer in the batch.
  const firstOfUzi = new Map<string, ParsedRow & { index: string }>();
  for (const r of rows) if (!firstOfUzi.has(r.uziNummer)) firstOfUzi.set(r.uziNummer, r);
  const candidates = [...firstOfUzi.values()];
  // Sealed here, off the database's critical path; persons.ts inserts them in one statement.
  const persons = candidates.map((c) => {
    const id = randomUUID();
    return {
      id,
      deziNummer: c.uziNummer,
      bsnIndex: c.index,
      sealedHex: register.sealBsn(c.bsn, id).toString('hex'),
      voorletters: c.voorletters,
      voorvoegsel: c.voorvoegsel,
      achternaam: c.achternaam,
    };
  });
  return { lines, rows, rejections, candidates, persons };
}

/** The database part of a batch, in the batch's transaction: persons first, then their employments. */
async function writeBatch(
  c: RegisterContext,
  tx: Queryable,
  batch: PreparedBatch,
  abonnees: Map<string, string>,
): Promise<{
  personsCreated: number;
  personsExisting: number;
  employmentsCreated: number;
  rejections: ImportRejection[];
}> {
  const { rows, candidates } = batch;
  const rejections = [...batch.rejections];
  // Dezi-nummer → person id; carried-over UZI-nummers are at level high.
  const created = await personsTable.insertImported(c, tx, batch.persons, LOA.high);

  // Everything not inserted just now must already be there with the same UZI-nummer and BSN.
  const known = new Map<string, { id: string; index: string }>(); // dezi_nummer → person
  const byIndex = new Map<string, string>(); // bsn_index → dezi_nummer
  const missing = candidates.filter((c) => !created.has(c.uziNummer));
  const needLookup = rows.length > candidates.length || missing.length > 0;
  if (needLookup) {
    const found = await personsTable.findByNummersOrIndexes(
      tx,
      rows.map((r) => r.uziNummer),
      rows.map((r) => r.index),
    );
    for (const f of found) {
      known.set(f.deziNummer, { id: f.id, index: f.bsnIndex });
      byIndex.set(f.bsnIndex, f.deziNummer);
    }
  } else {
    for (const c of candidates) known.set(c.uziNummer, { id: created.get(c.uziNummer)!, index: c.index });
  }

  let personsExisting = 0;
  const accepted: { row: ParsedRow; personId: string }[] = [];
  const countedExisting = new Set<string>();
  for (const r of rows) {
    const person = known.get(r.uziNummer);
    if (person && person.index === r.index) {
      if (!created.has(r.uziNummer) && !countedExisting.has(r.uziNummer)) {
        personsExisting++;
        countedExisting.add(r.uziNummer);
      }
      accepted.push({ row: r, personId: person.id });
    } else if (person) {
      rejections.push({ line: r.line, reason: 'this UZI-nummer is in the register with another BSN' });
    } else if (byIndex.has(r.index)) {
      rejections.push({
        line: r.line,
        reason: `this BSN is in the register under Dezi-nummer ${byIndex.get(r.index)}`,
      });
    } else {
      rejections.push({ line: r.line, reason: 'the person could not be stored' });
    }
  }

  // Employments, at abonnees that exist.
  const withEmployment = accepted.filter((a) => a.row.employment !== null);
  const unknownAbonnees = [...new Set(withEmployment.map((a) => a.row.employment!.abonneeNummer))].filter(
    (n) => !abonnees.has(n),
  );
  if (unknownAbonnees.length > 0) {
    for (const [nummer, id] of await abonneesTable.openIdsByNummer(tx, unknownAbonnees))
      abonnees.set(nummer, id);
  }
  const toInsert: employmentsTable.ImportedEmployment[] = [];
  for (const { row, personId } of withEmployment) {
    const e = row.employment!;
    const abonneeId = abonnees.get(e.abonneeNummer);
    if (!abonneeId) {
      rejections.push({
        line: row.line,
        reason: `abonnee ${e.abonneeNummer} is not in the register (or has ended)`,
      });
      continue;
    }
    toInsert.push({
      personId,
      abonneeId,
      rolCode: e.rolCode,
      rolCodeBron: e.rolCodeBron,
      startDate: e.startDate,
      endDate: e.endDate,
      agb: e.agb,
      importKey: e.importKey,
    });
  }
  const employmentsCreated = await employmentsTable.insertImported(tx, toInsert);
  rejections.sort((a, b) => a.line - b.line);
  return { personsCreated: created.size, personsExisting, employmentsCreated, rejections };
}
