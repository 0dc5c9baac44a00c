import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';

/**
 * Checks of an OpenAPI 3.1 document, shared by the document's tests (not a test file itself). Each returns the
 * problems it found, as readable lines; none means the document passed.
 */

/** A JSON value of the document. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The OpenAPI 3.1 schema as the OpenAPI Initiative publishes it (https://spec.openapis.org/oas/3.1/schema/2022-10-07,
 * Apache-2.0; the fixture is unmodified). It checks the document's structure; the schemas inside it are checked by
 * `invalidComponentSchemas` against JSON Schema 2020-12. Its `{"$dynamicRef": "#meta"}` are read as plain
 * references to `#/$defs/schema`, the one `meta` anchor of this schema (which is what they resolve to when the
 * schema is used on its own): Ajv resolves a dynamic reference inside `$defs` to the wrong anchor.
 */
const openApi31Schema = withStaticMetaReferences(JSON.parse(readFileSync(join(__dirname, 'fixtures', 'openapi-3.1-schema.json'), 'utf8')) as Json) as JsonObject;

function withStaticMetaReferences(value: Json): Json {
  if (Array.isArray(value)) return value.map(withStaticMetaReferences);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => (key === '$dynamicRef' && child === '#meta' ? ['$ref', '#/$defs/schema'] : [key, withStaticMetaReferences(child)])));
}

/** Where the document breaks the OpenAPI 3.1 schema. */
export function openApiSchemaViolations(document: unknown): string[] {
  // Formats (uri, email...) are annotations here: the structure is what is checked.
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(openApi31Schema);
  if (validate(document)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}

/** Resolves a local JSON pointer (`#/components/schemas/Money`) in the document; undefined when nothing is there. */
export function resolvePointer(document: Json, ref: string): Json | undefined {
  if (!ref.startsWith('#')) return undefined;
  let current: Json | undefined = document;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) current = current[Number(key)];
    else if (isObject(current)) current = current[key];
    else return undefined;
  }
  return current;
}

/** Every `$ref` of the document that points at nothing (or outside it). */
export function danglingRefs(document: unknown): string[] {
  const root = document as Json;
  const dangling: string[] = [];
  const visit = (value: Json, at: string): void => {
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${at}/${index}`));
    else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (key === '$ref' && typeof child === 'string' && resolvePointer(root, child) === undefined) dangling.push(`${at}: ${child}`);
        else visit(child, `${at}/${key}`);
      }
    }
  };
  visit(root, '#');
  return dangling;
}

/** Component schemas that are not valid JSON Schema 2020-12, or that do not compile (a reference or a pattern that is broken). */
export function invalidComponentSchemas(document: unknown): string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  // The whole document as one schema resource: `$ref: '#/components/schemas/X'` inside a component resolves in it.
  ajv.addSchema(document as object, 'openapi.json');
  const problems: string[] = [];
  const schemas = ((document as JsonObject).components as JsonObject | undefined)?.schemas;
  for (const [name, schema] of Object.entries(isObject(schemas) ? schemas : {})) {
    if (!ajv.validateSchema(schema as object)) problems.push(`${name}: ${ajv.errorsText(ajv.errors)}`);
    try {
      ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` });
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/**
 * Rules of this platform's document that the OpenAPI schema cannot state: unique operation ids, path templates and
 * path parameters that agree, declared security schemes and tags, a success and a `default` answer on every
 * operation, errors as problem+json, internal routes tagged internal and guarded.
 */
