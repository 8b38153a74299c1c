// The operator's runtime switch per login means, kept in the database (means_switches) so that every
// instance, and every restart, sees the same switch. The registry reads it (MeansRegistry.refreshSwitches);
// beheer writes it. A switch never turns on a means the configuration disables (DEZI_MEANS_DISABLED):
// the configuration is the operator's permanent decision, the switch the temporary one.
import { recordAudit, describeActor, type Actor } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';

export interface MeansSwitch {
  meansId: string;
  enabled: boolean;
  changedAt: Date;
  /** The stored actor ("operator:<name>"). */
  changedBy: string;
}

const MEANS_ID = /^[a-z0-9-]{2,40}$/;

export class MeansSwitches {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  async all(): Promise<MeansSwitch[]> {
    const rows = await this.#db.query<{
      means_id: string;
      enabled: boolean;
      changed_at: Date;
      changed_by: string;
    }>('SELECT means_id, enabled, changed_at, changed_by FROM means_switches ORDER BY means_id');
    return rows.map((r) => ({
      meansId: r.means_id,
      enabled: r.enabled,
      changedAt: new Date(r.changed_at),
      changedBy: r.changed_by,
    }));
  }

  /** The ids switched off now. */
  async off(): Promise<Set<string>> {
    const rows = await this.#db.query<{ means_id: string }>(
      'SELECT means_id FROM means_switches WHERE NOT enabled',
    );
    return new Set(rows.map((r) => r.means_id));
  }

  /** Switches a means off or on, audited in the same transaction. */
  async set(meansId: string, enabled: boolean, actor: Actor): Promise<void> {
    if (!MEANS_ID.test(meansId)) throw new Error(`invalid means id "${meansId}"`);
    await this.#db.transaction(async (tx) => {
      const [before] = await tx.query<{ enabled: boolean }>(
        'SELECT enabled FROM means_switches WHERE means_id = $1 FOR UPDATE',
        [meansId],
      );
      await tx.query(
        `INSERT INTO means_switches (means_id, enabled, changed_at, changed_by) VALUES ($1, $2, now(), $3)
         ON CONFLICT (means_id) DO UPDATE SET enabled = excluded.enabled, changed_at = now(),
           changed_by = excluded.changed_by`,
        [meansId, enabled, describeActor(actor)],
      );
      await recordAudit(tx, {
        actor,
        action: enabled ? 'means.switch_on' : 'means.switch_off',
        outcome: 'success',
        target: `means:${meansId}`,
        detail: { was_enabled: before ? before.enabled : true },
      });
    });
  }
}
