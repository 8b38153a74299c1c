// The requestor side of the Yivi (IRMA) server REST API: start a session, read its status, fetch
// the signed result. Every call goes through upstreamFetch (timeout, size limit).
import { upstreamFetch } from '../http.ts';
import { MeansError } from '../means.ts';

export interface SessionPointer {
  u: string;
  irmaqr: string;
}

export interface StartedSession {
  /** The requestor token: reads status and result; never shown to the browser. */
  token: string;
  sessionPtr: SessionPointer;
}

export const SESSION_STATUSES = [
  'INITIALIZED',
  'PAIRING',
  'CONNECTED',
  'DONE',
  'CANCELLED',
  'TIMEOUT',
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

const TOKEN = /^[A-Za-z0-9_-]{10,128}$/;

export interface IrmaServerOptions {
  url: string;
  /** Sent as the Authorization header (irma server's "token" requestor authentication). */
  requestorToken: string;
  timeoutMs: number;
}

export class IrmaServer {
  readonly #o: IrmaServerOptions;

  constructor(o: IrmaServerOptions) {
    this.#o = o;
  }

  async startDisclosure(attributeIds: readonly string[]): Promise<StartedSession> {
    const request = {
      '@context': 'https://irma.app/ld/request/disclosure/v2',
      // One disjunction: the person discloses any one of the accepted attributes.
      disclose: [attributeIds.map((id) => [id])],
    };
    const res = await upstreamFetch(`${this.#o.url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: this.#o.requestorToken },
      body: JSON.stringify(request),
      timeoutMs: this.#o.timeoutMs,
    });
    const answer = this.#json(res, 'POST /session') as {
      token?: unknown;
      sessionPtr?: { u?: unknown; irmaqr?: unknown };
    };
    const ptr = answer.sessionPtr;
    if (
      typeof answer.token !== 'string' ||
      !TOKEN.test(answer.token) ||
      typeof ptr?.u !== 'string' ||
      !/^https?:\/\//.test(ptr.u) ||
      ptr.irmaqr !== 'disclosing'
    ) {
      throw new MeansError('invalid_response', 'Yivi server answered POST /session without a usable session');
    }
    return { token: answer.token, sessionPtr: { u: ptr.u, irmaqr: ptr.irmaqr } };
  }

  async status(token: string): Promise<SessionStatus> {
    const res = await upstreamFetch(`${this.#o.url}/session/${encodeURIComponent(token)}/status`, {
      method: 'GET',
      timeoutMs: this.#o.timeoutMs,
    });
    const status = this.#json(res, 'GET status');
    if (!SESSION_STATUSES.includes(status as SessionStatus)) {
      throw new MeansError('invalid_response', 'Yivi server answered an unknown session status');
    }
    return status as SessionStatus;
  }

  async resultJwt(token: string): Promise<string> {
    const res = await upstreamFetch(`${this.#o.url}/session/${encodeURIComponent(token)}/result-jwt`, {
      method: 'GET',
      headers: { authorization: this.#o.requestorToken },
      timeoutMs: this.#o.timeoutMs,
    });
    this.#check(res.status, 'GET result-jwt');
    const jwt = res.body.trim();
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(jwt)) {
      throw new MeansError('invalid_response', 'Yivi server answered a result-jwt that is not a JWS');
    }
    return jwt;
  }

  async health(): Promise<boolean> {
    try {
      // An unknown token answers 400 SESSION_UNKNOWN from a live server; only no answer is unhealthy.
      const res = await upstreamFetch(`${this.#o.url}/session/health-probe-0000/status`, {
        method: 'GET',
        timeoutMs: 2000,
      });
      return res.status < 500;
    } catch {
      return false;
    }
  }

  #check(status: number, what: string): void {
    if (status >= 500) throw new MeansError('unavailable', `Yivi server answered ${status} to ${what}`);
    if (status !== 200) throw new MeansError('invalid_response', `Yivi server answered ${status} to ${what}`);
  }

  #json(res: { status: number; body: string; contentType: string }, what: string): unknown {
    this.#check(res.status, what);
    try {
      return JSON.parse(res.body);
    } catch {
      throw new MeansError('invalid_response', `Yivi server answered malformed JSON to ${what}`);
    }
  }
}
