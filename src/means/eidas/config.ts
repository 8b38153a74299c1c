// The eIDAS means' configuration (read from the environment in src/config.ts).
import type { SpType } from './attributes.ts';

/** Dezi as an SP behind the Dutch eIDAS connector (see docs/operations.md). */
export interface EidasConfig {
  /** The SP's entityID as registered with the connector; null: the SP metadata URL. */
  spEntityId: string | null;
  /** PEM files of the SP's signing key and certificate; null: generated (proeftuin only). */
  spKeyFiles: { key: string; cert: string } | null;
  /** Where the connector's SAML metadata is; null: the proeftuin's eIDAS node stand-in. */
  connectorMetadata: { kind: 'url'; url: string } | { kind: 'file'; path: string } | null;
  spType: SpType;
}
