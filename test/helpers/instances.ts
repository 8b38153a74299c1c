// Several Dezi instances behind one issuer, as behind a load balancer: a small reverse proxy on the
// issuer's port sends every request (not every connection) to a randomly chosen instance, with the
// Host header unchanged, as a load balancer would.
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { DatabaseConfig, DeziConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/database.ts';
import { freePort, startDezi, type TestDezi } from './dezi.ts';

export interface Balancer {
  url: string;
  /** Requests each backend received. */
  hits: number[];
  close(): Promise<void>;
}

export async function startBalancer(port: number, backends: number[]): Promise<Balancer> {
  const hits = backends.map(() => 0);
  const server: Server = createServer((req, res) => {
    const k = Math.floor(Math.random() * backends.length);
    hits[k]!++;
    const upstream = httpRequest(
      { host: '127.0.0.1', port: backends[k], method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://localhost:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Cluster {
  issuer: string;
  instances: TestDezi[];
  balancer: Balancer;
  stop(): Promise<void>;
}

export async function startCluster(
  n: number,
  o: { db?: Database; database?: DatabaseConfig; config?: Partial<DeziConfig> },
): Promise<Cluster> {
  const balancerPort = await freePort();
  const issuer = `http://localhost:${balancerPort}`;
  const instances: TestDezi[] = [];
  for (let i = 0; i < n; i++) {
    // One at a time: the first start migrates and seeds; the others find that done.
    instances.push(await startDezi({ ...o, config: { issuer, ...o.config } }));
  }
  const balancer = await startBalancer(
    balancerPort,
    instances.map((d) => d.config.port),
  );
  return {
    issuer,
    instances,
    balancer,
    async stop() {
      await balancer.close();
      for (const d of instances) await d.stop();
    },
  };
}
