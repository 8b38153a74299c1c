// The register's named errors: `code` lets the REST API and the portals map a refusal to a status.
import type { Role } from './roles.ts';
import { DeziError } from '../errors.ts';

/** A register rule refused the request; `code` lets the REST API map it to a status. */
const CODE_STATUS = { invalid: 400, not_found: 404, conflict: 409, forbidden: 403 } as const;

export class RegisterError extends DeziError {
  override name = 'RegisterError';
  readonly code: keyof typeof CODE_STATUS;
  constructor(message: string, code: RegisterError['code'] = 'invalid') {
    super(message, { status: CODE_STATUS[code] });
    this.code = code;
  }
}

/**
 * A BIG role the person does not hold in the BIG-register (`not_registered`), or a BIG-register that
 * cannot be asked (`unavailable`). Code `forbidden`, as every BIG refusal; the portals and the API
 * recognise this class to say why.
 */
export class BigRoleError extends RegisterError {
  override name = 'BigRoleError';
  readonly reason: 'not_registered' | 'unavailable';
  readonly deziNummer: string;
  readonly role: Role;
  constructor(message: string, reason: BigRoleError['reason'], deziNummer: string, role: Role) {
    super(message, 'forbidden');
    this.reason = reason;
    this.deziNummer = deziNummer;
    this.role = role;
  }
}

export class NotFoundError extends RegisterError {
  override name = 'NotFoundError';
  constructor(what: string) {
    super(`${what} not found`, 'not_found');
  }
}

export class ConflictError extends RegisterError {
  override name = 'ConflictError';
  constructor(message: string) {
    super(message, 'conflict');
  }
}
