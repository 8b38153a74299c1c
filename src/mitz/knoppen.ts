// The dossierhoudersknop and the raadplegersknop: a care provider's system records the choice a
// citizen made in the consulting room, in one of the fixed situations (codes.ts SITUATIES, each with
// the question put to the citizen). Two proofs are needed: the system's client assertion (which
// abonnee calls) and the professional's Dezi-verklaring (who asked the citizen: signature through its
// jku, status actief), and the two must name the same abonnee. The citizen sees in MijnMitz who
// recorded what.
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import { describeError } from '../errors.ts';
import { Bsn, InvalidBsnError } from '../means/bsn.ts';
import type { RecordedBy } from './choices.ts';
import { categoryOfFacility, isSituatie, SITUATIES, type Situatie } from './codes.ts';
import { MitzAuthError } from './errors.ts';
import { problemsFor, Unprocessable } from './problem.ts';
import type { CallingSystem, MitzServices } from './services.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The system that called, once authenticated (for the audit of a refusal). */
    mitzSystem: CallingSystem | null;
  }
}

export const KNOPPEN_PATH = '/knoppen/v1';

const KNOPPEN = ['dossierhouder', 'raadpleger'] as const;
type Knop = (typeof KNOPPEN)[number];

const recordSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['knop', 'situatie', 'bsn', 'zorgaanbiedertype', 'toestemming', 'verklaring'],
  properties: {
    knop: { type: 'string', enum: [...KNOPPEN] },
    situatie: { type: 'string', maxLength: 20 },
    bsn: { type: 'string', maxLength: 20 },
    zorgaanbiedertype: { type: 'string', maxLength: 10 },
    toestemming: { type: 'boolean' },
    verklaring: { type: 'string', maxLength: 16384 },
  },
} as const;

interface RecordBody {
  knop: Knop;
  situatie: string;
  bsn: string;
  zorgaanbiedertype: string;
  toestemming: boolean;
  verklaring: string;
}

const situationView = (code: Situatie) => {
  const s = SITUATIES[code];
  return {
    situatie: code,
    vraag: s.vraag,
    gegevenscategorie: s.gegevenscategorie,
    dossierhouder: s.dossierhouder,
    raadpleger: s.raadpleger,
  };
};

export async function knoppenRoutes(app: FastifyInstance, s: MitzServices): Promise<void> {
  await app.register(async (scope) => {
    problemsFor(scope);
    scope.decorateRequest('mitzSystem', null);

    scope.get(`${KNOPPEN_PATH}/situaties`, async (_req, reply) =>
      reply.header('cache-control', 'public, max-age=3600').send({
        situaties: (Object.keys(SITUATIES) as Situatie[]).map(situationView),
      }),
    );

    // A refusal is in the trail too: which system tried what, and why (never the BSN).
    scope.addHook('onError', async (req, reply, err) => {
      if (!req.routeOptions.url?.endsWith(`${KNOPPEN_PATH}/keuzes`)) return;
      const body = (req.body ?? {}) as Partial<RecordBody>;
      await recordAudit(s.db, {
        actor: { kind: 'system' },
        action: 'mitz.choice.record',
        outcome: 'failure',
        clientId: req.mitzSystem?.clientId ?? null,
        abonneeNummer: req.mitzSystem?.abonneeNummer ?? null,
        detail: {
          status: reply.statusCode >= 400 ? reply.statusCode : describeError(err).status,
          reason: describeError(err).detail.slice(0, 200),
          knop: typeof body.knop === 'string' ? body.knop.slice(0, 20) : null,
          situatie: typeof body.situatie === 'string' ? body.situatie.slice(0, 20) : null,
        },
      }).catch((e: unknown) => req.log.warn({ err: { message: (e as Error).message } }, 'audit failed'));
    });

    scope.post(`${KNOPPEN_PATH}/keuzes`, { schema: { body: recordSchema } }, async (req, reply) => {
      const system = await s.systems.authenticate(req);
      req.mitzSystem = system;
      const body = req.body as RecordBody;
      if (!isSituatie(body.situatie))
        throw new Unprocessable(`unknown situatie ${body.situatie}`, '/situatie');
      const situatie = SITUATIES[body.situatie];
      const category = categoryOfFacility(body.zorgaanbiedertype);
      if (!category)
        throw new Unprocessable(`unknown zorgaanbiedertype ${body.zorgaanbiedertype}`, '/zorgaanbiedertype');
      // The dossierhoudersknop is pressed at the dossierhouder, the raadplegersknop at the raadpleger.
      const side = body.knop === 'dossierhouder' ? situatie.dossierhouder : situatie.raadpleger;
      if (category !== side)
        throw new Unprocessable(
          `situatie ${body.situatie} is recorded with the ${body.knop}sknop by a ${side} provider, not ${category}`,
          '/zorgaanbiedertype',
        );
      let bsn: Bsn;
      try {
        bsn = Bsn.parse(body.bsn);
      } catch (err) {
        if (err instanceof InvalidBsnError) throw new Unprocessable('the bsn is not a valid BSN', '/bsn');
        throw err;
      }
      const professional = await s.professionals.check(body.verklaring);
      if (professional.abonneeNummer !== system.abonneeNummer)
        throw new MitzAuthError(
          403,
          "the professional's verklaring is for another abonnee than the calling system",
        );

      const citizenId = await s.citizens.ensure(bsn);
      const by: RecordedBy = {
        kind: 'professional',
        knop: body.knop,
        situatie: body.situatie,
        deziNummer: professional.deziNummer,
        naam: professional.naam,
        rolCode: professional.rolCode,
        rolNaam: professional.rolNaam,
        abonneeNummer: professional.abonneeNummer,
        abonneeNaam: professional.abonneeNaam,
        clientId: system.clientId,
      };
      const changed = await s.choices.change(
        citizenId,
        [
          {
            gegevenscategorie: situatie.gegevenscategorie,
            dossierhouder: situatie.dossierhouder,
            raadpleger: situatie.raadpleger,
            permit: body.toestemming,
          },
        ],
        by,
        {
          kind: 'person',
          deziNummer: professional.deziNummer,
          abonneeNummer: professional.abonneeNummer,
          clientId: system.clientId,
        },
      );
      return reply
        .code(changed > 0 ? 201 : 200)
        .header('cache-control', 'no-store')
        .send({
          ...situationView(body.situatie),
          knop: body.knop,
          toestemming: body.toestemming,
          gewijzigd: changed > 0,
        });
    });
  });
}
