import { describe, expect, test } from 'vitest';
import { getReporter, reporters } from '../../src/report/index.js';

describe('reporter registry', () => {
  test('every reporter is registered under its own name', () => {
    for (const [name, reporter] of Object.entries(reporters)) expect(reporter.name).toBe(name);
    expect(Object.keys(reporters)).toEqual(['text', 'json', 'markdown', 'html', 'sarif']);
  });

  test('getReporter finds built-ins and nothing else', () => {
    expect(getReporter('markdown')).toBe(reporters.markdown);
    expect(getReporter('yaml')).toBeUndefined();
    expect(getReporter('toString')).toBeUndefined();
    expect(getReporter('__proto__')).toBeUndefined();
  });

  test('file extensions', () => {
    expect([
      reporters.text.fileExtension,
      reporters.json.fileExtension,
      reporters.markdown.fileExtension,
      reporters.html.fileExtension,
    ]).toEqual(['txt', 'json', 'md', 'html']);
  });
});
