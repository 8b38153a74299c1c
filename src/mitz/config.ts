// Mitz's own configuration (read from the environment in src/config.ts).
export interface MitzConfig {
  /**
   * The Dezi whose verklaringen Mitz accepts from professionals: its authority (a verklaring's jku
   * must be `<authority>/dezi/jwks.json`, its status_uri under the authority). Default: this Dezi.
   */
  deziAuthority?: string;
  /**
   * Mutual TLS for the systems that call Mitz, terminated by a proxy in front (docs/mitz.md shows
   * nginx): requests must come from one of these socket addresses and carry the proxy's
   * verification header with SUCCESS. Null: not required (the proeftuin, tests).
   */
  mtls?: { proxies: string[]; verifyHeader: string } | null;
  /** How often the notification worker looks for due deliveries (milliseconds). */
  deliveryPollMs?: number;
  /**
   * How many subscription requests (POST) one system may send per window, counted in the database
   * across instances. Default: 1200 per 60 seconds.
   */
  subscriptionLimit?: { max: number; windowSeconds: number };
}
