// The citizen's choices: as they stand (mitz_choices, the decision's one lookup) and every change
// (mitz_choice_history, what MijnMitz shows). A change is written, put in the history, audited and
// handed to the change listeners (the notifications) in one transaction: all of it or nothing.
import { recordAudit, type Actor } from '../audit/audit.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { Bsn } from '../means/bsn.ts';
import type { Citizens } from './citizens.ts';
import {
  ALL,
  isCategorie,
  isGegevenscategorie,
  type CategoryOrAll,
  type Gegevenscategorie,
  type Situatie,
} from './codes.ts';
import { decide, type Choice, type Decision, type Question } from './decision.ts';

/** Who recorded a choice, as the citizen sees it in the history. */
export type RecordedBy =
  | { kind: 'citizen' }
  | {
      kind: 'professional';
      knop: 'dossierhouder' | 'raadpleger';
      situatie: Situatie;
      deziNummer: string;
      naam: string;
      rolCode: string;
      rolNaam: string;
      abonneeNummer: string;
      abonneeNaam: string;
      clientId: string;
    };

export interface StoredChoice extends Choice {
  recordedAt: Date;
  recordedBy: RecordedBy;
}

export interface HistoryEntry {
  gegevenscategorie: Gegevenscategorie;
  dossierhouder: CategoryOrAll;
  raadpleger: CategoryOrAll;
  /** null: the choice was withdrawn. */
  permit: boolean | null;
  recordedAt: Date;
  recordedBy: RecordedBy;
}

export interface ChoiceChange {
  gegevenscategorie: Gegevenscategorie;
  dossierhouder: CategoryOrAll;
  raadpleger: CategoryOrAll;
  /** null withdraws the choice. */
  permit: boolean | null;
}

/** Called in the change's transaction, once per citizen whose choices changed. */
export type ChangeListener = (tx: Queryable, citizenId: string) => Promise<void>;

interface ChoiceRow {
  gegevenscategorie: string;
  dossierhouder: string;
  raadpleger: string;
  permit: boolean;
  recorded_at: Date | string;
  recorded_by: RecordedBy | string;
}

const side = (v: string): CategoryOrAll => (v === ALL || isCategorie(v) ? (v as CategoryOrAll) : ALL);
const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

function toChoice(r: ChoiceRow): StoredChoice | null {
  if (!isGegevenscategorie(r.gegevenscategorie)) return null;
  return {
    gegevenscategorie: r.gegevenscategorie,
    dossierhouder: side(r.dossierhouder),
    raadpleger: side(r.raadpleger),
    permit: r.permit,
    recordedAt: new Date(r.recorded_at),
    recordedBy: json(r.recorded_by),
  };
}

export class Choices {
  readonly #db: Database;
  readonly #citizens: Citizens;
  readonly #listeners: ChangeListener[] = [];

  constructor(db: Database, citizens: Citizens) {
    this.#db = db;
    this.#citizens = citizens;
  }

  onChange(listener: ChangeListener): void {
    this.#listeners.push(listener);
  }

  /** The choices as they stand. */
  async current(citizenId: string, db: Queryable = this.#db): Promise<StoredChoice[]> {
    const rows = await db.query<ChoiceRow>(
      `SELECT gegevenscategorie, dossierhouder, raadpleger, permit, recorded_at, recorded_by
         FROM mitz_choices WHERE citizen_id = $1 ORDER BY gegevenscategorie, dossierhouder, raadpleger`,
      [citizenId],
    );
    return rows.flatMap((r) => toChoice(r) ?? []);
  }

