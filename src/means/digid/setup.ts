// DigiD from the configuration: the SP's identity and key, and where the IdP's metadata comes from
// (a file or URL, or a stand-in IdP that a test environment hands in); and DigiD as a Dezi module.
import { readFileSync } from 'node:fs';
import type { Database } from '../../db/database.ts';
import type { DeziModule, Routes } from '../../module.ts';
import type { Secrets } from '../../secrets.ts';
import type { Web } from '../../web/web.ts';
import type { MeansRegistry } from '../registry.ts';
import type { DigidConfig } from './config.ts';
import { DIGID_ACS_PATH, DIGID_SP_METADATA_PATH, createDigidMeans, type DigidSp } from './digid.ts';
import { SamlKeyError, readKeyPairFiles, storedKeyPair } from '../saml/keys.ts';
import { metadataLoader } from '../saml/metadata.ts';
import { purgeSamlState } from '../saml/requests.ts';

/** A DigiD IdP a test environment (the proeftuin) runs, used where the configuration names none. */
export interface DigidStandIn {
  /** Where the stand-in publishes its SAML metadata. */
  idpMetadataUrl: string;
  /** DigiD's name on the choice page while the test environment runs. */
  displayName: { nl: string; en: string };
  /** The stand-in's routes, serving this SP; registered only when DigiD uses the stand-in. */
  routes(sp: DigidSp): Routes;
}

/** The back channel's client certificate (when configured) and CAs (when configured), read. */
function readTlsFiles(files: NonNullable<DigidConfig['backChannelTls']>) {
  try {
    return {
      key: files.key ? readFileSync(files.key, 'utf8') : undefined,
      cert: files.cert ? readFileSync(files.cert, 'utf8') : undefined,
      ca: files.ca ? readFileSync(files.ca, 'utf8') : undefined,
    };
  } catch (err) {
    throw new SamlKeyError(`cannot read the DigiD back-channel TLS files: ${(err as Error).message}`);
  }
}

export type DigidSetup = ReturnType<typeof createDigidMeans> & {
  sp: DigidSp;
  /** True when the IdP is the stand-in handed in. */
  standIn: boolean;
};

/** Nothing configured and a stand-in handed in: the stand-in, a generated SP key, the artifact binding. */
const STAND_IN_DEFAULT: DigidConfig = {
  spEntityId: null,
  spKeyFiles: null,
  idpMetadata: null,
  responseBinding: 'artifact',
};

export async function digidFromConfig(
  config: { issuer: string; digid?: DigidConfig | null },
  db: Database,
  secrets: Secrets,
  standIn?: DigidStandIn,
): Promise<DigidSetup | null> {
  const digid = config.digid === undefined ? (standIn ? STAND_IN_DEFAULT : null) : config.digid;
  if (!digid) return null;
  // Without a stand-in (production) there is no IdP to fall back on and no generated key to accept.
  if (!standIn && (!digid.idpMetadata || !digid.spKeyFiles)) {
    throw new Error('DigiD in production needs IdP metadata and the SP key files');
  }
  const sp: DigidSp = {
    entityId: digid.spEntityId ?? `${config.issuer}${DIGID_SP_METADATA_PATH}`,
    acsUrl: `${config.issuer}${DIGID_ACS_PATH}`,
    key: digid.spKeyFiles
      ? readKeyPairFiles(digid.spKeyFiles.key, digid.spKeyFiles.cert)
      : await storedKeyPair(db, secrets, 'digid-sp', 'Dezi DigiD SP (proeftuin)'),
  };
  const metadata = metadataLoader(digid.idpMetadata ?? { kind: 'url', url: standIn!.idpMetadataUrl });
  const created = createDigidMeans({
    db,
    secrets,
    sp,
    metadata,
    responseBinding: digid.responseBinding,
    displayName: standIn?.displayName,
    backChannelTls: digid.backChannelTls ? readTlsFiles(digid.backChannelTls) : null,
  });
  return { ...created, sp, standIn: digid.idpMetadata === null };
}

export interface DigidContext {
  issuer: string;
  db: Database;
  secrets: Secrets;
  web: Web;
  means: MeansRegistry;
}

/** DigiD as a module: the means, its SP routes, the stand-in IdP's when it uses one, its purge. */
export function digidModule(o: {
  /** Absent: DigiD with the stand-in if one is handed in, else none. Null: not offered. */
  config: DigidConfig | null | undefined;
  standIn?: DigidStandIn;
}): DeziModule<DigidContext> {
  return {
    name: 'digid',
    async setup(ctx) {
      const digid = await digidFromConfig(
        { issuer: ctx.issuer, digid: o.config },
        ctx.db,
        ctx.secrets,
        o.standIn,
      );
      if (digid) ctx.means.register(digid.means);
      const standInRoutes = digid?.standIn ? o.standIn!.routes(digid.sp) : null;
      return {
        routes: async (app) => {
          if (digid) await app.register(digid.routes, { web: ctx.web });
          if (standInRoutes) await app.register(standInRoutes);
        },
        // Also without DigiD now: rows of an earlier configuration still expire.
        purge: () => purgeSamlState(ctx.db),
      };
    },
  };
}
