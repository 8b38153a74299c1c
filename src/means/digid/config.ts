// DigiD's configuration (read from the environment in src/config.ts).

/** DigiD as a SAML service provider (see docs/operations.md). */
export interface DigidConfig {
  /** The SP's entityID, as registered with Logius. */
  spEntityId: string | null;
  /** PEM files of the SP's signing key and certificate; null: generated (proeftuin only). */
  spKeyFiles: { key: string; cert: string } | null;
  /** Where the IdP's SAML metadata is; null: the proeftuin's DigiD stand-in. */
  idpMetadata: { kind: 'url'; url: string } | { kind: 'file'; path: string } | null;
  /** How the IdP is asked to deliver its Response. */
  responseBinding: 'artifact' | 'post';
  /**
   * PEM files for TLS on the artifact back channel: the client certificate for mutual TLS (key and
   * cert together, or neither), and the CAs the IdP's server certificate must chain to (null: the
   * system's). Each may be set without the other; absent or null: neither.
   */
  backChannelTls?:
    { key: string; cert: string; ca: string | null } | { key: null; cert: null; ca: string } | null;
}