  /** Every change, newest first. */
  async history(citizenId: string, limit = 200): Promise<HistoryEntry[]> {
    const rows = await this.#db.query<Omit<ChoiceRow, 'permit'> & { permit: boolean | null }>(
      `SELECT gegevenscategorie, dossierhouder, raadpleger, permit, recorded_at, recorded_by
         FROM mitz_choice_history WHERE citizen_id = $1 ORDER BY id DESC LIMIT $2`,
      [citizenId, limit],
    );
    return rows.flatMap((r) =>
      isGegevenscategorie(r.gegevenscategorie)
        ? [
            {
              gegevenscategorie: r.gegevenscategorie,
              dossierhouder: side(r.dossierhouder),
              raadpleger: side(r.raadpleger),
              permit: r.permit,
              recordedAt: new Date(r.recorded_at),
              recordedBy: json(r.recorded_by),
            },
          ]
        : [],
    );
  }

  /**
   * Records changes for one citizen in one transaction: the choices, their history, one audit record
   * per change, and the listeners. A change that changes nothing (the same answer again) is skipped.
   * Returns how many changed.
   */
  async change(
    citizenId: string,
    changes: readonly ChoiceChange[],
    by: RecordedBy,
    actor: Actor,
  ): Promise<number> {
    return this.#db.transaction(async (tx) => {
      // One citizen's changes are serialised, so that two tabs cannot interleave.
      await tx.query('SELECT id FROM mitz_citizens WHERE id = $1 FOR UPDATE', [citizenId]);
      let changed = 0;
      for (const c of changes) {
        const key = [citizenId, c.gegevenscategorie, c.dossierhouder, c.raadpleger];
        const [before] = await tx.query<{ permit: boolean }>(
          `SELECT permit FROM mitz_choices
            WHERE citizen_id = $1 AND gegevenscategorie = $2 AND dossierhouder = $3 AND raadpleger = $4`,
          key,
        );
        if ((before?.permit ?? null) === c.permit) continue;
        if (c.permit === null) {
          await tx.query(
            `DELETE FROM mitz_choices
              WHERE citizen_id = $1 AND gegevenscategorie = $2 AND dossierhouder = $3 AND raadpleger = $4`,
            key,
          );
        } else {
          await tx.query(
            `INSERT INTO mitz_choices (citizen_id, gegevenscategorie, dossierhouder, raadpleger, permit, recorded_by)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (citizen_id, gegevenscategorie, dossierhouder, raadpleger)
             DO UPDATE SET permit = EXCLUDED.permit, recorded_by = EXCLUDED.recorded_by, recorded_at = now()`,
            [...key, c.permit, JSON.stringify(by)],
          );
        }
        await tx.query(
          `INSERT INTO mitz_choice_history (citizen_id, gegevenscategorie, dossierhouder, raadpleger, permit, recorded_by)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [...key, c.permit, JSON.stringify(by)],
        );
        await recordAudit(tx, {
          actor,
          action: c.permit === null ? 'mitz.choice.withdraw' : 'mitz.choice.record',
          outcome: 'success',
          target: `citizen:${citizenId}`,
          detail: {
            gegevenscategorie: c.gegevenscategorie,
            dossierhouder: c.dossierhouder,
            raadpleger: c.raadpleger,
            permit: c.permit,
            recordedBy: by.kind === 'citizen' ? 'citizen' : `${by.knop}knop`,
            ...(by.kind === 'professional' ? { situatie: by.situatie } : {}),
          },
        });
        changed++;
      }
      if (changed > 0) for (const l of this.#listeners) await l(tx, citizenId);
      return changed;
    });
  }

  /**
   * The closed question's decision: one statement, an index lookup on the blind index and then on the
   * choices' primary key. Returns the citizen id too (null: Mitz does not know this BSN).
   */
  async decide(bsn: Bsn, q: Question): Promise<{ decision: Decision; citizenId: string | null }> {
    const rows = await this.#db.query<ChoiceRow & { citizen_id: string | null }>(
      `SELECT z.id AS citizen_id, c.gegevenscategorie, c.dossierhouder, c.raadpleger, c.permit,
              c.recorded_at, c.recorded_by
         FROM mitz_citizens z
         LEFT JOIN mitz_choices c ON c.citizen_id = z.id
              AND c.dossierhouder IN ($2, '*') AND c.raadpleger IN ($3, '*')
        WHERE z.bsn_index = $1`,
      [this.#citizens.index(bsn), q.dossierhouder, q.raadpleger],
    );
    const citizenId = rows[0]?.citizen_id ?? null;
    const choices = rows.flatMap((r) => (r.gegevenscategorie === null ? [] : (toChoice(r) ?? [])));
    return { decision: decide(choices, q).decision, citizenId };
  }
}
