// The REST API's contract for mandates and self-declared roles (spread into schemas.ts): an abonnee
// system sees the mandates within its abonnee and may end one; it sees the roles its staff declared
// and confirms or refuses them.
import type { ApiRoute, JsonSchema } from './schemas.ts';

const uuid = { type: 'string', format: 'uuid' };
const deziNummer = { type: 'string', pattern: '^[0-9]{9}$', description: 'Dezi-nummer (9 digits)' };
const abonneeNummer = {
  type: 'string',
  pattern: '^[0-9]{8}$',
  description: 'Abonnee-nummer / URA (8 digits)',
};
const date = { type: 'string', format: 'date' };
const party = {
  type: 'object',
  required: ['deziNummer', 'naam'],
  properties: {
    deziNummer,
    naam: { type: 'string', description: 'Voorletters, voorvoegsel and achternaam' },
  },
};

export const MANDATE_COMPONENTS: Record<string, JsonSchema> = {
  Mandate: {
    type: 'object',
    required: [
      'id',
      'abonneeNummer',
      'mandator',
      'mandatorRolCode',
      'mandatee',
      'startDate',
      'endDate',
      'clientIds',
      'status',
      'createdAt',
    ],
    properties: {
      id: uuid,
      abonneeNummer,
      mandator: { ...party, description: 'The professional who gave the mandate' },
      mandatorRolCode: {
        type: ['string', 'null'],
        description:
          "The role of the mandator's employment through which it was given (from the BIG-register)",
      },
      mandatee: { ...party, description: 'The colleague who may act on their behalf' },
      startDate: date,
      endDate: { ...date, description: 'The first day the mandate no longer holds' },
      clientIds: {
        type: 'array',
        items: { type: 'string' },
        description: 'The zorgapplicaties (client ids) it may be used at; empty: every one',
      },
      status: {
        type: 'string',
        enum: ['pending', 'accepted', 'declined', 'ended', 'expired'],
        description: 'pending: waiting for the colleague; expired: its end date has come',
      },
      createdAt: { type: 'string', format: 'date-time' },
      decidedAt: { type: ['string', 'null'], format: 'date-time' },
      endedAt: { type: ['string', 'null'], format: 'date-time' },
    },
  },
  RoleDeclaration: {
    type: 'object',
    required: ['id', 'employmentId', 'abonneeNummer', 'person', 'rolCode', 'rolNaam', 'status', 'declaredAt'],
    properties: {
      id: uuid,
      employmentId: uuid,
      abonneeNummer,
      person: { ...party, description: 'The person who declared the role' },
      rolCode: { type: 'string', description: 'A role code that is not a BIG profession' },
      rolNaam: { type: 'string' },
      status: { type: 'string', enum: ['pending', 'confirmed', 'refused', 'withdrawn'] },
      declaredAt: { type: 'string', format: 'date-time' },
      decidedAt: { type: ['string', 'null'], format: 'date-time' },
      decidedBy: {
        type: ['string', 'null'],
        description:
          'Who confirmed, refused or withdrew it: a Dezi-nummer, or system:<client id> for an API client',
      },
    },
  },
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const list = (name: string) => ({
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: ref(name) } },
});
const mandateId = {
  type: 'object',
  additionalProperties: false,
  required: ['mandateId'],
  properties: { mandateId: uuid },
};
const declarationId = {
  type: 'object',
  additionalProperties: false,
  required: ['declarationId'],
  properties: { declarationId: uuid },
};

export const MANDATE_ROUTES: ApiRoute[] = [
  {
    operationId: 'listMandates',
    method: 'GET',
    path: '/mandates',
    summary: 'The mandates within the calling abonnee (every status), newest first',
    audience: 'abonnee',
    success: { status: 200, description: 'Mandates', schema: list('Mandate') },
  },
  {
    operationId: 'getMandate',
    method: 'GET',
    path: '/mandates/:mandateId',
    summary: 'One mandate within the calling abonnee',
    audience: 'abonnee',
    params: mandateId,
    success: { status: 200, description: 'The mandate', schema: ref('Mandate') },
  },
  {
    operationId: 'endMandate',
    method: 'POST',
    path: '/mandates/:mandateId/end',
    summary:
      'End a pending or accepted mandate within the calling abonnee; the verklaringen issued under it are revoked at once',
    audience: 'abonnee',
    params: mandateId,
    success: { status: 200, description: 'The ended mandate', schema: ref('Mandate') },
  },
  {
    operationId: 'listRoleDeclarations',
    method: 'GET',
    path: '/role-declarations',
    summary: "Roles the calling abonnee's staff declared themselves: waiting ones first",
    audience: 'abonnee',
    success: { status: 200, description: 'Role declarations', schema: list('RoleDeclaration') },
  },
  {
    operationId: 'getRoleDeclaration',
    method: 'GET',
    path: '/role-declarations/:declarationId',
    summary: 'One role declaration at the calling abonnee',
    audience: 'abonnee',
    params: declarationId,
    success: { status: 200, description: 'The role declaration', schema: ref('RoleDeclaration') },
  },
  {
    operationId: 'confirmRoleDeclaration',
    method: 'POST',
    path: '/role-declarations/:declarationId/confirm',
    summary:
      "Confirm a pending role declaration: the employment's role becomes the declared one, with rol_code_bron " +
      'http://www.dezi.nl/rol_bron/zelfverklaring; verklaringen stating the old role are revoked',
    audience: 'abonnee',
    params: declarationId,
    success: { status: 200, description: 'The confirmed declaration', schema: ref('RoleDeclaration') },
    problems: {
      '403': 'forbidden: a person confirms or refuses their own declaration (another administrator does)',
    },
  },
  {
    operationId: 'refuseRoleDeclaration',
    method: 'POST',
    path: '/role-declarations/:declarationId/refuse',
    summary: 'Refuse a pending role declaration; the employment keeps its role',
    audience: 'abonnee',
    params: declarationId,
    success: { status: 200, description: 'The refused declaration', schema: ref('RoleDeclaration') },
  },
];
