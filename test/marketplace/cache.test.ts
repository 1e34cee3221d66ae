import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../registry/clock.js';
import { DetailsCache } from '../../registry/marketplace/pack/cache.js';
import type { PackDetails } from '../../registry/marketplace/pack/details.js';
import { attr, html, trusted } from '../../registry/marketplace/html.js';

const details = (size: number) => ({ size } as unknown as PackDetails);

describe('pack details cache', () => {
  it('loads a key once, even when asked twice at the same time', async () => {
    const cache = new DetailsCache(fixedClock(new Date(0)));
    let loads = 0;
    const load = async () => {
      loads++;
      return details(10);
    };
    const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect([loads, a, b === a]).toEqual([1, details(10), true]);
  });

  it('drops the least recently used beyond its entry and byte budgets', async () => {
    const cache = new DetailsCache(fixedClock(new Date(0)), { entries: 2, bytes: 100,
      ttlMs: 1000 });
    const loaded: string[] = [];
    const get = (key: string, size = 10) => cache.get(key, async () => {
      loaded.push(key);
      return details(size);
    });
    await get('a');
    await get('b');
    await get('a');
    await get('c');
    await get('a');
    await get('b');
    expect(loaded).toEqual(['a', 'b', 'c', 'b']);
    await get('big', 95);
    expect(cache.size).toBe(1);
  });

  it('loads again after its time to live, and forgets a failed load', async () => {
    const clock = fixedClock(new Date(0));
    const cache = new DetailsCache(clock, { entries: 10, bytes: 1000, ttlMs: 1000 });
    let loads = 0;
    const load = async () => details(++loads);
    await cache.get('k', load);
    clock.advance(999);
    await cache.get('k', load);
    clock.advance(2);
    expect((await cache.get('k', load)).size).toBe(2);
    await expect(cache.get('bad', async () => { throw new Error('blob_missing'); }))
      .rejects.toThrow('blob_missing');
    expect((await cache.get('bad', async () => details(7))).size).toBe(7);
  });
});

describe('html template', () => {
  it('escapes every value but markup the program made', () => {
    const name = '<img src=x onerror=alert(1)> & "quotes" \'too\'';
    expect(html`<p title="${name}">${name}${trusted('<b>ok</b>')}</p>`.value).toBe(
      '<p title="&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot; &#39;too&#39;">' +
      '&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot; &#39;too&#39;<b>ok</b></p>');
    expect(html`${[1, 'a<', null, undefined, false, [html`<i>x</i>`]]}`.value)
      .toBe('1a&lt;<i>x</i>');
    expect(html`<input${attr('checked', true)}${attr('value', 'a"b')}${attr('x', false)}>`.value)
      .toBe('<input checked value="a&quot;b">');
  });
});
