// The registry of recognised login means: which are enabled, what they deliver.
import { meetsLoa, type LoA } from './loa.ts';
import type { LoginMeans } from './means.ts';

export class MeansRegistry {
  readonly #means = new Map<string, LoginMeans>();

  register(means: LoginMeans): void {
    if (!/^[a-z0-9-]{2,40}$/.test(means.id)) throw new Error(`invalid means id "${means.id}"`);
    if (this.#means.has(means.id)) throw new Error(`means "${means.id}" registered twice`);
    this.#means.set(means.id, means);
  }

  get(id: string): LoginMeans | undefined {
    return this.#means.get(id);
  }

  /** Means that can deliver at least the requested level, in registration order. */
  offered(minimum: LoA): LoginMeans[] {
    return [...this.#means.values()].filter((m) => meetsLoa(m.loa, minimum));
  }

  all(): LoginMeans[] {
    return [...this.#means.values()];
  }
}
