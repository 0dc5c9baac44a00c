import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { problemDocumentSchema } from '@shop/contracts';
import { apiDocsPageAssets, apiDocsPageFile, generateOpenApiDocument, platformOpenApiDocument, platformOperations, type ApiOperation, type OpenApiDocument } from '@shop/api-docs';
import { danglingRefs, documentProblems, invalidComponentSchemas, invalidDefaults, invalidPatterns, openApiSchemaViolations, platformRuleViolations } from './openapi-checks';

/** A small operation for the tests of the builder. */
function operation(overrides: Partial<ApiOperation> = {}): ApiOperation {
  return {
    operationId: 'getThing',
    method: 'get',
    path: '/api/catalog/things/{id}',
    summary: 'A thing',
    access: 'anyone',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: { description: 'The thing', content: { 'application/json': { schema: z.object({ id: z.string() }) } } } },
    problems: [404],
    ...overrides,
  };
}

const generate = (operations: ApiOperation[]): OpenApiDocument => generateOpenApiDocument(operations, { version: '0.0.0-test' });

describe('the platform OpenAPI document', () => {
  const document = platformOpenApiDocument();

  it('when generated from the contract schemas, then it is a valid OpenAPI 3.1 document with every $ref resolving and valid JSON Schemas', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(documentProblems(document)).toEqual([]);
  });

  it('when generated twice, then both are the same (the ETag the gateway derives from it is stable)', () => {
    expect(JSON.stringify(generateOpenApiDocument(platformOperations, { version: document.info.version }))).toBe(JSON.stringify(document));
  });

  it('when read, then it describes the shoppers\', admins\' and internal routes of every context', () => {
    const paths = Object.keys(document.paths ?? {});
    for (const prefix of ['/api/auth/', '/api/catalog/', '/api/cart', '/api/orders', '/internal/auth/', '/internal/catalog/', '/internal/cart/', '/internal/orders/']) {
      expect(paths.some((path) => path.startsWith(prefix))).toBe(true);
    }
  });

  it('when an error is answered, then its schema is the contract\'s RFC 9457 problem document, extension members allowed', () => {
    const problem = document.components?.schemas?.Problem as { required: string[]; additionalProperties: unknown; properties: Record<string, unknown> };
    expect(problem.required).toEqual(['type', 'title', 'status', 'detail']);
    expect(Object.keys(problem.properties)).toEqual(['type', 'title', 'status', 'detail', 'instance', 'requestId', 'errors']);
    expect(problem.additionalProperties).toEqual({});
    expect(problemDocumentSchema.safeParse({ type: 'urn:shop:problem:conflict', title: 't', status: 409, detail: 'd', outOfStock: [] }).success).toBe(true);
  });

  it('when an operation needs credentials, then it names them: bearer, the guest cart, the app API token, and the checkout\'s Idempotency-Key', () => {
    const op = (method: string, path: string) => (document.paths?.[path] as Record<string, { security?: unknown[]; parameters?: Array<{ name: string; in: string; required: boolean }> }>)[method];
    expect(op('get', '/api/auth/me').security).toEqual([{ bearerAuth: [] }]);
    expect(op('get', '/api/cart').security).toEqual(expect.arrayContaining([{}, { bearerAuth: [] }, { guestCartId: [] }, { guestCartCookie: [] }]));
    expect(op('post', '/internal/catalog/reservations').security).toEqual([{ appApiToken: [] }]);
    expect(op('post', '/api/orders').parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }));
    expect(op('get', '/api/catalog/products').security).toBeUndefined();
  });

  it('when the page loads its files, then each is one the gateway serves', () => {
    const page = readFileSync(apiDocsPageFile, 'utf8');
    const loaded = [...page.matchAll(/(?:src|href)="\/api\/docs\/([^"]+)"/g)].map((match) => match[1]);
    expect(loaded.length).toBeGreaterThan(2);
    for (const name of loaded) expect([...apiDocsPageAssets.keys()]).toContain(name);
    expect(page).not.toMatch(/<script>(?!<\/script>)/);
    expect(readFileSync(apiDocsPageAssets.get('swagger-initializer.js')!, 'utf8')).toContain("url: '/api/openapi.json'");
  });
});

