/**
 * ESLint rule `dbdoctor/layers`: imports flow one way between the layers of src/ (see the
 * architecture in README.md). A file may import from its own layer and from layers below it,
 * never from a layer above: the model knows nothing of rules, rules nothing of writers, and so on.
 */
import { dirname, relative, resolve, sep } from 'node:path';

/** Layers from the bottom up; a folder of src/ per entry, files directly in src/ are the top. */
export const LAYERS = [
  ['util'],
  ['model'],
  ['sql'],
  ['semantics'],
  ['dialects'],
  ['sources'],
  ['workload'],
  ['rules'],
  ['audit', 'config'],
  ['plan'],
  ['writers', 'apply'],
  ['report'],
  ['pool', 'monitor'],
  ['cli'],
];

const TOP = LAYERS.length;

function layerOf(file, srcRoot) {
  const rel = relative(srcRoot, file);
  if (rel.startsWith('..')) return null;
  const parts = rel.split(sep);
  if (parts.length === 1) return { rank: TOP, name: 'src' };
  const rank = LAYERS.findIndex((names) => names.includes(parts[0]));
  return rank < 0 ? { rank: -1, name: parts[0] } : { rank, name: parts[0] };
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports flow one way between the layers of src/' },
    schema: [],
    messages: {
      upward: '{{from}}/ is below {{to}}/ and must not import from it (layers, bottom up: {{order}})',
      unknown: 'src/{{name}}/ is not a known layer: add it to eslint/layers.js',
    },
  },
  create(context) {
    const file = context.filename;
    const srcRoot = resolve(context.cwd, 'src');
    const from = layerOf(file, srcRoot);
    if (from === null) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = resolve(dirname(file), source);
      const to = layerOf(target, srcRoot);
      if (to === null) return;
      if (from.rank < 0) return context.report({ node, messageId: 'unknown', data: { name: from.name } });
      if (to.rank < 0) return context.report({ node, messageId: 'unknown', data: { name: to.name } });
      if (to.rank > from.rank) {
        context.report({
          node,
          messageId: 'upward',
          data: { from: from.name, to: to.name, order: LAYERS.map((l) => l.join('+')).join(' < ') },
        });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
