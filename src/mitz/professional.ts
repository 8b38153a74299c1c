// The professional behind a request to Mitz, proven by their Dezi-verklaring, checked as any relying
// party checks one (koppelvlak §3.4, §6.2): the signature through the key its `jku` names, where the
// jku must be the trusted Dezi's JWKS (a verklaring naming another key set is refused before anything
// is fetched), its validity period, and its status at its `status_uri` (actief, now).
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { DeziError } from '../errors.ts';
import type { Professional } from './services.ts';

export class VerklaringRefused extends DeziError {
  override name = 'VerklaringRefused';
  constructor(detail: string) {
    super(detail, { status: 403, expose: true });
  }
}

const ESEAL_JWKS_PATH = '/dezi/jwks.json';
const STATUS_TIMEOUT_MS = 5000;

export class VerklaringCheck {
  readonly #authority: string;
  readonly #jwksUrl: string;
  readonly #jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(authority: string) {
    this.#authority = authority.replace(/\/+$/, '');
    this.#jwksUrl = `${this.#authority}${ESEAL_JWKS_PATH}`;
    this.#jwks = createRemoteJWKSet(new URL(this.#jwksUrl), {
      cooldownDuration: 30_000,
      cacheMaxAge: 600_000,
    });
  }

  async check(jws: unknown): Promise<Professional> {
    if (typeof jws !== 'string' || jws.length > 16_384 || jws.split('.').length !== 3)
      throw new VerklaringRefused('the Dezi-verklaring must be a compact JWS');
    let header;
    try {
      header = decodeProtectedHeader(jws);
    } catch {
      throw new VerklaringRefused('the Dezi-verklaring has no readable header');
    }
    if (header.jku !== this.#jwksUrl)
      throw new VerklaringRefused(`the verklaring's jku must be ${this.#jwksUrl}`);
    let payload;
    try {
      ({ payload } = await jwtVerify(jws, this.#jwks, {
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'nbf', 'verklaring_id', 'dezi_nummer', 'abonnee_nummer', 'status_uri'],
        clockTolerance: 5,
      }));
    } catch (err) {
      if (err instanceof joseErrors.JOSEError)
        throw new VerklaringRefused(`the Dezi-verklaring is not valid: ${err.code}`);
      throw err;
    }
    const text = (name: string) => {
      const v = payload[name];
      return typeof v === 'string' ? v : '';
    };
    const statusUri = text('status_uri');
    if (!statusUri.startsWith(`${this.#authority}/`))
      throw new VerklaringRefused("the verklaring's status_uri is not the trusted Dezi's");
    let status: unknown;
    try {
      const res = await fetch(statusUri, {
        signal: AbortSignal.timeout(STATUS_TIMEOUT_MS),
        headers: { accept: 'application/json' },
      });
      status = res.ok ? ((await res.json()) as { status?: unknown }).status : `HTTP ${res.status}`;
    } catch {
      throw new DeziError("the verklaring's status could not be read", { status: 503, expose: true });
    }
    if (status !== 'actief')
      throw new VerklaringRefused(`the Dezi-verklaring is not active (${String(status)})`);
    return {
      deziNummer: text('dezi_nummer'),
      naam: [text('voorletters'), text('voorvoegsel'), text('achternaam')].filter(Boolean).join(' '),
      rolCode: text('rol_code'),
      rolNaam: text('rol_naam'),
      abonneeNummer: text('abonnee_nummer'),
      abonneeNaam: text('abonnee_naam'),
      verklaringId: text('verklaring_id'),
    };
  }
}
