// SAML 2.0 metadata: the IdP's (where to send the AuthnRequest, where to resolve artifacts, which
// certificates sign) read from standard metadata, so that any conformant IdP works; and the SP's own,
// published for exchange with Logius.
import { readFileSync } from 'node:fs';
import { upstreamFetch } from '../http.ts';
import { MeansError } from '../means.ts';
import { certificateBody } from './keys.ts';
import {
  BINDING,
  NS,
  XmlError,
  childElements,
  isElement,
  parseXml,
  textOf,
  xmlEscape,
  type XmlElement,
} from './xml.ts';
import { DeziError } from '../../errors.ts';

export interface IdpMetadata {
  entityId: string;
  /** PEM certificates whose keys may sign the IdP's messages. */
  signingCertificates: string[];
  /** SingleSignOnService with the HTTP-Redirect binding. */
  ssoRedirectUrl: string;
  /** ArtifactResolutionService (SOAP binding) by endpoint index. */
  artifactResolution: Map<number, string>;
}

export class MetadataError extends DeziError {
  override name = 'MetadataError';
}

function toPem(body: string): string {
  const clean = body.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${clean.replace(/(.{64})/g, '$1\n').trim()}\n-----END CERTIFICATE-----\n`;
}

function absoluteUrl(value: string | null, what: string): string {
  try {
    const url = new URL(value ?? '');
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
    return url.href;
  } catch {
    throw new MetadataError(`${what} is not an absolute http(s) URL`);
  }
}

export function parseIdpMetadata(xml: string): IdpMetadata {
  let root: XmlElement;
  try {
    root = parseXml(xml).documentElement;
  } catch (err) {
    if (err instanceof XmlError) throw new MetadataError(`IdP metadata: ${err.message}`);
    throw err;
  }
  let entity: XmlElement;
  if (isElement(root, NS.md, 'EntityDescriptor')) entity = root;
  else if (isElement(root, NS.md, 'EntitiesDescriptor')) {
    const idps = childElements(root, NS.md, 'EntityDescriptor').filter(
      (e) => childElements(e, NS.md, 'IDPSSODescriptor').length > 0,
    );
    if (idps.length !== 1)
      throw new MetadataError('IdP metadata must describe exactly one identity provider');
    entity = idps[0]!;
  } else throw new MetadataError('IdP metadata must be an md:EntityDescriptor');

  const entityId = entity.getAttribute('entityID');
  if (!entityId) throw new MetadataError('IdP metadata has no entityID');
  const descriptors = childElements(entity, NS.md, 'IDPSSODescriptor');
  if (descriptors.length !== 1) throw new MetadataError('IdP metadata must hold one IDPSSODescriptor');
  const idp = descriptors[0]!;
  if (!(idp.getAttribute('protocolSupportEnumeration') ?? '').split(/\s+/).includes(NS.samlp)) {
    throw new MetadataError('the IdP does not support SAML 2.0');
  }

  const signingCertificates = childElements(idp, NS.md, 'KeyDescriptor')
    .filter((k) => (k.getAttribute('use') || 'signing') === 'signing')
    .flatMap((k) => Array.from(k.getElementsByTagNameNS(NS.ds, 'X509Certificate')))
    .map((c) => toPem(textOf(c) ?? ''));
  if (signingCertificates.length === 0) throw new MetadataError('IdP metadata has no signing certificate');

  const sso = childElements(idp, NS.md, 'SingleSignOnService').find(
    (s) => s.getAttribute('Binding') === BINDING.redirect,
  );
  if (!sso) throw new MetadataError('IdP metadata has no SingleSignOnService with the HTTP-Redirect binding');

  const artifactResolution = new Map<number, string>();
  for (const ars of childElements(idp, NS.md, 'ArtifactResolutionService')) {
    if (ars.getAttribute('Binding') !== BINDING.soap) continue;
    const index = Number(ars.getAttribute('index'));
    if (!Number.isInteger(index) || index < 0 || index > 0xffff) {
      throw new MetadataError('ArtifactResolutionService has no valid index');
    }
    artifactResolution.set(index, absoluteUrl(ars.getAttribute('Location'), 'ArtifactResolutionService'));
  }

  return {
    entityId,
    signingCertificates,
    ssoRedirectUrl: absoluteUrl(sso.getAttribute('Location'), 'SingleSignOnService'),
    artifactResolution,
  };
}

export type MetadataSource = { kind: 'url'; url: string } | { kind: 'file'; path: string };

/**
 * The IdP's metadata, read when first needed and again after refreshMs. A URL that does not answer
 * is a MeansError('unavailable'), so that the login page shows DigiD as unavailable, not broken.
 * A stale copy is kept when a refresh fails.
 */
export function metadataLoader(
  source: MetadataSource,
  o: { refreshMs?: number; timeoutMs?: number } = {},
): () => Promise<IdpMetadata> {
  const refreshMs = o.refreshMs ?? 3_600_000;
  let cached: { at: number; metadata: IdpMetadata } | null = null;
  return async () => {
    if (cached && Date.now() - cached.at < refreshMs) return cached.metadata;
    try {
      let xml: string;
      if (source.kind === 'file') xml = readFileSync(source.path, 'utf8');
      else {
        const res = await upstreamFetch(source.url, { method: 'GET', timeoutMs: o.timeoutMs ?? 5000 });
        if (res.status !== 200) throw new MeansError('unavailable', `IdP metadata answered ${res.status}`);
        xml = res.body;
      }
      cached = { at: Date.now(), metadata: parseIdpMetadata(xml) };
      return cached.metadata;
    } catch (err) {
      if (cached) return cached.metadata;
      if (err instanceof MeansError) throw err;
      throw new MeansError('unavailable', `IdP metadata: ${(err as Error).message}`, { cause: err });
    }
  };
}

/** The SP's metadata: signing certificate, the assertion consumer service's bindings (default both). */
export function spMetadataXml(o: {
  entityId: string;
  acsUrl: string;
  certificate: string;
  acsBindings?: readonly ('artifact' | 'post')[];
}): string {
  const cert = certificateBody(o.certificate);
  const acs = xmlEscape(o.acsUrl);
  const services = (o.acsBindings ?? ['artifact', 'post']).map(
    (b, i) =>
      `<md:AssertionConsumerService Binding="${BINDING[b]}" Location="${acs}" index="${i}"${i === 0 ? ' isDefault="true"' : ''}/>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="${NS.md}" xmlns:ds="${NS.ds}" entityID="${xmlEscape(o.entityId)}">
  <md:SPSSODescriptor protocolSupportEnumeration="${NS.samlp}" AuthnRequestsSigned="true" WantAssertionsSigned="true">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:KeyDescriptor use="encryption"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    ${services.join('\n    ')}
  </md:SPSSODescriptor>
</md:EntityDescriptor>
`;
}
