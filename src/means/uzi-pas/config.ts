// The UZI-pas means' configuration (read from the environment in src/config.ts).

/** The UZI-pas login means (see docs/operations.md). */
export interface UziPasConfig {
  /** Our own HTTPS listener that asks for the client certificate. */
  listener: {
    host: string;
    port: number;
    /** Files with the listener's TLS certificate and key; null: the proeftuin's TEST certificate. */
    tls: { certFile: string; keyFile: string } | null;
  } | null;
  /** A reverse proxy terminates TLS and forwards the certificate in a header. */
  proxy: { addresses: string[]; header: string } | null;
  /** Public URL of the certificate endpoint (the listener's or the proxied path). */
  certificateUrl: string;
  /** PEM files with the UZI CA certificates; empty in the proeftuin: its TEST CAs. */
  caFiles: string[];
  /** CRL files or http(s) URLs; empty in the proeftuin: the TEST CAs' lists. */
  crlSources: ({ kind: 'file'; path: string } | { kind: 'url'; url: string })[];
  crlRefreshSeconds: number;
  crlGraceSeconds: number;
  /** Where the proeftuin keeps its TEST UZI CA and cards; null: in memory. */
  testPkiDir: string | null;
}
