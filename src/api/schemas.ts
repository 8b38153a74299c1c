// The REST API's contract, written once: Fastify validates requests with these schemas and the
// OpenAPI 3.1 document is built from them. Only keywords that JSON Schema draft-07 (Fastify's Ajv)
// and 2020-12 (OpenAPI 3.1) read alike.
import { MANDATE_COMPONENTS, MANDATE_ROUTES } from './mandate-schemas.ts';

export type JsonSchema = Record<string, unknown>;

const deziNummer = { type: 'string', pattern: '^[0-9]{9}$', description: 'Dezi-nummer (9 digits)' };
const abonneeNummer = {
  type: 'string',
  pattern: '^[0-9]{8}$',
  description: 'Abonnee-nummer / URA (8 digits)',
};
const uuid = { type: 'string', format: 'uuid' };
const rolCode = {
  type: 'string',
  pattern: '^[0-9]{2}\\.[0-9]{3}$',
  description: 'Role code from the role table',
};
const rolCodeBron = {
  type: 'string',
  enum: ['big', 'abonnee'],
  description: 'Who vouches for the role: the BIG-register or the abonnee',
};
const status = { type: 'string', enum: ['active', 'suspended', 'ended'] };
const personStatus = { type: 'string', enum: ['active', 'suspended', 'deceased', 'ended'] };
const eightDigits = (description: string) => ({ type: 'string', pattern: '^[0-9]{8}$', description });
const date = { type: 'string', format: 'date' };

export const COMPONENTS: Record<string, JsonSchema> = {
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: { type: 'string', format: 'uri' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      instance: { type: 'string' },
      errors: {
        type: 'array',
        items: {
          type: 'object',
          required: ['pointer', 'detail'],
          properties: { pointer: { type: 'string' }, detail: { type: 'string' } },
        },
      },
    },
  },
  Employment: {
    type: 'object',
    required: [
      'id',
      'deziNummer',
      'naam',
      'abonneeNummer',
      'rolCode',
      'rolNaam',
      'rolCodeBron',
      'startDate',
      'endDate',
      'active',
    ],
    properties: {
      id: uuid,
      deziNummer,
      naam: { type: 'string', description: 'Voorletters, voorvoegsel and achternaam' },
      abonneeNummer,
      rolCode: { type: ['string', 'null'] },
      rolNaam: { type: ['string', 'null'] },
      rolCodeBron: { type: ['string', 'null'], description: 'Role source URI' },
      startDate: date,
      endDate: { type: ['string', 'null'], format: 'date', description: 'First day no longer worked' },
      active: { type: 'boolean', description: 'Started, not ended, at an active abonnee' },
    },
  },
  Invitation: {
    type: 'object',
    required: ['id', 'abonneeNummer', 'deziNummer', 'rolCode', 'rolCodeBron', 'status', 'expiresAt'],
    properties: {
      id: uuid,
      abonneeNummer,
      deziNummer: { type: ['string', 'null'], description: 'null for an invitation by registration code' },
      rolCode: { type: ['string', 'null'] },
      rolCodeBron: { type: ['string', 'null'] },
      status: { type: 'string', enum: ['pending', 'accepted', 'withdrawn', 'declined', 'expired'] },
      expiresAt: { type: 'string', format: 'date-time' },
      employmentId: { type: ['string', 'null'] },
      registrationCode: {
        type: 'string',
        description:
          'Only in the answer that creates a code invitation: give it to the person; it is shown once',
      },
    },
  },
  Person: {
    type: 'object',
    required: ['deziNummer', 'voorletters', 'voorvoegsel', 'achternaam', 'status'],
    properties: {
      deziNummer,
      voorletters: { type: 'string' },
      voorvoegsel: { type: ['string', 'null'] },
      achternaam: { type: 'string' },
      status: personStatus,
    },
  },
  Abonnee: {
    type: 'object',
    required: ['abonneeNummer', 'naam', 'kvk', 'agb', 'status'],
    properties: {
      abonneeNummer,
      naam: { type: 'string' },
      kvk: { type: ['string', 'null'] },
      agb: { type: ['string', 'null'] },
      status,
    },
  },
  ApiClient: {
    type: 'object',
    required: ['clientId', 'name', 'abonneeNummer'],
    properties: { clientId: { type: 'string' }, name: { type: 'string' }, abonneeNummer },
  },
  ...MANDATE_COMPONENTS,
};

const ref = (name: keyof typeof COMPONENTS) => ({ $ref: `#/components/schemas/${name}` });
const roleBody = {
  type: 'object',
  additionalProperties: false,
  required: ['rolCode', 'rolCodeBron'],
  properties: {
    rolCode: { oneOf: [rolCode, { type: 'null' }] },
    rolCodeBron: { oneOf: [rolCodeBron, { type: 'null' }] },
  },
};

export type Audience = 'abonnee' | 'operator' | 'public';

export interface ApiRoute {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify path syntax under the API base (/api/v1). */
  path: string;
  summary: string;
  audience: Audience;
  params?: JsonSchema;
  body?: JsonSchema;
  /** Status of the success answer and its schema (none for 204). */
  success: { status: number; schema?: JsonSchema; description: string };
  /** Problem answers of this operation besides the ones every operation has: status → description. */
  problems?: Record<string, string>;
}

const employmentId = {
  type: 'object',
  additionalProperties: false,
  required: ['employmentId'],
  properties: { employmentId: uuid },
};
const invitationId = {
  type: 'object',
  additionalProperties: false,
  required: ['invitationId'],
  properties: { invitationId: uuid },
};
const abonneeParam = {
  type: 'object',
  additionalProperties: false,
  required: ['abonneeNummer'],
  properties: { abonneeNummer },
};

