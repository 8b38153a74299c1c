// Reads the production configuration of the Yivi and OpenID Connect means from one JSON file
// (DEZI_MEANS_FILE); keys and tokens are read from the files it names, never kept in it.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { JWK } from 'jose';
import { validateOidcMeansConfig, type OidcMeansConfig } from './oidc/config.ts';
import { MeansConfigError } from './means-config.ts';
import { validateYiviConfig, type YiviConfig } from './yivi/config.ts';

interface MeansFile {
  yivi?: Omit<YiviConfig, 'requestorToken' | 'serverPublicKeyPem'> & {
    requestorTokenFile: string;
    serverPublicKeyFile: string;
  };
  oidc?: (Omit<OidcMeansConfig, 'privateJwk'> & { privateKeyFile: string })[];
}

export interface MeansSettings {
  yivi: YiviConfig | null;
  oidcMeans: OidcMeansConfig[];
}

export function loadMeansFile(path: string | undefined): MeansSettings {
  if (!path) return { yivi: null, oidcMeans: [] };
  const read = (file: string, what: string): string => {
    try {
      return readFileSync(resolve(dirname(path), file), 'utf8').trim();
    } catch {
      throw new MeansConfigError(`${what}: cannot read ${file}`);
    }
  };
  let parsed: MeansFile;
  try {
    parsed = JSON.parse(read(path, 'DEZI_MEANS_FILE')) as MeansFile;
  } catch (err) {
    if (err instanceof MeansConfigError) throw err;
    throw new MeansConfigError('DEZI_MEANS_FILE is not valid JSON');
  }
  const y = parsed.yivi;
  const yivi = y
    ? validateYiviConfig({
        serverUrl: y.serverUrl,
        requestorToken: read(y.requestorTokenFile, 'yivi.requestorTokenFile'),
        serverPublicKeyPem: read(y.serverPublicKeyFile, 'yivi.serverPublicKeyFile'),
        jwtIssuer: y.jwtIssuer ?? 'irmaserver',
        attributes: y.attributes,
        category: y.category ?? 'wdo',
        timeoutMs: y.timeoutMs ?? 5000,
        sessionTtlSeconds: y.sessionTtlSeconds ?? 300,
      })
    : null;
  const oidcMeans = (parsed.oidc ?? []).map((o) => {
    let privateJwk: JWK;
    try {
      privateJwk = JSON.parse(read(o.privateKeyFile, `oidc means ${o.id} privateKeyFile`)) as JWK;
    } catch (err) {
      if (err instanceof MeansConfigError) throw err;
      throw new MeansConfigError(`oidc means ${o.id}: privateKeyFile is not a JSON JWK`);
    }
    const { privateKeyFile: _file, ...rest } = o;
    return validateOidcMeansConfig({
      ...rest,
      scope: rest.scope ?? 'openid',
      timeoutMs: rest.timeoutMs ?? 5000,
      privateJwk,
    });
  });
  const ids = oidcMeans.map((o) => o.id);
  if (new Set(ids).size !== ids.length) throw new MeansConfigError('oidc means ids must be unique');
  return { yivi, oidcMeans };
}
