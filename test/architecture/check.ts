// The architecture's rules, checked over the resolved import graph of a source tree (the project's
// own, or a fixture that breaks each rule once). The graph comes from the TypeScript compiler's
// own pre-processor and module resolution, so an import is followed exactly as `tsc` follows it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

export type Rule = 'core-imports-no-module' | 'standards-import-nothing' | 'module-entry-only' | 'no-cycles' | 'web-stays-in-web' | 'module-tables';

export interface Violation {
  rule: Rule;
  /** The file that breaks the rule, relative to the root, with `/` separators. */
  from: string;
  /** What it names: the imported file, the cycle (`a -> b -> a`) or the table. */
  to: string;
}

/** `src/…`, `bench/…` and `web/src/…` files below `root`, with `/` separators. */
function sourceFiles(root: string, dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(join(root, dir));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = dir ? `${dir}/${name}` : name;
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(root, path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

// Bundler resolution follows both the server's `./x.js` and the web app's extensionless imports.
const resolution: ts.CompilerOptions = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, resolveJsonModule: true };

/** Each file's imports (static, re-exports, dynamic, `import type`) resolved to files of the tree. */
export function importGraph(root: string, files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const { importedFiles } = ts.preProcessFile(text, true, true);
    const targets = new Set<string>();
    for (const { fileName } of importedFiles) {
      const resolved = ts.resolveModuleName(fileName, join(root, file), resolution, ts.sys).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport) continue;
      targets.add(relative(root, resolved.resolvedFileName).split(sep).join('/'));
    }
    graph.set(file, [...targets]);
  }
  return graph;
}

const moduleOf = (file: string) => /^src\/modules\/([^/]+)\//.exec(file)?.[1];
const inCoreLayer = (file: string) => file.startsWith('src/core/') || file.startsWith('src/standards/');
const outsideCore = (file: string) => file.startsWith('src/modules/') || file.startsWith('src/sim/') || file === 'src/platform.ts' || file === 'src/cli.ts';

function cycles(graph: Map<string, string[]>): Violation[] {
  // Tarjan's strongly connected components: every component of more than one file (or a file
  // importing itself) is a cycle; one violation names the component's files in a cycle's order.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: Violation[] = [];
  let next = 0;
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const to of graph.get(file) ?? []) {
      if (!graph.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(file, Math.min(low.get(file)!, index.get(to)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) {
      const sorted = component.sort();
      found.push({ rule: 'no-cycles', from: sorted[0], to: sorted.join(' -> ') });
    }
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return found;
}

/** The tables each owner creates: `core` (src/core) or a module's name. */
export function tableOwners(root: string, files: string[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const file of files) {
    const owner = file.startsWith('src/core/') ? 'core' : moduleOf(file);
    if (!owner || file.endsWith('.test.ts')) continue;
    for (const [, table] of readFileSync(join(root, file), 'utf8').matchAll(/createTable\(\s*'(\w+)'/g)) if (!owners.has(table)) owners.set(table, owner);
  }
  // A module declares the tables it owns in its `…Tables` type, also those an older core
  // migration created before the module had migrations of its own.
  for (const file of files) {
    const owner = moduleOf(file);
    if (!owner || file.endsWith('.test.ts')) continue;
    for (const [, body] of readFileSync(join(root, file), 'utf8').matchAll(/export type \w+Tables = \{([^}]*)\}/g)) {
      for (const [, table] of body.matchAll(/^\s*(\w+):/gm)) owners.set(table, owner);
    }
  }
  return owners;
}

const SQL_TABLE_POSITION = /\b(?:from|join|into|update|table|exists)\s+"?(\w+)"?/gi;

const TABLE_METHODS = new Set(['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'replaceInto', 'mergeInto', 'innerJoin', 'leftJoin', 'rightJoin', 'fullJoin', 'join', 'references', 'createTable', 'alterTable', 'dropTable', 'on']);
// The store's own batch writers take the table among their arguments.
const TABLE_FUNCTIONS = new Set(['insertMany', 'insertChunkRows', 'insertPgColumns']);

function isTableArgument(node: ts.Node): boolean {
  const call = node.parent;
  if (!ts.isCallExpression(call)) return false;
  if (ts.isIdentifier(call.expression)) return TABLE_FUNCTIONS.has(call.expression.text);
  return call.arguments[0] === node && ts.isPropertyAccessExpression(call.expression) && TABLE_METHODS.has(call.expression.name.text);
}

function isCallArgument(node: ts.Node): boolean {
  const parent = ts.isArrayLiteralExpression(node.parent) ? node.parent.parent : node.parent;
  return ts.isCallExpression(parent) && parent.arguments.some((a) => a === node || a === node.parent);
}

/** Tables a source file names in SQL: Kysely's table arguments (`'events'`, `'events as e'`), qualified columns (`'events.seq'`) and the text of `sql` templates. */
export function tablesNamed(text: string, tables: Set<string>): Set<string> {
  const named = new Set<string>();
  const source = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, true);
  const walk = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      // A bare name counts only as the table argument of a query builder's method (a body key
      // `'events'` is no table), a qualified column (`'events.seq'`) as any call's argument (an
      // audit action `'events.read'` in an object is no column).
      const [, table, qualifier] = /^(\w+)(\.\w+|\s+as\s+\w+)?$/.exec(node.text) ?? [];
      if (table && tables.has(table) && (qualifier ? isCallArgument(node) : isTableArgument(node))) named.add(table);
    }
    if (ts.isTaggedTemplateExpression(node) && node.tag.getText() === 'sql') {
      const template = node.template;
      const parts = ts.isNoSubstitutionTemplateLiteral(template) ? [template.text] : [template.head.text, ...template.templateSpans.map((s) => s.literal.text)];
      for (const part of parts) for (const [, table] of part.matchAll(SQL_TABLE_POSITION)) if (tables.has(table)) named.add(table);
    }
    ts.forEachChild(node, walk);
  };
  walk(source);
  return named;
}

/** Every violation of the architecture's rules in the tree at `root`. */
export function checkArchitecture(root: string): Violation[] {
  const files = ['src', 'bench', 'web/src'].flatMap((dir) => sourceFiles(root, dir));
  const graph = importGraph(root, files);
  const violations: Violation[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      if (inCoreLayer(from) && outsideCore(to)) violations.push({ rule: 'core-imports-no-module', from, to });
      if (from.startsWith('src/standards/') && to.startsWith('src/core/')) violations.push({ rule: 'standards-import-nothing', from, to });
      const target = moduleOf(to);
      if (target && moduleOf(from) !== target && to !== `src/modules/${target}/index.ts`) violations.push({ rule: 'module-entry-only', from, to });
      if (from.startsWith('web/') && !to.startsWith('web/')) violations.push({ rule: 'web-stays-in-web', from, to });
    }
  }
  violations.push(...cycles(new Map([...graph].filter(([file]) => file.startsWith('src/')))));
  const owners = tableOwners(root, files);
  const tables = new Set(owners.keys());
  for (const file of files) {
    const module = moduleOf(file);
    if (!module) continue;
    for (const table of tablesNamed(readFileSync(join(root, file), 'utf8'), tables)) {
      if (owners.get(table) !== module) violations.push({ rule: 'module-tables', from: file, to: table });
    }
  }
  return violations;
}