export function platformRuleViolations(document: unknown): string[] {
  const doc = document as JsonObject;
  const problems: string[] = [];
  const operationIds = new Map<string, string>();
  const components = isObject(doc.components) ? doc.components : {};
  const schemes = new Set(Object.keys(isObject(components.securitySchemes) ? components.securitySchemes : {}));
  const tags = new Set((Array.isArray(doc.tags) ? doc.tags : []).map((tag) => (isObject(tag) && typeof tag.name === 'string' ? tag.name : '')));
  for (const [path, pathItem] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    if (!isObject(pathItem)) continue;
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
    for (const method of httpMethods.filter((m) => isObject(pathItem[m]))) {
      const operation = pathItem[method] as JsonObject;
      const where = `${method.toUpperCase()} ${path}`;
      const id = typeof operation.operationId === 'string' ? operation.operationId : undefined;
      if (!id) problems.push(`${where}: no operationId`);
      else if (operationIds.has(id)) problems.push(`${where}: operationId ${id} is also ${operationIds.get(id)}`);
      else operationIds.set(id, where);

      const parameters = (Array.isArray(operation.parameters) ? operation.parameters : []).filter(isObject);
      const pathParameters = parameters.filter((p) => p.in === 'path');
      for (const name of templated) {
        const declared = pathParameters.find((p) => p.name === name);
        if (!declared) problems.push(`${where}: {${name}} is not declared as a path parameter`);
        else if (declared.required !== true) problems.push(`${where}: path parameter ${name} must be required`);
      }
      for (const name of pathParameters.map((p) => (typeof p.name === 'string' ? p.name : JSON.stringify(p.name)))) {
        if (!templated.includes(name)) problems.push(`${where}: path parameter ${name} is not in the path`);
      }

      for (const requirement of (Array.isArray(operation.security) ? operation.security : []).filter(isObject)) {
        for (const scheme of Object.keys(requirement)) if (!schemes.has(scheme)) problems.push(`${where}: security scheme ${scheme} is not declared`);
      }
      const operationTags = (Array.isArray(operation.tags) ? operation.tags : []).map(String);
      if (operationTags.length === 0) problems.push(`${where}: no tag`);
      for (const tag of operationTags) if (!tags.has(tag)) problems.push(`${where}: tag ${tag} is not declared`);
      if (path.startsWith('/internal/')) {
        if (!operationTags.includes('internal')) problems.push(`${where}: an internal route must be tagged internal`);
        if (!Array.isArray(operation.security) || operation.security.length === 0) problems.push(`${where}: an internal route must name its security`);
      }

      const responses = isObject(operation.responses) ? operation.responses : {};
      const statuses = Object.keys(responses);
      if (!statuses.some((status) => /^[23]\d\d$/.test(status))) problems.push(`${where}: no success answer`);
      if (!statuses.includes('default')) problems.push(`${where}: no default (problem) answer`);
      for (const status of statuses.filter((s) => s === 'default' || Number(s) >= 400)) {
        const response = responses[status];
        const content = isObject(response) && isObject(response.content) ? Object.keys(response.content) : [];
        if (content.join() !== 'application/problem+json') problems.push(`${where} ${status}: an error answer must be application/problem+json only, is ${content.join(', ') || 'nothing'}`);
      }
    }
  }
  return problems;
}

/** Patterns (anywhere: components, parameters, headers) that are not valid Unicode regular expressions. */
export function invalidPatterns(document: unknown): string[] {
  const problems: string[] = [];
  const visit = (value: Json, at: string): void => {
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${at}/${index}`));
    else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'pattern' && typeof child === 'string') {
          try {
            new RegExp(child, 'u');
          } catch (error) {
            problems.push(`${at}: ${(error as Error).message}`);
          }
          // What a regex's flags left behind (`^a$/u`) compiles, but matches nothing the service accepts.
          if (/(?<!\\)\/[dgimsuvy]+$/.test(child)) problems.push(`${at}: ${child} ends in regex flags`);
        } else visit(child, `${at}/${key}`);
      }
    }
  };
  visit(document as Json, '#');
  return problems;
}

/** Defaults and examples (of schemas without references) that their own schema refuses. */
export function invalidDefaults(document: unknown): string[] {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  const problems: string[] = [];
  const visit = (value: Json, at: string): void => {
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${at}/${index}`));
    else if (isObject(value)) {
      if ('type' in value && !JSON.stringify(value).includes('"$ref"')) {
        const { default: defaultValue, example, ...schema } = value;
        for (const [what, sample] of [['default', defaultValue], ['example', example]] as const) {
          if (sample !== undefined && !ajv.validate(schema, sample)) problems.push(`${at}: ${what} ${JSON.stringify(sample)} ${ajv.errorsText(ajv.errors)}`);
        }
      }
      for (const [key, child] of Object.entries(value)) if (key !== 'default' && key !== 'example' && key !== 'examples') visit(child, `${at}/${key}`);
    }
  };
  visit(document as Json, '#');
  return problems;
}

/** Every problem the checks above find, each prefixed with the check that found it. */
export function documentProblems(document: unknown): string[] {
  return [
    ...openApiSchemaViolations(document).map((problem) => `OpenAPI 3.1 schema: ${problem}`),
    ...danglingRefs(document).map((problem) => `dangling $ref: ${problem}`),
    ...invalidComponentSchemas(document).map((problem) => `component schema: ${problem}`),
    ...invalidPatterns(document).map((problem) => `pattern: ${problem}`),
    ...invalidDefaults(document).map((problem) => `default or example: ${problem}`),
    ...platformRuleViolations(document).map((problem) => `platform rule: ${problem}`),
  ];
}
