// Certificate revocation lists for the configured UZI CAs: read from files or fetched over HTTP,
// signature-checked against the CA that issued them, cached and refreshed. A CA without a current
// list fails closed: no revocation status, no login.
import { readFile } from 'node:fs/promises';
import type { X509Certificate } from 'node:crypto';
import { upstreamFetchBytes } from '../http.ts';
import { UziPasError } from './errors.ts';
import type { UziTrustStore } from './trust.ts';
import { x509 } from '../../pki/x509.ts';
import { DeziError } from '../../errors.ts';

export type CrlSource = { kind: 'file'; path: string } | { kind: 'url'; url: string };

export interface CrlStoreOptions {
  sources: CrlSource[];
  /** Re-read every source after this many seconds, and whenever a list passes its nextUpdate. */
  refreshSeconds: number;
  /** How long after nextUpdate a list is still accepted when no newer one can be had (0: none). */
  graceSeconds: number;
  timeoutMs?: number;
  maxBytes?: number;
}

interface LoadedCrl {
  crl: x509.X509Crl;
  source: string;
}

export class CrlUnavailableError extends DeziError {
  override name = 'CrlUnavailableError';
}

export class UziCrlStore {
  readonly #o: CrlStoreOptions;
  readonly #trust: UziTrustStore;
  /** By the fingerprint of the CA that signed the list. */
  #lists = new Map<string, LoadedCrl>();
  #loadedAt = 0;
  #loading: Promise<void> | null = null;
  /** Why the last refresh failed, for the operator's log. */
  lastError: string | null = null;

  constructor(options: CrlStoreOptions, trust: UziTrustStore) {
    this.#o = options;
    this.#trust = trust;
  }

  /** The current list signed by this CA; throws UziPasError('revocation_unavailable') when there is none. */
  async listFor(ca: X509Certificate): Promise<x509.X509Crl> {
    const now = Date.now();
    let loaded = this.#lists.get(ca.fingerprint256);
    const due =
      now - this.#loadedAt > this.#o.refreshSeconds * 1000 ||
      !loaded ||
      (loaded.crl.nextUpdate !== undefined && loaded.crl.nextUpdate.getTime() <= now);
    if (due) {
      await this.refresh();
      loaded = this.#lists.get(ca.fingerprint256);
    }
    if (!loaded) {
      throw new UziPasError(
        'revocation_unavailable',
        `no revocation list for ${ca.subject.replace(/\n/g, ', ')}`,
      );
    }
    const { crl } = loaded;
    if (crl.thisUpdate.getTime() > now + 5 * 60_000) {
      throw new UziPasError(
        'revocation_unavailable',
        `revocation list from ${loaded.source} is dated in the future`,
      );
    }
    if (!crl.nextUpdate || crl.nextUpdate.getTime() + this.#o.graceSeconds * 1000 < now) {
      throw new UziPasError('revocation_unavailable', `revocation list from ${loaded.source} is out of date`);
    }
    return crl;
  }

  /** Re-reads every source once (concurrent callers share the read); a source that fails keeps its last good list. */
  async refresh(): Promise<void> {
    this.#loading ??= this.#readAll().finally(() => {
      this.#loading = null;
    });
    return this.#loading;
  }

  async #readAll(): Promise<void> {
    const errors: string[] = [];
    const next = new Map(this.#lists);
    for (const source of this.#o.sources) {
      const name = source.kind === 'file' ? source.path : source.url;
      try {
        const crl = parseCrl(await this.#read(source));
        const ca = await this.#signer(crl);
        const previous = next.get(ca.fingerprint256);
        // A replayed older list must not replace a newer one.
        if (previous && previous.crl.thisUpdate > crl.thisUpdate) continue;
        next.set(ca.fingerprint256, { crl, source: name });
      } catch (err) {
        errors.push(`${name}: ${(err as Error).message}`);
      }
    }
    this.#lists = next;
    this.#loadedAt = Date.now();
    this.lastError = errors.length ? errors.join('; ') : null;
  }

  async #read(source: CrlSource): Promise<Uint8Array> {
    if (source.kind === 'file') return readFile(source.path);
    const res = await upstreamFetchBytes(source.url, {
      method: 'GET',
      timeoutMs: this.#o.timeoutMs ?? 5000,
      maxBytes: this.#o.maxBytes ?? 16 * 1024 * 1024,
    });
    if (res.status !== 200) throw new CrlUnavailableError(`answered ${res.status}`);
    return res.body;
  }

  /** The configured CA that signed this list; a list no configured CA signed is rejected. */
  async #signer(crl: x509.X509Crl): Promise<X509Certificate> {
    for (const ca of this.#trust.certificates) {
      const peculiar = new x509.X509Certificate(ca.raw);
      if (peculiar.subject !== crl.issuer) continue;
      if (await crl.verify({ publicKey: peculiar.publicKey })) return ca;
    }
    throw new CrlUnavailableError(`not signed by a configured UZI CA (issuer ${crl.issuer})`);
  }

  /** Whether every configured source gave a list that is current now. */
  healthy(): boolean {
    const now = Date.now();
    return (
      this.#lists.size > 0 &&
      [...this.#lists.values()].every(
        ({ crl }) =>
          crl.nextUpdate !== undefined && crl.nextUpdate.getTime() + this.#o.graceSeconds * 1000 >= now,
      )
    );
  }
}

/** A CRL in DER or PEM. */
export function parseCrl(bytes: Uint8Array): x509.X509Crl {
  const text = Buffer.from(bytes).toString('latin1');
  try {
    return text.includes('-----BEGIN X509 CRL-----')
      ? new x509.X509Crl(text.slice(text.indexOf('-----BEGIN X509 CRL-----')))
      : new x509.X509Crl(Buffer.from(bytes));
  } catch (err) {
    throw new CrlUnavailableError('not a valid CRL', { cause: err });
  }
}