describe('building the document from path descriptions', () => {
  it('when an operation needs a token or takes a body, then the problems its access and body imply are added, and a default problem', () => {
    const generated = generate([operation({ method: 'put', access: 'admin', request: { params: z.object({ id: z.string() }), body: { content: { 'application/json': { schema: z.object({ name: z.string() }) } } } } })]);
    const responses = (generated.paths?.['/api/catalog/things/{id}']?.put as { responses: Record<string, unknown> }).responses;
    expect(Object.keys(responses).sort()).toEqual(['200', '401', '403', '404', '413', '415', 'default']);
    expect(platformRuleViolations(generated)).toEqual([]);
  });

  it('when one status has several problems with members of their own, then the answer is one of their schemas', () => {
    const outOfStock = problemDocumentSchema.extend({ outOfStock: z.array(z.string()) });
    const generated = generate([operation({ problems: [{ status: 409, schema: outOfStock, description: 'Out of stock' }, { status: 409, description: 'Changed meanwhile' }] })]);
    const conflict = (generated.paths?.['/api/catalog/things/{id}']?.get as { responses: Record<string, { description: string; content: Record<string, { schema: { anyOf?: unknown[] } }> }> }).responses['409'];
    expect(conflict.description).toBe('One of:\n- Out of stock\n- Changed meanwhile');
    expect(conflict.content['application/problem+json'].schema.anyOf).toHaveLength(2);
  });

  it('when a route is described twice, or a problem is listed as a response, or a path is under no gateway prefix, then generating fails', () => {
    expect(() => generate([operation(), operation({ operationId: 'again' })])).toThrow('GET /api/catalog/things/{id} is described twice');
    expect(() => generate([operation({ responses: { 404: { description: 'no' } } })])).toThrow('list 404 in problems');
    expect(() => generate([operation({ path: '/api/unknown/things' })])).toThrow('neither under a gateway prefix');
  });

  it('when a schema has a regex with flags, a coercing query parameter or z.json(), then the document still says what the service accepts', () => {
    const generated = generate([
      operation({
        request: {
          params: z.object({ id: z.string().regex(/^[a-z]+$/u) }),
          query: z.object({ offset: z.coerce.number().int().min(0).optional(), code: z.string().regex(/^[a-f]+$/i).optional() }),
          body: { content: { 'application/json': { schema: z.object({ attributes: z.record(z.string(), z.json()) }) } } },
        },
      }),
    ]);
    const get = generated.paths?.['/api/catalog/things/{id}']?.get as unknown as { parameters: Array<{ name: string; schema: Record<string, unknown> }>; requestBody: unknown };
    const parameter = (name: string) => get.parameters.find((p) => p.name === name)!.schema;
    expect(parameter('id')).toMatchObject({ type: 'string', pattern: '^[a-z]+$' });
    expect(parameter('code')).toMatchObject({ pattern: '^[a-f]+$', 'x-regex-flags': 'i' });
    expect(parameter('offset')).toMatchObject({ type: 'integer' });
    expect(JSON.stringify(get.requestBody)).toContain('"additionalProperties":{"type":["string","number","boolean","null","array","object"],"description":"Any JSON value"}');
    expect(invalidPatterns(generated)).toEqual([]);
  });
});

describe('the document checks', () => {
  // Each check must be able to fail: a broken copy of the real document, one defect per check.
  const broken = (): Record<string, unknown> => structuredClone(platformOpenApiDocument()) as unknown as Record<string, unknown>;

  /** The member at `path` of a broken copy (objects all the way down). */
  function at(document: Record<string, unknown>, path: string[]): Record<string, unknown> {
    return path.reduce((node, key) => node[key] as Record<string, unknown>, document);
  }

  it('when a required member is missing, then the OpenAPI 3.1 schema check reports it', () => {
    const document = broken();
    delete document.info;
    at(document, ['paths', '/api/auth/me', 'get']).responses = 'none';
    expect(openApiSchemaViolations(document).join('\n')).toMatch(/must have required property 'info'/);
  });

  it('when a $ref points at nothing, then it is reported', () => {
    const document = broken();
    at(document, ['paths', '/api/auth/me', 'get', 'responses', '200', 'content', 'application/json']).schema = { $ref: '#/components/schemas/Nowhere' };
    expect(danglingRefs(document)).toEqual(['#/paths//api/auth/me/get/responses/200/content/application/json/schema: #/components/schemas/Nowhere']);
  });

  it('when a component schema is not valid JSON Schema, or a pattern is broken, then it is reported', () => {
    const document = broken();
    at(document, ['components', 'schemas', 'Money', 'properties', 'amount']).type = 'integr';
    at(document, ['components', 'schemas', 'AuthUser', 'properties', 'email']).pattern = '^[a-z+$';
    const problems = invalidComponentSchemas(document);
    expect(problems).toContainEqual(expect.stringMatching(/^Money: data\/properties\/amount\/type must be equal to one of the allowed values/));
    expect(problems).toContainEqual(expect.stringMatching(/^AuthUser: Invalid regular expression/));
    expect(invalidPatterns(document)).toHaveLength(1);
  });

  it('when a default does not fit its own schema, then it is reported', () => {
    const document = broken();
    const parameters = at(document, ['paths', '/api/orders', 'get']).parameters as Array<{ name: string; schema: { default: unknown } }>;
    const limit = parameters.find((parameter) => parameter.name === 'limit')!;
    expect(limit.schema.default).toBe('20');
    limit.schema.default = 20;
    expect(invalidDefaults(document)).toEqual([expect.stringMatching(/^#\/paths\/\/api\/orders\/get\/parameters\/\d\/schema: default 20 data must be string$/)]);
  });

  it('when a rule of the platform is broken, then it is reported by operation', () => {
    const document = broken();
    at(document, ['paths', '/api/auth/me', 'get']).operationId = 'login';
    at(document, ['paths', '/api/auth/users/{id}', 'get']).parameters = [];
    at(document, ['paths', '/internal/auth/admins', 'get']).tags = ['auth'];
    at(document, ['paths', '/api/auth/login', 'post', 'responses', '401']).content = { 'application/json': {} };
    expect(platformRuleViolations(document)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^GET \/api\/auth\/me: operationId login is also POST \/api\/auth\/login$|^POST \/api\/auth\/login: operationId login is also GET \/api\/auth\/me$/),
        'GET /api/auth/users/{id}: {id} is not declared as a path parameter',
        'GET /internal/auth/admins: an internal route must be tagged internal',
        'POST /api/auth/login 401: an error answer must be application/problem+json only, is application/json',
      ]),
    );
  });
});
