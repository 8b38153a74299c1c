// The operator's register commands (dezi abonnee …, dezi person …, dezi import …, dezi audit verify).
// Each acts as the operator named by --operator (default: the login name) and is audited as such.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { Database } from '../db/database.ts';
import { verifyAuditChain, type Actor } from '../audit/audit.ts';
import { NotFoundError, type Person, type Register } from './register.ts';
import { importUziRegister, type ImportProgress } from './import.ts';
import { DeziError } from '../errors.ts';

export class CliUsageError extends DeziError {
  override name = 'CliUsageError';
}

export const REGISTER_USAGE = `  abonnee add --nummer URA --naam NAME --kvk KVK [--agb AGB]
                                 add an abonnee (zorgaanbieder)
  abonnee suspend|activate URA   suspend (revokes its verklaringen) or reactivate an abonnee
  person show DEZI-NUMMER        a person: name history, employments, linked means (never the BSN)
  person suspend|activate DEZI-NUMMER
                                 suspend (revokes their verklaringen) or reactivate a person
  person rename DEZI-NUMMER --voorletters V [--voorvoegsel VV] --achternaam A
                                 record a name change (from the BRP); revokes the verklaringen that
                                 carry the old name, keeps means and employments
  person link-means DEZI-NUMMER --means ID --subject VALUE
                                 link a login means' subject to a person (e.g. --means eidas
                                 --subject DE/NL/…, for someone who has no other means to link it with)
  import uzi-register FILE.csv   import an UZI-register export; idempotent, resumable after a crash
  audit verify                   check the audit trail's hash chain; exit 1 when it was altered
  (register commands accept --operator NAME; default: the login name)
`;

export const REGISTER_COMMANDS: ReadonlySet<string> = new Set([
  'abonnee add',
  'abonnee suspend',
  'abonnee activate',
  'person show',
  'person suspend',
  'person activate',
  'person rename',
  'person link-means',
  'import uzi-register',
  'audit verify',
]);

export interface CliContext {
  db: Database;
  register: Register;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Whether stderr is a terminal (progress bar) or not (progress lines). */
  tty: boolean;
}

/** The CLI's operator: --operator NAME, or the login name. */
export function operator(name: string | undefined): Actor {
  const n = name ?? userInfo().username;
  if (!/^[\w.@-]{1,64}$/.test(n))
    throw new CliUsageError('--operator: letters, digits, . _ @ - (at most 64)');
  return { kind: 'operator', name: n };
}

