// Keys derived from the one master secret, each for one purpose (HKDF-SHA-256 with a label),
// and authenticated encryption for what must be stored encrypted at rest.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

export type KeyPurpose =
  | 'signing-keys-at-rest'
  | 'bsn-encryption'
  | 'bsn-blind-index'
  | 'cookies'
  | 'csrf'
  | 'pairwise'
  | 'means-state'
  | 'mitz-bsn-encryption'
  | 'mitz-bsn-blind-index'
  | 'wallet-nonces';

export class Secrets {
  readonly #master: Buffer;
  /** Identifies the master secret without revealing it; stored beside ciphertexts so keys can rotate. */
  readonly keyId: string;

  constructor(master: Buffer) {
    this.#master = master;
    this.keyId = createHash('sha256').update('dezi-key-id').update(master).digest('hex').slice(0, 12);
  }

  readonly #derived = new Map<KeyPurpose, Buffer>();

  key(purpose: KeyPurpose): Buffer {
    let key = this.#derived.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.#master, Buffer.alloc(0), `dezi:${purpose}`, 32));
      this.#derived.set(purpose, key);
    }
    return key;
  }

  // KeyObjects, because OpenSSL 3 sets a raw key up anew on every call: several times slower, which
  // counts when a bulk import seals and indexes a million BSNs.
  readonly #keyObjects = new Map<KeyPurpose, KeyObject>();

  #keyObject(purpose: KeyPurpose): KeyObject {
    let key = this.#keyObjects.get(purpose);
    if (!key) {
      key = createSecretKey(this.key(purpose));
      this.#keyObjects.set(purpose, key);
    }
    return key;
  }

  hmac(purpose: KeyPurpose, data: string): string {
    return createHmac('sha256', this.#keyObject(purpose)).update(data).digest('base64url');
  }

  /** AES-256-GCM; output is iv ‖ tag ‖ ciphertext. `context` is bound as additional data. */
  encrypt(purpose: KeyPurpose, plaintext: Buffer, context: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#keyObject(purpose), iv);
    cipher.setAAD(Buffer.from(context));
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ct]);
  }

  decrypt(purpose: KeyPurpose, sealed: Buffer, context: string): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.#keyObject(purpose), sealed.subarray(0, 12));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
  }
}

/** Compares secrets (tokens, state values) without leaking where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
