// DigiD from the configuration: the SP's identity and key, and where the IdP's metadata comes from
// (a file or URL, or a stand-in IdP that a test environment hands in); and DigiD as a Dezi module.
import { readFileSync } from 'node:fs';
import type { Database } from '../../db/database.ts';
import type { DeziModule } from '../../module.ts';
import type { Secrets } from '../../secrets.ts';
import { SamlKeyError } from '../saml/keys.ts';
import { metadataLoader } from '../saml/metadata.ts';
import { samlModule, samlSp, type SamlContext, type SamlSetup, type SamlStandIn } from '../saml/setup.ts';
import type { DigidConfig } from './config.ts';
import { DIGID_ACS_PATH, DIGID_SP_METADATA_PATH, createDigidMeans } from './digid.ts';

/** A DigiD IdP a test environment (the proeftuin) runs, used where the configuration names none. */
export type DigidStandIn = SamlStandIn;

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

export type DigidSetup = SamlSetup;

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
  const sp = await samlSp({
    issuer: config.issuer,
    entityId: digid.spEntityId,
    paths: { acs: DIGID_ACS_PATH, metadata: DIGID_SP_METADATA_PATH },
    keyFiles: digid.spKeyFiles,
    db,
    secrets,
    keyName: 'digid-sp',
    commonName: 'Dezi DigiD SP (proeftuin)',
  });
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

export type DigidContext = SamlContext;

/** DigiD as a module: the means, its SP routes, the stand-in IdP's when it uses one, its purge. */
export function digidModule(o: {
  /** Absent: DigiD with the stand-in if one is handed in, else none. Null: not offered. */
  config: DigidConfig | null | undefined;
  standIn?: DigidStandIn;
}): DeziModule<DigidContext> {
  return samlModule(
    'digid',
    (ctx) => digidFromConfig({ issuer: ctx.issuer, digid: o.config }, ctx.db, ctx.secrets, o.standIn),
    o.standIn,
  );
}
