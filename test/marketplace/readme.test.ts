import { describe, expect, it } from 'vitest';
import {
  isAllowedMarkup, README_RENDER_MS, renderReadme,
} from '../../registry/marketplace/render/readme.js';

const links = {
  imageUrl: (path: string) => (path === 'docs/logo.png'
    ? '/marketplace/packs/p/versions/1.0.0/files/docs/logo.png' : undefined),
};
const render = (md: string) => renderReadme(md, links).value;

describe('README rendering', () => {
  it.each([
    ['a script block', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['an inline tag with a handler', 'a <b onmouseover="x()">b</b>',
      'a &lt;b onmouseover=&quot;x()&quot;&gt;b&lt;/b&gt;'],
    ['an iframe', '<iframe src="https://evil.example"></iframe>', '&lt;iframe'],
    ['an HTML comment', '<!-- hidden -->', '&lt;!-- hidden --&gt;'],
    ['a javascript: link', '[click](javascript:alert(1))',
      '<span class="link-dropped">click</span>'],
    ['a data: link', '[x](data:text/html,<script>1</script>)', 'class="link-dropped"'],
    ['a javascript: reference link', '[r][ref]\n\n[ref]: javascript:alert(2)',
      '<span class="link-dropped">r</span>'],
    ['a code fence with a hostile language', '```js" onclick="x\n<b>\n```',
      '<pre><code>&lt;b&gt;</code></pre>'],
  ])('escapes or drops %s', (_name, md, expected) => {
    const out = render(md);
    expect(out).toContain(expected);
    expect(out).not.toMatch(/<(script|iframe)|<[a-z][^>]*\son[a-z]+=|href="javascript/i);
  });

  it('turns a remote image into a consent button that loads nothing by itself', () => {
    const out = render('![Logo](https://cdn.example.com/logo.png "The logo")');
    expect(out).toContain('<button type="button" class="load-image" ' +
      'data-src="https://cdn.example.com/logo.png" data-alt="Logo">' +
      'Load image from cdn.example.com: Logo</button>');
    expect(out).not.toContain('<img');
  });

  it('shows images from inside the pack and drops other image sources', () => {
    expect(render('![Logo](./docs/logo.png)')).toContain(
      '<img src="/marketplace/packs/p/versions/1.0.0/files/docs/logo.png" alt="Logo" ' +
      'loading="lazy">');
    expect(render('![up](../secret.png)')).toContain('<span class="image-dropped">[image: up]');
    expect(render('![svg](data:image/svg+xml,<svg onload=alert(1)>)')).not.toContain('<img');
    expect(render('![gone](missing.png)')).toContain('[image: gone]');
  });

  it('keeps safe links, marks them nofollow, and shifts headings below the page', () => {
    const out = render('# Title\n\n## Part\n\nSee [docs](https://docs.example/x "Docs").');
    expect(out).toContain('<h3>Title</h3>');
    expect(out).toContain('<h4>Part</h4>');
    expect(out).toContain('<a href="https://docs.example/x" title="Docs" ' +
      'rel="nofollow noopener noreferrer">docs</a>');
  });

  it('renders GitHub-flavoured tables and task lists without form controls', () => {
    const out = render('| a | b |\n|:--|--:|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo');
    expect(out).toContain('<th align="left">a</th>');
    expect(out).toContain('<td align="right">2</td>');
    expect(out).toContain('<span class="task" role="img" aria-label="done">☑</span> done');
    expect(out).not.toContain('<input');
  });

  it.each([
    ['<p>ok</p>', true],
    ['<a href="https://x.example" rel="nofollow noopener noreferrer">x</a>', true],
    ['<img src="/marketplace/x.png" alt="">', true],
    ['<img src="https://x.example/t.png" alt="">', false],
    ['<a href="javascript:alert(1)">x</a>', false],
    ['<p onclick="x">ok</p>', false],
    ['<style>body{}</style>', false],
    ['<p>unclosed <</p>', false],
    ['<svg><script>1</script></svg>', false],
  ])('allowlist check of %s is %s', (markup, allowed) => {
    expect(isAllowedMarkup(markup)).toBe(allowed);
  });

  // marked takes minutes over some Markdown, or overflows its stack, on the thread that
  // answers every request: such a README is shown as plain text once its time is up.
  it.each([
    ['emphasis marks quadratic to parse', '_a'.repeat(100_000), '_a_a</pre>'],
    ['quotes nested past the parser\'s stack', `${'> '.repeat(3000)}x`, '&gt; x</pre>'],
  ])('shows %s as plain text, within its time', (_name, md, end) => {
    const started = performance.now();
    const out = render(md);

    expect(performance.now() - started).toBeLessThan(README_RENDER_MS + 1000);
    expect([out.startsWith('<pre class="readme-plain">'), out.endsWith(end)]).toEqual([true, true]);
  }, 30_000);

  it('renders a README that takes longer than the budget given as plain text', () => {
    expect(renderReadme('*a*', links, 0).value).toBe('<pre class="readme-plain">*a*</pre>');
  });
});
