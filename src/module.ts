// The one shape of a feature module. The composition root (server.ts) builds the shared services once,
// runs every module's setup with them, then registers what each returned: its routes as an
// encapsulated Fastify plugin, its purge in the one periodic purge, its start and stop hooks.
//
// A module states what it needs as its own Context type (a subset of the composition root's), so that
// it depends on the services it uses and not on server.ts; configuration of its own, and anything a
// test environment hands in (a stand-in upstream, a TEST PKI), comes through its factory.
import type { FastifyInstance } from 'fastify';

/** A Fastify plugin: the module's routes, registered in their own encapsulation context. */
export type Routes = (app: FastifyInstance) => Promise<void>;

export interface ModuleParts {
  routes?: Routes;
  /** Deletes the module's own expired rows (never another module's); run once a minute. */
  purge?: () => Promise<unknown>;
  /** Runs when the server is ready (before it listens): start listeners, timers. */
  onReady?: () => Promise<void>;
  /** Runs when the server closes: stop what onReady started. */
  onClose?: () => Promise<void>;
  /** Lines for the start banner (`dezi start`): where to find what this module serves. */
  banner?: string[];
}

export interface DeziModule<Context> {
  /** For logs: which module's purge or hook failed. */
  readonly name: string;
  /** Builds the module from the shared services; registers its login means, if any. */
  setup: (ctx: Context) => Promise<ModuleParts>;
}
