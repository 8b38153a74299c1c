// Operational settings read from the environment: rate limits and the metrics endpoint.
import { DeziError } from '../errors.ts';
export interface RateLimits {
  windowSeconds: number;
  /** Per authenticated client on the endpoints that authenticate clients (token, PAR, revocation). */
  tokenPerClient: number;
  /** Per source address on the token endpoint. */
  tokenPerAddress: number;
  /** Per source address on the login endpoints: authorization requests and the login forms. */
  loginPerAddress: number;
  /** Per source address on dynamic registration. */
  registerPerAddress: number;
}

export interface OpsConfig {
  rateLimits: RateLimits;
  /** Bearer token for /metrics; without one /metrics is open in the proeftuin and absent in production. */
  metricsToken: string | null;
  /** How often an instance looks for a key rotation made elsewhere. */
  keyPollSeconds: number;
}

export class OpsConfigError extends DeziError {
  override name = 'ConfigError';
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  windowSeconds: 60,
  tokenPerClient: 3000,
  tokenPerAddress: 3000,
  loginPerAddress: 1200,
  registerPerAddress: 60,
};

function count(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new OpsConfigError(`${name} must be an integer ≥ 0, got "${raw}"`);
  return n;
}

export function loadOpsConfig(env: Record<string, string | undefined>): OpsConfig {
  const windowSeconds = count(env, 'DEZI_RATE_LIMIT_WINDOW', DEFAULT_RATE_LIMITS.windowSeconds);
  if (windowSeconds < 1) throw new OpsConfigError('DEZI_RATE_LIMIT_WINDOW must be ≥ 1');
  const metricsToken = env.DEZI_METRICS_TOKEN || null;
  if (metricsToken !== null && metricsToken.length < 16)
    throw new OpsConfigError('DEZI_METRICS_TOKEN must be at least 16 characters');
  const keyPollSeconds = count(env, 'DEZI_KEY_POLL_SECONDS', 5);
  if (keyPollSeconds < 1) throw new OpsConfigError('DEZI_KEY_POLL_SECONDS must be ≥ 1');
  return {
    rateLimits: {
      windowSeconds,
      tokenPerClient: count(env, 'DEZI_RATE_LIMIT_TOKEN_PER_CLIENT', DEFAULT_RATE_LIMITS.tokenPerClient),
      tokenPerAddress: count(env, 'DEZI_RATE_LIMIT_TOKEN_PER_ADDRESS', DEFAULT_RATE_LIMITS.tokenPerAddress),
      loginPerAddress: count(env, 'DEZI_RATE_LIMIT_LOGIN_PER_ADDRESS', DEFAULT_RATE_LIMITS.loginPerAddress),
      registerPerAddress: count(
        env,
        'DEZI_RATE_LIMIT_REGISTER_PER_ADDRESS',
        DEFAULT_RATE_LIMITS.registerPerAddress,
      ),
    },
    metricsToken,
    keyPollSeconds,
  };
}

export const DEFAULT_OPS: OpsConfig = loadOpsConfig({});
