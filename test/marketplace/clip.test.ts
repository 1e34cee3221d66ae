/**
 * Pack text cut for cards and graph boxes: never inside a character, so an
 * emoji or an accented letter at the cut does not become U+FFFD.
 */
import { describe, expect, it } from 'vitest';
import { clip } from '../../registry/marketplace/render/clip.js';
import { packCard } from '../../registry/marketplace/render/cards.js';

const FAMILY = '👨‍👩‍👧‍👦';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('clip', () => {
  it.each([
    ['short text stays', 'abc', 5, 'abc'],
    ['exactly max stays', 'abcde', 5, 'abcde'],
    ['plain text is cut with …', 'abcdef', 5, 'abcd…'],
    ['an emoji is not split', 'abc😀d', 5, 'abc…'],
    ['an emoji that fits stays whole', 'ab😀cdef', 5, 'ab😀…'],
    ['a joined emoji goes whole or not at all', `a${FAMILY}b`, 6, 'a…'],
    ['a letter keeps its accent', 'abce\u0301f', 5, 'abc…'],
  ])('%s', (_name, text, max, expected) => {
    expect(clip(text, max)).toBe(expected);
  });

  it('cuts a card description of emoji between characters', () => {
    const description = `Bold ${FAMILY.repeat(40)}`;
    const card = packCard({ id: 'x', publisher: 'p', version: '1.0.0',
      publishedAt: '2025-01-02T03:04:05.000Z', metadata: { id: 'x', version: '1.0.0',
        description }, topics: [], verified: false, downloads: 0 }).value;

    const shown = /<p>(Bold [^<]*)<\/p>/.exec(card)![1]!;
    expect(shown).not.toMatch(LONE_SURROGATE);
    expect(shown.endsWith(`${FAMILY}…`)).toBe(true);
    expect(shown.length).toBeLessThanOrEqual(220);
  });
});
