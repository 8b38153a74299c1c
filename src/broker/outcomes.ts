// Every way a login ends, as data, and the one recorder every exit of the broker passes through: each
// success and each refusal is written to the audit trail (NEN 7513) and counted exactly once, so a
// refusal path cannot forget either. Never personal data beyond the actor's Dezi-nummer.
import { recordAudit, type AuditDetail } from '../audit/audit.ts';
import type { Database } from '../db/database.ts';
import { DeziError } from '../errors.ts';
import type { LoA } from '../means/loa.ts';
import { metrics } from '../ops/metrics.ts';
import type { BrokerOutcome, BrokerProblem } from './transactions.ts';

/** Why a login stopped; the audit record's `reason`. */
export type RefusalReason =
  /** The means' callback came for no pending means round trip: replayed, expired, or another browser's. */
  | 'means_state_missing'
  | 'means_cancelled'
  | 'means_invalid_response'
  | 'means_unavailable'
  | 'means_loa_too_low'
  /** The wallet's credential was not accepted (detail.refusal names the check). */
  | 'means_credential_refused'
  /** A wallet credential's employment is no longer in the register. */
  | 'credential_employment_ended'
  /** The adapter answered for another means: a fault of the adapter. */
  | 'means_mismatch'
  | 'unknown_person'
  | 'person_suspended'
  | 'person_deceased'
  | 'person_ended'
  | 'no_employment'
  /** The person chose "cancel" on one of the broker's pages. */
  | 'cancelled';

/** Refusals by the client's means policy, before any means ran (audited as login.policy). */
export type PolicyReason =
  'means_not_accepted' | 'means_no_longer_accepted' | 'means_below_loa' | 'loa_unreachable';

const PROBLEM_STATUS: Record<BrokerProblem, number> = {
  unknown_person: 403,
  means_not_linked: 403,
  person_inactive: 403,
  no_employment: 403,
  means_failed: 400,
  means_cancelled: 400,
  credential_refused: 403,
  credential_employment_ended: 403,
};

/**
 * A step's verdict that the login cannot go on this way: what the audit trail records (reason,
 * actor, detail) and what the person is shown (an outcome page).
 */
export class LoginRefused extends DeziError {
  readonly reason: RefusalReason;
  readonly shown: BrokerOutcome;
  readonly actor: string | null;
  readonly detail: AuditDetail;
  constructor(
    reason: RefusalReason,
    shown: BrokerOutcome,
    o: { actor?: string | null; detail?: AuditDetail; cause?: unknown } = {},
  ) {
    super(`login refused: ${reason}`, {
      status: shown.kind === 'problem' ? PROBLEM_STATUS[shown.problem] : 400,
      cause: o.cause,
    });
    this.reason = reason;
    this.shown = shown;
    this.actor = o.actor ?? null;
    this.detail = o.detail ?? {};
  }
}

export const problem = (p: BrokerProblem): BrokerOutcome => ({ kind: 'problem', problem: p });

export function problemStatus(p: BrokerProblem): number {
  return PROBLEM_STATUS[p];
}

export type LoginOutcome =
  | {
      kind: 'success';
      clientId: string;
      meansId: string;
      deziNummer: string;
      abonneeNummer: string;
      loaAuthn: LoA;
      verklaringId: string;
      rolCode: string | null;
      /** The mandate the person acted under, if any. */
      mandateId?: string | null;
    }
  | { kind: 'refused'; clientId: string; meansId: string | null; refusal: LoginRefused }
  | {
      kind: 'policy';
      clientId: string;
      meansId: string | null;
      reason: PolicyReason;
      minimumLoa: LoA;
    };

export class OutcomeRecorder {
  readonly #db: Database;
  constructor(db: Database) {
    this.#db = db;
  }

  async record(o: LoginOutcome): Promise<void> {
    switch (o.kind) {
      case 'success':
        metrics.login(o.meansId, 'success');
        return recordAudit(this.#db, {
          actor: o.deziNummer,
          action: 'login',
          outcome: 'success',
          abonneeNummer: o.abonneeNummer,
          clientId: o.clientId,
          detail: {
            means: o.meansId,
            loa_authn: o.loaAuthn,
            verklaring_id: o.verklaringId,
            rol_code: o.rolCode,
            ...(o.mandateId ? { mandate_id: o.mandateId } : {}),
          },
        });
      case 'refused':
        metrics.login(o.meansId ?? 'none', 'failure');
        return recordAudit(this.#db, {
          actor: o.refusal.actor,
          action: 'login',
          outcome: 'failure',
          clientId: o.clientId,
          detail: { ...o.refusal.detail, reason: o.refusal.reason, means: o.meansId },
        });
      case 'policy':
        metrics.login(o.meansId ?? 'none', 'failure');
        return recordAudit(this.#db, {
          actor: null,
          action: 'login.policy',
          outcome: 'failure',
          clientId: o.clientId,
          detail: { reason: o.reason, means: o.meansId, minimum_loa: o.minimumLoa },
        });
    }
  }
}