function positional(args: string[], what: string): { value: string; operator: Actor } {
  const { values, positionals } = parseArgs({
    args,
    options: { operator: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new CliUsageError(`expected one ${what}`);
  return { value: positionals[0]!, operator: operator(values.operator) };
}

async function personByNummer(ctx: CliContext, nummer: string, actor: Actor): Promise<Person> {
  if (!/^[0-9]{9}$/.test(nummer)) throw new CliUsageError('a Dezi-nummer has 9 digits');
  const person = await ctx.register.findPersonByDeziNummer(nummer, actor);
  if (!person) throw new NotFoundError(`person ${nummer}`);
  return person;
}

/** Runs one register command; returns the exit status. */
export async function runRegisterCommand(ctx: CliContext, command: string, args: string[]): Promise<number> {
  switch (command) {
    case 'abonnee add': {
      const { values } = parseArgs({
        args,
        options: {
          nummer: { type: 'string' },
          naam: { type: 'string' },
          kvk: { type: 'string' },
          agb: { type: 'string' },
          operator: { type: 'string' },
        },
        strict: true,
      });
      if (!values.nummer || !values.naam || !values.kvk)
        throw new CliUsageError('abonnee add needs --nummer, --naam and --kvk');
      const abonnee = await ctx.register.createAbonnee(
        { abonneeNummer: values.nummer, naam: values.naam, kvk: values.kvk, agb: values.agb ?? null },
        operator(values.operator),
      );
      ctx.out(JSON.stringify(abonnee, null, 2));
      return 0;
    }
    case 'abonnee suspend':
    case 'abonnee activate': {
      const { value, operator: actor } = positional(args, 'abonnee-nummer');
      const abonnee = await ctx.register.findAbonnee(value);
      if (!abonnee) throw new NotFoundError(`abonnee ${value}`);
      const status = command === 'abonnee suspend' ? 'suspended' : 'active';
      await ctx.register.setAbonneeStatus(abonnee.id, status, actor);
      ctx.out(`abonnee ${abonnee.abonneeNummer} (${abonnee.naam}): ${status}`);
      return 0;
    }
    case 'person suspend':
    case 'person activate': {
      const { value, operator: actor } = positional(args, 'Dezi-nummer');
      const person = await personByNummer(ctx, value, actor);
      const status = command === 'person suspend' ? 'suspended' : 'active';
      await ctx.register.setPersonStatus(person.id, status, actor);
      ctx.out(`person ${person.deziNummer}: ${status}`);
      return 0;
    }
    case 'person rename': {
      const { values, positionals } = parseArgs({
        args,
        options: {
          voorletters: { type: 'string' },
          voorvoegsel: { type: 'string' },
          achternaam: { type: 'string' },
          operator: { type: 'string' },
        },
        allowPositionals: true,
        strict: true,
      });
      if (positionals.length !== 1) throw new CliUsageError('expected one Dezi-nummer');
      if (!values.voorletters || !values.achternaam)
        throw new CliUsageError('person rename needs --voorletters and --achternaam');
      const actor = operator(values.operator);
      const person = await personByNummer(ctx, positionals[0]!, actor);
      const renamed = await ctx.register.changeName(
        person.id,
        {
          voorletters: values.voorletters,
          voorvoegsel: values.voorvoegsel ?? null,
          achternaam: values.achternaam,
        },
        actor,
      );
      ctx.out(
        `person ${renamed.deziNummer}: ${[renamed.voorletters, renamed.voorvoegsel, renamed.achternaam].filter(Boolean).join(' ')}`,
      );
      return 0;
    }
    case 'person link-means': {
      const { values, positionals } = parseArgs({
        args,
        options: { means: { type: 'string' }, subject: { type: 'string' }, operator: { type: 'string' } },
        allowPositionals: true,
        strict: true,
      });
      if (positionals.length !== 1) throw new CliUsageError('expected one Dezi-nummer');
      if (!values.means || !values.subject)
        throw new CliUsageError('person link-means needs --means and --subject');
      const actor = operator(values.operator);
      const person = await personByNummer(ctx, positionals[0]!, actor);
      const linked = await ctx.register.linkMeans(person.id, values.means, values.subject, actor);
      // The subject is not echoed: for some means it identifies the person outside Dezi.
      ctx.out(`person ${person.deziNummer}: means ${linked.meansId} linked`);
      return 0;
    }
    case 'person show': {
      const { value, operator: actor } = positional(args, 'Dezi-nummer');
      const person = await personByNummer(ctx, value, actor);
      const [names, employments, means] = await Promise.all([
        ctx.register.nameHistory(person.id),
        ctx.register.employmentsOfPerson(person.id),
        ctx.register.listLinkedMeans(person.id),
      ]);
      ctx.out(
        JSON.stringify(
          {
            ...person,
            nameHistory: names,
            employments: employments.map((e) => ({
              id: e.id,
              abonneeNummer: e.abonnee.abonneeNummer,
              abonneeNaam: e.abonnee.naam,
              rolCode: e.rolCode,
              rolNaam: e.rolNaam,
              roleSource: e.roleSource,
              startDate: e.startDate,
              endDate: e.endDate,
              agb: e.agb,
              status: e.status,
            })),
            linkedMeans: means.map((m) => ({ id: m.id, meansId: m.meansId, preferred: m.preferred })),
          },
          null,
          2,
        ),
      );
      return 0;
    }
    case 'import uzi-register': {
      const { value: file, operator: actor } = positional(args, 'file');
      const started = Date.now();
      const progress = progressReporter(ctx, started);
      const summary = await importUziRegister(ctx.register, file, { actor, onProgress: progress });
      if (ctx.tty) ctx.err('');
      const { rejections, ...rest } = summary;
      ctx.out(
        JSON.stringify(
          {
            ...rest,
            seconds: Math.round((Date.now() - started) / 100) / 10,
            rejections: rejections.slice(0, 20),
          },
          null,
          2,
        ),
      );
      return 0;
    }
    case 'audit verify': {
      if (args.length > 0) throw new CliUsageError('audit verify takes no arguments');
      const result = await verifyAuditChain(ctx.db);
      for (const p of result.problems) ctx.err(`audit: ${p.message}`);
      ctx.out(
        result.head
          ? `${result.records} audit records; head: record ${result.head.seq}, hash ${result.head.hash}`
          : 'no audit records',
      );
      if (result.pending > 0)
        ctx.out(`${result.pending} newer record(s) not chained yet (written while verifying)`);
      if (result.problems.length > 0) {
        ctx.out(`the audit trail was altered: ${result.problems.length} problem(s)`);
        return 1;
      }
      ctx.out('the chain is intact');
      return 0;
    }
    default:
      return -1;
  }
}

/** A bar on a terminal; a line at every 5 % otherwise (logs, CI). */
function progressReporter(ctx: CliContext, started: number): (p: ImportProgress) => void {
  let lastStep = -1;
  let lastDraw = 0;
  return (p) => {
    const fraction = p.totalBytes === 0 ? 1 : Math.min(1, p.bytesRead / p.totalBytes);
    const rate = Math.round(p.rows / Math.max(0.001, (Date.now() - started) / 1000));
    const percent = Math.floor(fraction * 100);
    if (ctx.tty) {
      if (Date.now() - lastDraw < 100 && fraction < 1) return;
      lastDraw = Date.now();
      const width = 30;
      const filled = Math.round(fraction * width);
      process.stderr.write(
        `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(percent).padStart(3)}% ${p.rows} rows, ${rate}/s `,
      );
      return;
    }
    const step = Math.floor(percent / 5);
    if (step === lastStep) return;
    lastStep = step;
    ctx.err(`import: ${percent}% (${p.rows} rows, ${rate} rows/s)`);
  };
}
