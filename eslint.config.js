// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersRule } from './eslint/layers.js';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', 'coverage/', 'examples/', 'schema/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { dbdoctor: { rules: { layers: layersRule } } },
    rules: {
      'dbdoctor/layers': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
