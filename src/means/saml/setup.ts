// What every SAML means' setup shares: the SP's identity and key (files in production, a generated
// pair kept in the database in a test environment), the stand-in IdP a test environment hands in,
// and the means as a Dezi module (the means, its SP routes, the stand-in's routes, the purge).
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.ts';
import type { DeziModule, Routes } from '../../module.ts';
import type { Secrets } from '../../secrets.ts';
import type { Web } from '../../web/web.ts';
import type { LoginMeans } from '../means.ts';
import type { MeansRegistry } from '../registry.ts';
import { readKeyPairFiles, storedKeyPair } from './keys.ts';
import { purgeSamlState } from './requests.ts';
import type { SamlSp } from './sp.ts';

/** An IdP a test environment (the proeftuin) runs, used where the configuration names none. */
export interface SamlStandIn {
  /** Where the stand-in publishes its SAML metadata. */
  idpMetadataUrl: string;
  /** The means' name on the choice page while the test environment runs. */
  displayName: { nl: string; en: string };
  /** The stand-in's routes, serving this SP; registered only when the means uses the stand-in. */
  routes(sp: SamlSp): Routes;
}

/**
 * The SP: its entityID (by default the URL of its metadata), its assertion consumer service, and its
 * key from the files, or without files (only with a stand-in) generated once and kept under keyName.
 */
export async function samlSp(o: {
  issuer: string;
  entityId: string | null;
  paths: { acs: string; metadata: string };
  keyFiles: { key: string; cert: string } | null;
  db: Database;
  secrets: Secrets;
  keyName: string;
  commonName: string;
}): Promise<SamlSp> {
  return {
    entityId: o.entityId ?? `${o.issuer}${o.paths.metadata}`,
    acsUrl: `${o.issuer}${o.paths.acs}`,
    key: o.keyFiles
      ? readKeyPairFiles(o.keyFiles.key, o.keyFiles.cert)
      : await storedKeyPair(o.db, o.secrets, o.keyName, o.commonName),
  };
}

export interface SamlContext {
  issuer: string;
  db: Database;
  secrets: Secrets;
  web: Web;
  means: MeansRegistry;
}

/** A SAML means as set up from its configuration; null when it is not offered. */
export interface SamlSetup {
  means: LoginMeans;
  routes: (app: FastifyInstance, d: { web: Web }) => Promise<void>;
  sp: SamlSp;
  /** True when the IdP is the stand-in handed in. */
  standIn: boolean;
}

/** A SAML means as a module: the means, its SP routes, the stand-in IdP's when it uses one, its purge. */
export function samlModule(
  name: string,
  setup: (ctx: SamlContext) => Promise<SamlSetup | null>,
  standIn?: SamlStandIn,
): DeziModule<SamlContext> {
  return {
    name,
    async setup(ctx) {
      const saml = await setup(ctx);
      if (saml) ctx.means.register(saml.means);
      const standInRoutes = saml?.standIn ? standIn!.routes(saml.sp) : null;
      return {
        routes: async (app) => {
          if (saml) await app.register(saml.routes, { web: ctx.web });
          if (standInRoutes) await app.register(standInRoutes);
        },
        // Also without the means now: rows of an earlier configuration still expire.
        purge: () => purgeSamlState(ctx.db),
      };
    },
  };
}
