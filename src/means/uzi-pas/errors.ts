// Every way a UZI-pas login is refused, each with its own reason (log, audit, page text).
import { MeansError, type MeansFailureKind } from '../means.ts';

export type UziPasRefusal =
  | 'no_certificate'
  | 'untrusted_proxy'
  | 'garbled_certificate'
  | 'unknown_issuer'
  | 'bad_signature'
  | 'not_a_ca'
  | 'expired'
  | 'not_yet_valid'
  | 'revoked'
  | 'revocation_unavailable'
  | 'missing_san'
  | 'garbled_san'
  | 'server_card'
  | 'wrong_key_usage';

export const UZI_PAS_REFUSALS: readonly UziPasRefusal[] = [
  'no_certificate',
  'untrusted_proxy',
  'garbled_certificate',
  'unknown_issuer',
  'bad_signature',
  'not_a_ca',
  'expired',
  'not_yet_valid',
  'revoked',
  'revocation_unavailable',
  'missing_san',
  'garbled_san',
  'server_card',
  'wrong_key_usage',
];

export function isUziPasRefusal(value: unknown): value is UziPasRefusal {
  return typeof value === 'string' && (UZI_PAS_REFUSALS as readonly string[]).includes(value);
}

export class UziPasError extends MeansError {
  override name = 'UziPasError';
  readonly reason: UziPasRefusal;
  constructor(reason: UziPasRefusal, message: string, options?: ErrorOptions) {
    // Only a revocation list we cannot get is the upstream's fault; every other refusal is about
    // the certificate the person presented.
    const kind: MeansFailureKind = reason === 'revocation_unavailable' ? 'unavailable' : 'invalid_response';
    super(kind, `${reason}: ${message}`, options);
    this.reason = reason;
  }
}
