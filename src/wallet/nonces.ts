// Server nonces for the wallet's DPoP proofs (RFC 9449 §8) and key proofs (OpenID4VCI §7, c_nonce):
// stateless, so that any instance accepts what another handed out. A nonce is its issue time and an
// HMAC over it and its use; it is good for NONCE_SECONDS. A DPoP proof is single-use besides (its jti,
// remembered for as long as a proof is accepted), so a replayed proof is refused even with a live nonce.
import { randomBytes } from 'node:crypto';
import { constantTimeEqual, type Secrets } from '../secrets.ts';

export const NONCE_SECONDS = 300;

export type NonceUse = 'dpop' | 'c_nonce';

export class Nonces {
  readonly #secrets: Secrets;
  readonly #now: () => number;

  constructor(secrets: Secrets, now: () => number = Date.now) {
    this.#secrets = secrets;
    this.#now = now;
  }

  issue(use: NonceUse): string {
    const body = `${Math.floor(this.#now() / 1000).toString(36)}.${randomBytes(9).toString('base64url')}`;
    return `${body}.${this.#secrets.hmac('wallet-nonces', `${use}:${body}`)}`;
  }

  /** Whether this is a nonce for this use that this Dezi handed out less than NONCE_SECONDS ago. */
  valid(use: NonceUse, nonce: unknown): boolean {
    if (typeof nonce !== 'string' || nonce.length > 200) return false;
    const parts = nonce.split('.');
    if (parts.length !== 3) return false;
    const [time, random, mac] = parts as [string, string, string];
    if (!constantTimeEqual(mac, this.#secrets.hmac('wallet-nonces', `${use}:${time}.${random}`)))
      return false;
    const age = Math.floor(this.#now() / 1000) - parseInt(time, 36);
    return age >= 0 && age <= NONCE_SECONDS;
  }
}
