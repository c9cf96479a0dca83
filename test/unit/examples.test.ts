// The shipped examples: what a user gets by uncommenting the starter's own examples still validates.
import { describe, expect, it } from 'vitest';
import { validateText } from '../../src/config-text.js';
import { exampleText } from './helpers.js';

describe('starter example', () => {
  it('stays valid with its commented addons uncommented', () => {
    const text = exampleText('starter')
      .replace(/^ {2}# addons:$/m, '  addons:')
      .replace(/^ {2}# {3}(metallb|certManager): /gm, '    $1: ');
    expect(text).toMatch(/^ {4}metallb: \{ enabled: true/m);
    const r = validateText(text);
    expect(r.errors).toEqual([]);
  });

  it('stays valid with its commented second worker uncommented', () => {
    const text = exampleText('starter').replace(/^ {4}# (- \{ name: node2)/m, '    $1');
    expect(text).toMatch(/^ {4}- \{ name: node2/m);
    expect(validateText(text).errors).toEqual([]);
  });
});
