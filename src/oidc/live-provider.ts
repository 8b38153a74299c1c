// One stable handle on oidc-provider while the Provider behind it is replaced. oidc-provider builds
// its keystore once, in the constructor, and its maintainer advises against changing it afterwards
// (panva/node-oidc-provider#651), so a key rotation builds a new Provider from the new keys and swaps
// it in. Both share the database and the cookie keys, so a login that started on the old one finishes
// on the new one, as it would on another instance.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';

type Callback = (req: IncomingMessage, res: ServerResponse) => void;

export class LiveProvider {
  #current: Provider;
  #callback: Callback;
  /** Methods bound to the current Provider (prototype methods are shared, so one map per Provider). */
  #bound = new WeakMap<object, unknown>();
  readonly #setup: (p: Provider) => void;
  /** Stands for whichever Provider is current; what the routes hold on to. */
  readonly handle: Provider;

  /** setup runs on every Provider before it serves (event listeners, middleware). */
  constructor(first: Provider, setup: (p: Provider) => void = () => undefined) {
    this.#setup = setup;
    setup(first);
    this.#current = first;
    this.#callback = first.callback();
    this.handle = new Proxy({} as Provider, {
      get: (_target, prop) => {
        const p = this.#current;
        const value: unknown = Reflect.get(p, prop, p);
        // Methods need the real Provider as `this` (its private fields); the model classes
        // (Client, Grant, AccessToken…) are getters that return classes and are passed as they are.
        if (typeof value !== 'function' || isClassGetter(prop)) return value;
        let fn = this.#bound.get(value);
        if (!fn) this.#bound.set(value, (fn = value.bind(p)));
        return fn;
      },
    });
  }

  get current(): Provider {
    return this.#current;
  }

  swap(next: Provider): void {
    this.#setup(next);
    const callback = next.callback();
    this.#current = next;
    this.#bound = new WeakMap();
    this.#callback = callback;
  }

  /** The request handler of the current Provider. */
  serve(req: IncomingMessage, res: ServerResponse): void {
    this.#callback(req, res);
  }
}

function isClassGetter(prop: string | symbol): boolean {
  return typeof prop === 'string' && /^[A-Z]/.test(prop);
}
