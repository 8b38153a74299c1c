// The OpenAPI 3.1 document of the REST API, built from the same schemas Fastify validates with.
import { API_ROUTES, COMPONENTS, type ApiRoute, type JsonSchema } from './schemas.ts';

export const API_BASE = '/api/v1';

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

function operation(r: ApiRoute): Record<string, unknown> {
  const params = (r.params?.properties ?? {}) as Record<string, JsonSchema>;
  const responses: Record<string, unknown> = {
    [r.success.status]: r.success.schema
      ? { description: r.success.description, content: { 'application/json': { schema: r.success.schema } } }
      : { description: r.success.description },
    '400': problemResponse('The request does not match the schema'),
    '401': problemResponse('No valid credential'),
    '403': problemResponse('The credential does not allow this'),
  };
  if (r.params) responses['404'] = problemResponse('Not found, or not visible to this client');
  if (r.method !== 'GET') responses['409'] = problemResponse('Conflicts with the current state');
  for (const [status, description] of Object.entries(r.problems ?? {}))
    responses[status] = problemResponse(description);
  return {
    operationId: r.operationId,
    summary: r.summary,
    tags: [r.audience === 'operator' ? 'operator' : 'abonnee'],
    security:
      r.audience === 'operator'
        ? [{ clientAssertion: [] }]
        : [{ clientAssertion: [] }, { deziAccessToken: [] }],
    ...(r.params
      ? {
          parameters: Object.entries(params).map(([name, schema]) => ({
            name,
            in: 'path',
            required: true,
            schema,
          })),
        }
      : {}),
    ...(r.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } }
      : {}),
    responses,
  };
}

export function openApiDocument(issuer: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of API_ROUTES) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    (paths[path] ??= {})[r.method.toLowerCase()] = operation(r);
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Dezi-register API',
      version: '1.0.0',
      description:
        'Employments, invitations and abonnees in the Dezi-register. An abonnee system sees and changes only ' +
        'its own abonnee. Errors are RFC 9457 problem details.',
      license: { name: 'EUPL-1.2', identifier: 'EUPL-1.2' },
    },
    servers: [{ url: `${issuer}${API_BASE}` }],
    paths,
    components: {
      schemas: COMPONENTS,
      securitySchemes: {
        clientAssertion: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            `A JWT signed with a key registered for the API client (RS256, PS256, ES256 or EdDSA): iss = sub = client_id, ` +
            `aud = "${issuer}${API_BASE}", exp at most 300 seconds ahead, iat, and a jti used only once.`,
        },
        deziAccessToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A Dezi access token with the scope dezi:register-api (only clients registered for it may ask for it), ' +
            'from a login whose chosen employment is at an abonnee the person administers. ' +
            "A zorgapplicatie's openid token is refused (403).",
        },
      },
    },
  };
}
