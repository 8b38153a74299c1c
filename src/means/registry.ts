// The registry of recognised login means: what each delivers, whether it is enabled, and whether its
// upstream answers now. Adding a means is one register() call (plus, for a new protocol, an adapter).
import { meetsLoa, type LoA } from './loa.ts';
import type { LoginMeans, MeansCategory } from './means.ts';

export interface RegistryOptions {
  /** How long a health check may take before the means counts as down. */
  healthTimeoutMs?: number;
  /** How long a health answer is re-used. */
  healthCacheMs?: number;
  /** The clock (tests). */
  now?: () => number;
  /** Ids of recognised means the operator has switched off (DEZI_MEANS_DISABLED). */
  disabled?: string[];
  /** The operator's runtime switches (beheer), read by refreshSwitches(); none: configuration only. */
  switches?: { off(): Promise<Set<string>> };
}

export interface RegisterOptions {
  /** A disabled means is recognised (its callbacks still resolve) but never offered. */
  enabled?: boolean;
}

/** What the registry knows about one means, for pages, logs and docs. */
export interface MeansEntry {
  id: string;
  displayName: { nl: string; en: string };
  logo?: string;
  category: MeansCategory;
  loa: LoA;
  /** Offered now: enabled by the configuration and not switched off by an operator. */
  enabled: boolean;
  /** Disabled by the configuration (DEZI_MEANS_DISABLED or at registration): no switch turns it on. */
  configuredOff: boolean;
  /** Switched off by an operator at runtime (beheer). */
  switchedOff: boolean;
}

interface Health {
  up: boolean;
  checkedAt: number;
  pending?: Promise<boolean>;
}

const ID = /^[a-z0-9-]{2,40}$/;

export class MeansRegistry {
  readonly #means = new Map<string, { means: LoginMeans; enabled: boolean }>();
  readonly #health = new Map<string, Health>();
  readonly #timeoutMs: number;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #disabled: Set<string>;
  readonly #switches: RegistryOptions['switches'];
  /** The means switched off at runtime, as last read from the switches. */
  #switchedOff = new Set<string>();

  constructor(o: RegistryOptions = {}) {
    this.#timeoutMs = o.healthTimeoutMs ?? 2000;
    this.#cacheMs = o.healthCacheMs ?? 10_000;
    this.#now = o.now ?? Date.now;
    this.#disabled = new Set(o.disabled ?? []);
    this.#switches = o.switches;
  }

  /**
   * Reads the operator's switches again. Called at start and every few seconds (server.ts), and by the
   * instance that moved a switch, at once: the pages ask isEnabled() synchronously, on every request.
   */
  async refreshSwitches(): Promise<void> {
    if (this.#switches) this.#switchedOff = await this.#switches.off();
  }

  register(means: LoginMeans, o: RegisterOptions = {}): void {
    if (!ID.test(means.id)) throw new Error(`invalid means id "${means.id}"`);
    if (this.#means.has(means.id)) throw new Error(`means "${means.id}" registered twice`);
    this.#means.set(means.id, { means, enabled: o.enabled ?? !this.#disabled.has(means.id) });
  }

  /** A recognised means, enabled or not (a callback for a means disabled mid-login still resolves). */
  get(id: string): LoginMeans | undefined {
    return this.#means.get(id)?.means;
  }

  isEnabled(id: string): boolean {
    return (this.#means.get(id)?.enabled ?? false) && !this.#switchedOff.has(id);
  }

  /** Enabled means, in registration order. */
  enabled(): LoginMeans[] {
    return [...this.#means.values()].filter((e) => this.isEnabled(e.means.id)).map((e) => e.means);
  }

  /** Enabled means that can deliver at least the requested level, in registration order. */
  offered(minimum: LoA): LoginMeans[] {
    return this.enabled().filter((m) => meetsLoa(m.loa, minimum));
  }

  /** Every recognised means, enabled or not, in registration order. */
  all(): LoginMeans[] {
    return [...this.#means.values()].map((e) => e.means);
  }

  /** The registry as data: what each means is and whether it is enabled (for pages, logs, docs). */
  entries(): MeansEntry[] {
    return [...this.#means.values()].map(({ means: m, enabled }) => ({
      id: m.id,
      displayName: m.displayName,
      ...(m.logo ? { logo: m.logo } : {}),
      category: m.category,
      loa: m.loa,
      enabled: enabled && !this.#switchedOff.has(m.id),
      configuredOff: !enabled,
      switchedOff: this.#switchedOff.has(m.id),
    }));
  }

  /**
   * Whether the means' upstream answers, from a check at most healthCacheMs old. A check that
   * throws or takes longer than healthTimeoutMs counts as down; concurrent callers share one check.
   */
  async isUp(id: string): Promise<boolean> {
    const entry = this.#means.get(id);
    if (!entry) return false;
    const known = this.#health.get(id);
    if (known?.pending) return known.pending;
    if (known && this.#now() - known.checkedAt < this.#cacheMs) return known.up;
    const pending = this.#check(entry.means);
    this.#health.set(id, { up: known?.up ?? false, checkedAt: known?.checkedAt ?? 0, pending });
    const up = await pending;
    this.#health.set(id, { up, checkedAt: this.#now() });
    return up;
  }

  /** A means that failed with 'unavailable' during a login counts as down until the next check. */
  reportUnavailable(id: string): void {
    if (this.#means.has(id)) this.#health.set(id, { up: false, checkedAt: this.#now() });
  }

  /** Drops the cached answer, so that the next isUp() checks again (an operator's or proeftuin's switch). */
  forgetHealth(id: string): void {
    if (!this.#health.get(id)?.pending) this.#health.delete(id);
  }

  async #check(means: LoginMeans): Promise<boolean> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error('health check timed out'));
        resolve(false);
      }, this.#timeoutMs);
    });
    try {
      return await Promise.race([
        means.health({ signal: controller.signal }).then(
          (up) => up === true,
          () => false,
        ),
        deadline,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
