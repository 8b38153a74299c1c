// The BSN vault: the only code that turns a BSN into what the database holds, and back. The BSN is
// stored sealed (AES-256-GCM, the person id bound as additional data, so a sealed BSN copied to
// another row does not open) and found through a keyed blind index (HMAC-SHA-256). It holds keys,
// not rows: the persons module stores what it returns.
import type { Secrets } from '../secrets.ts';
import { Bsn } from '../means/bsn.ts';
import { RegisterError } from './errors.ts';

export class BsnVault {
  readonly #secrets: Secrets;

  constructor(secrets: Secrets) {
    this.#secrets = secrets;
  }

  /** The blind index a person is found by: equal BSNs give equal indexes, and nothing else does. */
  index(bsn: Bsn): string {
    return this.#secrets.hmac('bsn-blind-index', bsn.reveal());
  }

  /** The BSN sealed for one person: the person id is bound as additional data. */
  seal(bsn: Bsn, personId: string): Buffer {
    return this.#secrets.encrypt('bsn-encryption', Buffer.from(bsn.reveal()), personId);
  }

  /** The id of the key seal() uses, stored next to every sealed BSN. */
  get keyId(): string {
    return this.#secrets.keyId;
  }

  /** Opens a BSN sealed for this person; a BSN sealed under another master key is refused. */
  open(sealed: Buffer | Uint8Array, sealedWith: string, personId: string): Bsn {
    if (sealedWith !== this.#secrets.keyId)
      throw new RegisterError(`BSN sealed with key ${sealedWith}, current key is ${this.#secrets.keyId}`);
    return Bsn.parse(this.#secrets.decrypt('bsn-encryption', Buffer.from(sealed), personId).toString());
  }
}
