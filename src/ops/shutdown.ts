// Graceful shutdown on SIGTERM (and SIGINT): /readyz turns 503 at once so that the load balancer stops
// sending, the listener stops accepting, the requests in flight finish, then the pool closes. A
// request that hangs past the grace period does not keep the process alive forever.
export interface Stoppable {
  /** Marks the instance as draining (readiness fails) before it stops. */
  drain(): void;
  /** Stops accepting, waits for the requests in flight, closes the database. */
  close(): Promise<void>;
  log: { info(o: object, msg: string): void; error(o: object, msg: string): void };
}

export function installShutdown(target: Stoppable, graceSeconds = 25): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    target.log.info({ signal }, 'shutting down: draining requests in flight');
    target.drain();
    const timer = setTimeout(() => {
      target.log.error({ graceSeconds }, 'shutdown grace period over; exiting with requests in flight');
      process.exit(1);
    }, graceSeconds * 1000);
    timer.unref();
    try {
      await target.close();
      target.log.info({}, 'shut down');
      process.exit(0);
    } catch (err) {
      target.log.error({ err: { message: (err as Error).message } }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
