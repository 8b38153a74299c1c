// Who is the register's operator (beheerder): the Dezi-nummers in the configuration (DEZI_OPERATORS),
// and those added with `dezi operator add` (the beheer_operators table). Being listed is not enough
// to act: beheer also asks for a portal session at LoA high of a person who is active in the register
// (routes.ts). Adding and removing an operator is audited.
import { parseArgs } from 'node:util';
import { recordAudit, type Actor } from '../../audit/audit.ts';
import type { Database } from '../../db/database.ts';
import { DeziError } from '../../errors.ts';
import type { Register } from '../../register/register.ts';

export interface OperatorEntry {
  deziNummer: string;
  /** Where the person is listed: the configuration, the table, or both. */
  configured: boolean;
  added: { at: Date; by: string } | null;
}

const DEZI_NUMMER = /^[0-9]{9}$/;

export class OperatorError extends DeziError {
  override name = 'OperatorError';
}

export class Operators {
  readonly #db: Database;
  readonly #configured: ReadonlySet<string>;

  constructor(db: Database, configured: readonly string[]) {
    this.#db = db;
    this.#configured = new Set(configured);
  }

  /** Whether the Dezi-nummer is listed as an operator (the person's status is checked by the caller). */
  async isOperator(deziNummer: string): Promise<boolean> {
    if (!DEZI_NUMMER.test(deziNummer)) return false;
    if (this.#configured.has(deziNummer)) return true;
    const rows = await this.#db.query('SELECT 1 FROM beheer_operators WHERE dezi_nummer = $1', [deziNummer]);
    return rows.length === 1;
  }

  async list(): Promise<OperatorEntry[]> {
    const rows = await this.#db.query<{ dezi_nummer: string; added_at: Date; added_by: string }>(
      'SELECT dezi_nummer, added_at, added_by FROM beheer_operators ORDER BY dezi_nummer',
    );
    const byNummer = new Map<string, OperatorEntry>();
    for (const n of this.#configured) byNummer.set(n, { deziNummer: n, configured: true, added: null });
    for (const r of rows)
      byNummer.set(r.dezi_nummer, {
        deziNummer: r.dezi_nummer,
        configured: this.#configured.has(r.dezi_nummer),
        added: { at: new Date(r.added_at), by: r.added_by },
      });
    return [...byNummer.values()].sort((a, b) => a.deziNummer.localeCompare(b.deziNummer));
  }

  /** Adds a person of the register as operator; false when they were listed in the table already. */
  async add(register: Register, deziNummer: string, actor: Actor): Promise<boolean> {
    if (!DEZI_NUMMER.test(deziNummer)) throw new OperatorError('a Dezi-nummer has 9 digits');
    const person = await register.findPersonByDeziNummer(deziNummer);
    if (!person) throw new OperatorError(`no person with Dezi-nummer ${deziNummer} in the register`);
    return this.#db.transaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO beheer_operators (dezi_nummer, added_by) VALUES ($1, $2)
         ON CONFLICT (dezi_nummer) DO NOTHING RETURNING 1`,
        [deziNummer, actorName(actor)],
      );
      if (inserted.length === 0) return false;
      await recordAudit(tx, {
        actor,
        action: 'beheer.operator.add',
        outcome: 'success',
        target: `person:${deziNummer}`,
      });
      return true;
    });
  }

  /** Removes an operator from the table; false when they were not in it. The configuration is not changed. */
  async remove(deziNummer: string, actor: Actor): Promise<boolean> {
    if (!DEZI_NUMMER.test(deziNummer)) throw new OperatorError('a Dezi-nummer has 9 digits');
    return this.#db.transaction(async (tx) => {
      const removed = await tx.query('DELETE FROM beheer_operators WHERE dezi_nummer = $1 RETURNING 1', [
        deziNummer,
      ]);
      if (removed.length === 0) return false;
      await recordAudit(tx, {
        actor,
        action: 'beheer.operator.remove',
        outcome: 'success',
        target: `person:${deziNummer}`,
      });
      return true;
    });
  }
}

function actorName(actor: Actor): string {
  return actor.kind === 'operator' ? actor.name : actor.kind === 'person' ? actor.deziNummer : actor.kind;
}

// --- dezi operator add | remove | list -------------------------------------------------------------

export const OPERATOR_USAGE = `  operator add|remove DEZI-NUMMER
                                 make a person of the register an operator (beheer, /beheer), or no
                                 longer; DEZI_OPERATORS names operators from the configuration
  operator list                  the operators, from the configuration and from operator add
`;

export interface OperatorCliContext {
  db: Database;
  register: Register;
  /** DEZI_OPERATORS. */
  configured: readonly string[];
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * Runs one operator command as the CLI's operator (`actor`, from --operator or the login name, as the
 * register commands do); returns the exit status.
 */
export async function runOperatorCommand(
  ctx: OperatorCliContext,
  command: string,
  args: string[],
  actorFor: (name: string | undefined) => Actor,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { operator: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const operators = new Operators(ctx.db, ctx.configured);
  if (command === 'operator list') {
    if (positionals.length > 0) throw new OperatorError('operator list takes no arguments');
    const list = await operators.list();
    if (list.length === 0) {
      ctx.out('no operators (set DEZI_OPERATORS or use dezi operator add)');
      return 0;
    }
    for (const o of list) {
      const person = await ctx.register.findPersonByDeziNummer(o.deziNummer);
      const name = person
        ? `${[person.voorletters, person.voorvoegsel, person.achternaam].filter(Boolean).join(' ')} (${person.status})`
        : '(not in the register)';
      const source = [
        o.configured ? 'DEZI_OPERATORS' : '',
        o.added ? `added ${o.added.at.toISOString()} by ${o.added.by}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      ctx.out(`${o.deziNummer}  ${name}  ${source}`);
    }
    return 0;
  }
  if (positionals.length !== 1) throw new OperatorError('expected one Dezi-nummer');
  const nummer = positionals[0]!;
  const actor = actorFor(values.operator);
  if (command === 'operator add') {
    const added = await operators.add(ctx.register, nummer, actor);
    ctx.out(added ? `${nummer} is an operator now` : `${nummer} was an operator already`);
    return 0;
  }
  const removed = await operators.remove(nummer, actor);
  if (!removed) {
    ctx.err(
      ctx.configured.includes(nummer)
        ? `${nummer} is an operator through DEZI_OPERATORS: remove it there`
        : `${nummer} is not an operator`,
    );
    return 1;
  }
  ctx.out(
    ctx.configured.includes(nummer)
      ? `${nummer} removed; still an operator through DEZI_OPERATORS`
      : `${nummer} is no longer an operator`,
  );
  return 0;
}
