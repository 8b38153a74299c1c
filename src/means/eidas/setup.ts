// The eIDAS means from the configuration: the SP's identity and key, and where the connector's
// metadata comes from (a file or URL, or the eIDAS node stand-in a test environment hands in); and
// the means as a Dezi module, the same SAML module as DigiD's.
import type { Database } from '../../db/database.ts';
import type { DeziModule } from '../../module.ts';
import type { Secrets } from '../../secrets.ts';
import { metadataLoader } from '../saml/metadata.ts';
import { samlModule, samlSp, type SamlContext, type SamlSetup, type SamlStandIn } from '../saml/setup.ts';
import type { EidasConfig } from './config.ts';
import { EIDAS_ACS_PATH, EIDAS_SP_METADATA_PATH, createEidasMeans } from './eidas.ts';

/** Nothing configured and a stand-in handed in: the stand-in, a generated SP key, a public SP. */
const STAND_IN_DEFAULT: EidasConfig = {
  spEntityId: null,
  spKeyFiles: null,
  connectorMetadata: null,
  spType: 'public',
};

export async function eidasFromConfig(
  config: { issuer: string; eidas?: EidasConfig | null },
  db: Database,
  secrets: Secrets,
  standIn?: SamlStandIn,
): Promise<SamlSetup | null> {
  const eidas = config.eidas === undefined ? (standIn ? STAND_IN_DEFAULT : null) : config.eidas;
  if (!eidas) return null;
  // Without a stand-in (production) there is no node to fall back on and no generated key to accept.
  if (!standIn && (!eidas.connectorMetadata || !eidas.spKeyFiles)) {
    throw new Error('eIDAS in production needs the connector metadata and the SP key files');
  }
  const sp = await samlSp({
    issuer: config.issuer,
    entityId: eidas.spEntityId,
    paths: { acs: EIDAS_ACS_PATH, metadata: EIDAS_SP_METADATA_PATH },
    keyFiles: eidas.spKeyFiles,
    db,
    secrets,
    keyName: 'eidas-sp',
    commonName: 'Dezi eIDAS SP (proeftuin)',
  });
  const created = createEidasMeans({
    db,
    secrets,
    sp,
    metadata: metadataLoader(eidas.connectorMetadata ?? { kind: 'url', url: standIn!.idpMetadataUrl }),
    spType: eidas.spType,
    displayName: standIn?.displayName,
  });
  return { ...created, sp, standIn: eidas.connectorMetadata === null };
}

/** eIDAS as a module; absent config: the stand-in if one is handed in, else none. Null: not offered. */
export function eidasModule(o: {
  config: EidasConfig | null | undefined;
  standIn?: SamlStandIn;
}): DeziModule<SamlContext> {
  return samlModule(
    'eidas',
    (ctx) => eidasFromConfig({ issuer: ctx.issuer, eidas: o.config }, ctx.db, ctx.secrets, o.standIn),
    o.standIn,
  );
}
