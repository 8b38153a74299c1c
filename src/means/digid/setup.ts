// DigiD from the configuration: the SP's identity and key, and where the IdP's metadata comes from
// (a file or URL; in the proeftuin by default the stand-in's own metadata URL).
import { readFileSync } from 'node:fs';
import type { DeziConfig, DigidConfig } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import type { Secrets } from '../../secrets.ts';
import { DIGID_IDP_METADATA_PATH } from '../../proeftuin/digid-idp.ts';
import { DIGID_ACS_PATH, DIGID_SP_METADATA_PATH, createDigidMeans, type DigidSp } from './digid.ts';
import { SamlKeyError, readKeyPairFiles, storedKeyPair } from './keys.ts';
import { metadataLoader } from './metadata.ts';

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
  /** True when the IdP is the proeftuin's stand-in on this server. */
  standIn: boolean;
};

export const PROEFTUIN_DIGID: DigidConfig = {
  spEntityId: null,
  spKeyFiles: null,
  idpMetadata: null,
  responseBinding: 'artifact',
};

export async function digidFromConfig(
  config: DeziConfig,
  db: Database,
  secrets: Secrets,
): Promise<DigidSetup | null> {
  const proeftuin = config.mode === 'proeftuin';
  const digid = config.digid === undefined ? (proeftuin ? PROEFTUIN_DIGID : null) : config.digid;
  if (!digid) return null;
  if (!proeftuin && (!digid.idpMetadata || !digid.spKeyFiles)) {
    throw new Error('DigiD in production needs IdP metadata and the SP key files');
  }
  const sp: DigidSp = {
    entityId: digid.spEntityId ?? `${config.issuer}${DIGID_SP_METADATA_PATH}`,
    acsUrl: `${config.issuer}${DIGID_ACS_PATH}`,
    key: digid.spKeyFiles
      ? readKeyPairFiles(digid.spKeyFiles.key, digid.spKeyFiles.cert)
      : await storedKeyPair(db, secrets, 'digid-sp', 'Dezi DigiD SP (proeftuin)'),
  };
  const standIn = digid.idpMetadata === null;
  const metadata = metadataLoader(
    digid.idpMetadata ?? { kind: 'url', url: `${config.issuer}${DIGID_IDP_METADATA_PATH}` },
  );
  const created = createDigidMeans({
    db,
    secrets,
    sp,
    metadata,
    responseBinding: digid.responseBinding,
    displayName: proeftuin ? { nl: 'DigiD (proeftuin)', en: 'DigiD (proeftuin)' } : undefined,
    backChannelTls: digid.backChannelTls ? readTlsFiles(digid.backChannelTls) : null,
  });
  return { ...created, sp, standIn };
}
