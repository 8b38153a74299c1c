// Mitz's errors. Each part answers in its own protocol's shape (an XACML Indeterminate, a FHIR
// OperationOutcome, problem+json, a page), from the status and the message these carry.
import { DeziError } from '../errors.ts';

/** The calling system is not authenticated (401) or may not do this (403). */
export class MitzAuthError extends DeziError {
  override name = 'MitzAuthError';
  constructor(status: 401 | 403 | number, detail: string) {
    super(detail, { status, expose: true });
  }
}
