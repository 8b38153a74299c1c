// The wallet issuer's key as HAIP wants it: ES256 (P-256), the certificate chain in x5c, the credential
// issuer identifier's host named in the leaf's SAN. Read and checked once at start, so that a key that
// does not fit stops Dezi with the reason instead of issuing credentials no wallet accepts.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { ConfigError } from '../config.ts';
import { CertificateError, checkChainOrder, namesHost, parsePemChain, x5cOf } from '../pki/certificates.ts';
import type { IssuerKey } from './credential.ts';

/** The key and chain (PEM), checked against the issuer identifier (an https URL; http on loopback). */
export function issuerKeyFrom(material: { keyPem: string; chainPem: string }, issuer: string): IssuerKey {
  let key: KeyObject;
  try {
    key = createPrivateKey(material.keyPem);
  } catch {
    throw new ConfigError('the wallet issuer key is not a PEM private key');
  }
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType !== 'ec' || details?.namedCurve !== 'prime256v1')
    throw new ConfigError('the wallet issuer key must be an EC P-256 key (ES256, as HAIP requires)');
  let chain;
  try {
    chain = parsePemChain(material.chainPem, 'the wallet issuer certificate file');
    checkChainOrder(chain, 'the wallet issuer certificate chain');
  } catch (err) {
    if (err instanceof CertificateError) throw new ConfigError(err.message);
    throw err;
  }
  const leaf = chain[0]!;
  const privateJwk = key.export({ format: 'jwk' }) as JWK;
  const leafJwk = leaf.publicKey.export({ format: 'jwk' }) as JWK;
  if (leafJwk.x !== privateJwk.x || leafJwk.y !== privateJwk.y)
    throw new ConfigError('the wallet issuer certificate is not for the wallet issuer key');
  const now = Date.now();
  if (new Date(leaf.validTo).getTime() <= now || new Date(leaf.validFrom).getTime() > now)
    throw new ConfigError(
      `the wallet issuer certificate is not valid now (${leaf.validFrom} – ${leaf.validTo})`,
    );
  const host = new URL(issuer).hostname;
  if (!namesHost(leaf, host))
    throw new ConfigError(
      `the wallet issuer certificate's SAN does not name ${host}, the credential issuer's host`,
    );
  return { privateJwk, x5c: x5cOf(chain) };
}
