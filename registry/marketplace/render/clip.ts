/** Pack text shortened for a card or a graph box. */

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * `text` cut to at most `max` UTF-16 units, the last of them `…`. The cut
 * falls between graphemes (what a reader sees as one character: an emoji
 * with its joiners, a letter with its accents), never inside one: half a
 * surrogate pair is no character and goes out as U+FFFD.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  for (const { index, segment } of GRAPHEMES.segment(text)) {
    if (index + segment.length > max - 1) break;
    end = index + segment.length;
  }
  return `${text.slice(0, end)}…`;
}
