/** The unified diff `cordum pack migrate` shows. */
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../packs/migrate/diff.js';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('f', 'a\nb\n', 'a\nb\n')).toEqual([]);
  });

  it('shows deletions before additions with three lines of context', () => {
    const before = ['1', '2', '3', '4', 'old', '6', '7', '8', '9'].join('\n');
    const after = ['1', '2', '3', '4', 'new', '6', '7', '8', '9'].join('\n');
    expect(unifiedDiff('f.yaml', before, after)).toEqual([
      '--- a/f.yaml', '+++ b/f.yaml', '@@ -2,7 +2,7 @@',
      ' 2', ' 3', ' 4', '-old', '+new', ' 6', ' 7', ' 8',
    ]);
  });

  it('makes one hunk per distant change, with the right line numbers', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `l${i + 1}`);
    const after = [...lines];
    after.splice(1, 1);
    after.splice(16, 0, 'added');
    const diff = unifiedDiff('f', lines.join('\n'), after.join('\n'));
    expect(diff.filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,5 +1,4 @@',
      '@@ -15,6 +14,7 @@']);
    expect(diff).toContain('-l2');
    expect(diff).toContain('+added');
  });
});
