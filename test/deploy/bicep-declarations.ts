import { Language, Parser, type Node } from 'web-tree-sitter';

// Bicep read by tree-sitter-bicep for the deploy tests: the top-level declarations of a file and the references
// between them, and property values from the declarations' text (the type checker proves names and types).

/** A top-level `resource` or `module` declaration of a Bicep file. */
export interface Declaration {
  kind: 'resource' | 'module';
  name: string;
  /** type@version of a resource, the path of a module. */
  target: string;
  existing: boolean;
  /** The whole declaration's text. */
  text: string;
  /** Names of the file's other declarations this one refers to (its implicit and explicit dependencies). */
  references: Set<string>;
}

let parser: Parser | undefined;

/** Loads the Bicep grammar once per test file; call it in a beforeAll before declarationsOf. */
export async function loadBicepParser(): Promise<void> {
  if (parser) return;
  await Parser.init();
  const loaded = new Parser();
  loaded.setLanguage(await Language.load(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm')));
  parser = loaded;
}

/** Identifiers an expression reads: not object keys, not property names after a dot, not loop variables' declarations. */
function readIdentifiers(node: Node, out: Set<string>): Set<string> {
  if (node.type === 'identifier') {
    const parent = node.parent;
    const isObjectKey = parent?.type === 'object_property' && parent.namedChildren[0]?.id === node.id;
    if (!isObjectKey) out.add(node.text);
  }
  for (const child of node.namedChildren) if (child) readIdentifiers(child, out);
  return out;
}

/** The top-level resource and module declarations of a Bicep source, by symbolic name. */
export function declarationsOf(source: string): Map<string, Declaration> {
  if (!parser) throw new Error('call loadBicepParser() in a beforeAll first');
  const root = parser.parse(source)!.rootNode;
  const found = new Map<string, Declaration>();
  for (const node of root.namedChildren) {
    if (!node || (node.type !== 'resource_declaration' && node.type !== 'module_declaration')) continue;
    const [nameNode, targetNode, ...rest] = node.namedChildren.filter((child): child is Node => child !== null);
    const identifiers = new Set<string>();
    for (const part of rest) readIdentifiers(part, identifiers);
    found.set(nameNode.text, {
      kind: node.type === 'resource_declaration' ? 'resource' : 'module',
      name: nameNode.text,
      target: targetNode.text.replace(/^'|'$/g, ''),
      existing: /^\s*existing\s*=/.test(source.slice(targetNode.endIndex, node.endIndex)),
      text: node.text,
      references: identifiers,
    });
  }
  for (const declaration of found.values()) {
    declaration.references = new Set([...declaration.references].filter((name) => name !== declaration.name && found.has(name)));
  }
  return found;
}

/** The value expression of `key:` directly in a declaration's text (first match). */
export function propertyValue(text: string, key: string): string | undefined {
  return new RegExp(`^\\s*${key}: ([^\\n]+)$`, 'm').exec(text)?.[1].trim();
}

/** The value expression of a module parameter (`params: { key: ... }`, four spaces in). */
export function paramValue(moduleDeclaration: string, key: string): string | undefined {
  return new RegExp(`^ {4}${key}: ([^\\n]+)$`, 'm').exec(moduleDeclaration)?.[1].trim();
}