export const API_ROUTES: ApiRoute[] = [
  {
    operationId: 'listEmployments',
    method: 'GET',
    path: '/employments',
    summary: "The calling abonnee's employments (active and ended)",
    audience: 'abonnee',
    success: {
      status: 200,
      description: 'Employments',
      schema: {
        type: 'object',
        required: ['items'],
        properties: { items: { type: 'array', items: ref('Employment') } },
      },
    },
  },
  {
    operationId: 'getEmployment',
    method: 'GET',
    path: '/employments/:employmentId',
    summary: 'One employment of the calling abonnee',
    audience: 'abonnee',
    params: employmentId,
    success: { status: 200, description: 'The employment', schema: ref('Employment') },
  },
  {
    operationId: 'changeRole',
    method: 'PATCH',
    path: '/employments/:employmentId',
    summary: 'Set the role of an employment of the calling abonnee',
    audience: 'abonnee',
    params: employmentId,
    body: roleBody,
    success: { status: 200, description: 'The changed employment', schema: ref('Employment') },
  },
  {
    operationId: 'endEmployment',
    method: 'POST',
    path: '/employments/:employmentId/end',
    summary: 'End an employment of the calling abonnee (today, or at a later date)',
    audience: 'abonnee',
    params: employmentId,
    body: { type: 'object', additionalProperties: false, properties: { endDate: date } },
    success: { status: 200, description: 'The ended employment', schema: ref('Employment') },
  },
  {
    operationId: 'getPerson',
    method: 'GET',
    path: '/persons/:deziNummer',
    summary: 'A person who has (or had) an employment at the calling abonnee',
    audience: 'abonnee',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['deziNummer'],
      properties: { deziNummer },
    },
    success: { status: 200, description: 'The person', schema: ref('Person') },
  },
  {
    operationId: 'listInvitations',
    method: 'GET',
    path: '/invitations',
    summary: "The calling abonnee's invitations",
    audience: 'abonnee',
    success: {
      status: 200,
      description: 'Invitations',
      schema: {
        type: 'object',
        required: ['items'],
        properties: { items: { type: 'array', items: ref('Invitation') } },
      },
    },
  },
  {
    operationId: 'createInvitation',
    method: 'POST',
    path: '/invitations',
    summary: 'Invite a person by Dezi-nummer, or create a one-time registration code (no deziNummer)',
    audience: 'abonnee',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['rolCode', 'rolCodeBron'],
      properties: { ...roleBody.properties, deziNummer },
    },
    success: { status: 201, description: 'The invitation', schema: ref('Invitation') },
    problems: {
      '422':
        'big-registration-required: the invited person does not hold the BIG role in the BIG-register ' +
        '(checked now for an invitation by Dezi-nummer; for a registration code when the code is used)',
    },
  },
  {
    operationId: 'withdrawInvitation',
    method: 'DELETE',
    path: '/invitations/:invitationId',
    summary: 'Withdraw a pending invitation of the calling abonnee',
    audience: 'abonnee',
    params: invitationId,
    success: { status: 204, description: 'Withdrawn' },
  },
  {
    operationId: 'createAbonnee',
    method: 'POST',
    path: '/abonnees',
    summary: 'Add an abonnee (operator)',
    audience: 'operator',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['abonneeNummer', 'naam', 'kvk'],
      properties: {
        abonneeNummer,
        naam: { type: 'string', minLength: 1, maxLength: 200 },
        kvk: eightDigits('KvK-nummer'),
        agb: eightDigits('AGB code (optional)'),
      },
    },
    success: { status: 201, description: 'The abonnee', schema: ref('Abonnee') },
  },
  {
    operationId: 'getAbonnee',
    method: 'GET',
    path: '/abonnees/:abonneeNummer',
    summary: 'One abonnee (operator)',
    audience: 'operator',
    params: abonneeParam,
    success: { status: 200, description: 'The abonnee', schema: ref('Abonnee') },
  },
  {
    operationId: 'setAbonneeStatus',
    method: 'PATCH',
    path: '/abonnees/:abonneeNummer',
    summary: 'Suspend, reactivate or end an abonnee (operator)',
    audience: 'operator',
    params: abonneeParam,
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['status'],
      properties: { status },
    },
    success: { status: 200, description: 'The abonnee', schema: ref('Abonnee') },
  },
  {
    operationId: 'createApiClient',
    method: 'POST',
    path: '/abonnees/:abonneeNummer/api-clients',
    summary: "Register an API client for an abonnee's system, with its public signing keys (operator)",
    audience: 'operator',
    params: abonneeParam,
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'jwks'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200 },
        jwks: {
          type: 'object',
          required: ['keys'],
          properties: { keys: { type: 'array', minItems: 1, maxItems: 10, items: { type: 'object' } } },
        },
      },
    },
    success: { status: 201, description: 'The API client', schema: ref('ApiClient') },
  },
  {
    operationId: 'addAdministrator',
    method: 'PUT',
    path: '/abonnees/:abonneeNummer/administrators/:deziNummer',
    summary:
      'Make a person an administrator of the abonnee (operator); they administer it while they have an active employment there',
    audience: 'operator',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['abonneeNummer', 'deziNummer'],
      properties: { abonneeNummer, deziNummer },
    },
    success: { status: 204, description: 'The person is an administrator' },
  },
  {
    operationId: 'removeAdministrator',
    method: 'DELETE',
    path: '/abonnees/:abonneeNummer/administrators/:deziNummer',
    summary: 'Remove an administrator of the abonnee (operator)',
    audience: 'operator',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['abonneeNummer', 'deziNummer'],
      properties: { abonneeNummer, deziNummer },
    },
    success: { status: 204, description: 'Removed' },
  },
  ...MANDATE_ROUTES,
];
