// Mitz, the national consent service, as a module of its own under /mitz: MijnMitz for the citizen,
// the dossierhouders- and raadplegersknop for care providers' systems, the closed authorisation
// question (XACML over SOAP, and JSON), and FHIR subscriptions with their notifications. It has its
// own tables (migration 013) and reaches the rest of Dezi only through what its context hands it:
// the DigiD means (through the means registry), the audit trail, and a system authenticator.
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.ts';
import type { MeansRegistry } from '../means/registry.ts';
import type { DeziModule } from '../module.ts';
import type { Secrets } from '../secrets.ts';
import type { Web } from '../web/web.ts';
import { Bsn } from '../means/bsn.ts';
import { Choices, type ChoiceChange } from './choices.ts';
import { Citizens } from './citizens.ts';
import type { MitzConfig } from './config.ts';
import { knoppenRoutes } from './knoppen.ts';
import { mijnMitzRoutes } from './mijn-mitz.ts';
import { Notifier } from './notifications.ts';
import { VerklaringCheck } from './professional.ts';
import { questionRoutes } from './question.ts';
import type { MitzServices, SystemAuthenticator } from './services.ts';
import { subscriptionRoutes } from './subscriptions.ts';

export const MITZ_PREFIX = '/mitz';

export interface MitzContext {
  issuer: string;
  db: Database;
  secrets: Secrets;
  web: Web;
  log: FastifyBaseLogger;
  means: MeansRegistry;
}

/** A citizen with choices already made (the proeftuin's test citizens). */
export interface MitzSeedCitizen {
  bsn: string;
  choices: ChoiceChange[];
}

/**
 * Gives each seed citizen their choices, once: a citizen with any history is left as they are (a
 * vendor may have changed them), and of instances starting together the second changes nothing.
 */
async function seed(citizens: Citizens, choices: Choices, seedCitizens: MitzSeedCitizen[]): Promise<void> {
  for (const c of seedCitizens) {
    const citizenId = await citizens.ensure(Bsn.parse(c.bsn));
    if (c.choices.length === 0 || (await choices.history(citizenId, 1)).length > 0) continue;
    await choices.change(citizenId, c.choices, { kind: 'citizen' }, { kind: 'system' });
  }
}

export function mitzModule(o: {
  config?: MitzConfig;
  systems: SystemAuthenticator;
  /** Test citizens to give their choices at start (proeftuin mode). */
  seed?: MitzSeedCitizen[];
}): DeziModule<MitzContext> {
  return {
    name: 'mitz',
    async setup(ctx) {
      const config = o.config ?? {};
      const citizens = new Citizens(ctx.db, ctx.secrets);
      const choices = new Choices(ctx.db, citizens);
      const s: MitzServices = {
        ...ctx,
        base: `${ctx.issuer}${MITZ_PREFIX}`,
        citizens,
        choices,
        systems: o.systems,
        professionals: new VerklaringCheck(config.deziAuthority ?? ctx.issuer),
        config,
      };
      const notifier = new Notifier(s);
      choices.onChange((tx, citizenId) => notifier.enqueue(tx, citizenId));
      if (o.seed) await seed(citizens, choices, o.seed);
      return {
        routes: async (app) => {
          await app.register(
            async (scope) => {
              await mijnMitzRoutes(scope, s);
              await knoppenRoutes(scope, s);
              await questionRoutes(scope, s);
              await subscriptionRoutes(scope, s);
            },
            { prefix: MITZ_PREFIX },
          );
        },
        onReady: async () => notifier.start(),
        onClose: async () => notifier.stop(),
        purge: () => notifier.purge(),
        banner: [
          `  Mitz:        ${s.base}   (MijnMitz, the closed question ${s.base}/geslotenautorisatievraag/xacml3)`,
        ],
      };
    },
  };
}
