// The signed revocation list (spec §6.3): every revoked verklaring that has not expired yet, signed
// with the eSeal key, for relying parties that check many verklaringen or keep a copy as a backup.
// Written as the real output writes it (see the reference README): header alg, typ, kid, jku;
// entries {verklaringId, revocatieTijdstip} in camelCase; exp, nbf and ververs_tijdstip as strings
// of epoch seconds; revocatieTijdstip in Dutch time with its offset.
//
// Built on a schedule and served from memory: a thousand pollers cost one query and one signature
// per refresh, and none per request.
import { randomUUID } from 'node:crypto';
import { CompactSign } from 'jose';
import { formatAmsterdam } from '../time.ts';
import { ESEAL_ALG, type EsealKey } from './eseal.ts';

export const REVOCATION_LIST_PATH = '/revocatiecontrole/v1';

export interface RevocationListSettings {
  /** The list's `iss`: the authority (the OpenID issuer), as in the real output. */
  iss: string;
  /** `json_schema` of the list. */
  schemaUri: string;
  /** The URL of the eSeal JWKS (the header's jku). */
  jku: string;
  /** How often the list is rebuilt; ververs_tijdstip is nbf plus this. */
  refreshSeconds: number;
  /** How long a copy may be relied on when Dezi cannot be reached (exp − nbf). */
  validitySeconds: number;
}

export interface BuiltList {
  jws: string;
  etag: string;
  /** Epoch seconds. */
  nbf: number;
  refreshAt: number;
  exp: number;
  entries: number;
}

/** Signs one list; pure apart from the clock and the random jti. */
export async function buildRevocationList(
  s: RevocationListSettings,
  key: EsealKey,
  revoked: { id: string; revokedAt: number }[],
  now = Date.now(),
): Promise<BuiltList> {
  const nbf = Math.floor(now / 1000);
  const refreshAt = nbf + s.refreshSeconds;
  const exp = nbf + s.validitySeconds;
  const payload = JSON.stringify({
    jti: randomUUID(),
    iss: s.iss,
    exp: String(exp),
    nbf: String(nbf),
    json_schema: s.schemaUri,
    ververs_tijdstip: String(refreshAt),
    revocaties: revoked.map((r) => ({
      verklaringId: r.id,
      revocatieTijdstip: formatAmsterdam(r.revokedAt * 1000),
    })),
  });
  const jws = await new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: ESEAL_ALG, typ: 'JWT', kid: key.kid, jku: s.jku })
    .sign(key.privateKey);
  return { jws, etag: `"${jws.slice(-43)}"`, nbf, refreshAt, exp, entries: revoked.length };
}

/**
 * The list an instance serves: rebuilt every refreshSeconds (and on demand after a rotation). When
 * a rebuild fails (the database is away) the last list is served until its exp, then none (503).
 */
export class RevocationListCache {
  readonly #settings: RevocationListSettings;
  readonly #key: () => EsealKey;
  readonly #revoked: () => Promise<{ id: string; revokedAt: number }[]>;
  readonly #onError: (err: unknown) => void;
  #list: BuiltList | null = null;
  #timer: NodeJS.Timeout | undefined;
  #building: Promise<void> | null = null;

  constructor(
    settings: RevocationListSettings,
    key: () => EsealKey,
    revoked: () => Promise<{ id: string; revokedAt: number }[]>,
    onError: (err: unknown) => void,
  ) {
    this.#settings = settings;
    this.#key = key;
    this.#revoked = revoked;
    this.#onError = onError;
  }

  get settings(): RevocationListSettings {
    return this.#settings;
  }

  /** The list to serve now, or null when there is no valid one. */
  current(now = Date.now()): BuiltList | null {
    const list = this.#list;
    return list && list.exp * 1000 > now ? list : null;
  }

  /** Builds now; concurrent calls share one build. Errors go to onError and leave the last list. */
  rebuild(): Promise<void> {
    this.#building ??= (async () => {
      try {
        this.#list = await buildRevocationList(this.#settings, this.#key(), await this.#revoked());
      } catch (err) {
        this.#onError(err);
      } finally {
        this.#building = null;
      }
    })();
    return this.#building;
  }

  async start(): Promise<void> {
    await this.rebuild();
    this.#timer = setInterval(() => void this.rebuild(), this.#settings.refreshSeconds * 1000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
