/**
 * Real parsers for the application code dbdoctor reads (SQLAlchemy models and engine settings in
 * Python, pool options in JavaScript and TypeScript): tree-sitter grammars compiled to
 * WebAssembly, loaded once per process on first use. Nothing here runs the code it parses.
 */
import { createRequire } from 'node:module';
import { Language, Parser, type Tree } from 'web-tree-sitter';

export type { Node as SyntaxNode } from 'web-tree-sitter';

/** The languages there is a grammar for. */
export type SyntaxLanguage = 'python' | 'typescript' | 'tsx';

const GRAMMARS: Record<SyntaxLanguage, string> = {
  python: 'tree-sitter-python/tree-sitter-python.wasm',
  typescript: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-typescript/tree-sitter-tsx.wasm',
};

const require = createRequire(import.meta.url);
let initialized: Promise<void> | null = null;
const languages = new Map<SyntaxLanguage, Promise<Language>>();

function language(name: SyntaxLanguage): Promise<Language> {
  let loaded = languages.get(name);
  if (!loaded) {
    initialized ??= Parser.init();
    loaded = initialized.then(() => Language.load(require.resolve(GRAMMARS[name])));
    languages.set(name, loaded);
  }
  return loaded;
}

/**
 * Parses source text. The tree is returned even when the text has syntax errors (tree-sitter
 * recovers and marks them): check `tree.rootNode.hasError` and report what could not be read.
 * JavaScript is parsed with the TypeScript grammar, which accepts it.
 */
export async function parseSource(text: string, name: SyntaxLanguage): Promise<Tree> {
  const grammar = await language(name);
  const parser = new Parser();
  try {
    parser.setLanguage(grammar);
    const tree = parser.parse(text);
    if (tree === null) throw new Error(`the ${name} parser returned no tree`);
    return tree;
  } finally {
    parser.delete();
  }
}
