// The certificate listener: an HTTPS server of its own that asks every browser for a client
// certificate. It accepts the handshake whatever is presented (rejectUnauthorized: false) so that
// Dezi's own validation can explain a refusal; the configured UZI CAs are named in the request so
// that the browser offers only UZI-pas certificates.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { securityHeaders } from '../../web/security-headers.ts';
import { staticRoutes, type Web } from '../../web/web.ts';
import { capturePeerCertificate } from './certificate-source.ts';

export interface CertificateListenerOptions {
  host: string;
  port: number;
  tls: { certPem: string; keyPem: string };
  caPems: string[];
  logger: FastifyBaseLogger;
  web: Web;
  routes: (app: FastifyInstance) => Promise<void>;
}

export interface CertificateListener {
  app: FastifyInstance;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function createCertificateListener(o: CertificateListenerOptions): Promise<CertificateListener> {
  const app = Fastify({
    loggerInstance: o.logger.child({ listener: 'uzi-pas' }),
    https: {
      cert: o.tls.certPem,
      key: o.tls.keyPem,
      ca: o.caPems,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    bodyLimit: 1024,
    return503OnClosing: true,
  });
  await securityHeaders(app, { https: true });
  app.setErrorHandler((err: Error, req, reply) => {
    req.log.error({ err: { type: err.name, message: err.message } }, 'certificate listener request failed');
    return o.web.renderProblem(req, reply, {
      status: 500,
      titleKey: 'error.server.title',
      bodyKey: 'error.server.body',
    });
  });
  app.setNotFoundHandler((req, reply) =>
    o.web.renderProblem(req, reply, {
      status: 404,
      titleKey: 'error.not_found.title',
      bodyKey: 'error.not_found.body',
    }),
  );
  app.server.on('secureConnection', capturePeerCertificate);
  // A handshake that fails never reaches a route; the operator still needs to see why.
  app.server.on('tlsClientError', (err: Error & { code?: string }) => {
    app.log.info({ err: { message: err.message, code: err.code } }, 'UZI-pas TLS handshake failed');
  });
  await app.register(staticRoutes);
  await app.register(o.routes);
  return {
    app,
    async start() {
      await app.listen({ host: o.host, port: o.port });
    },
    async close() {
      await app.close();
    },
  };
}
