// STUB: to be written.
import type { Queryable } from '../db/database.ts';
import type { MitzServices } from './services.ts';

export class Notifier {
  constructor(_s: MitzServices) {}
  async enqueue(_tx: Queryable, _citizenId: string): Promise<void> {}
  start(): void {}
  async stop(): Promise<void> {}
  async purge(): Promise<void> {}
}
