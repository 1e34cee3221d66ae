/**
 * What a pack page makes from the version's own contents (README, topics,
 * rules, workflows, schemas) is made once while the pack's details are
 * cached, not at every view: some of it costs seconds of the registry's one
 * thread, such as a README that runs marked into its time limit (shown as
 * plain text) or thousands of topics each decided against thousands of rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { README_RENDER_MS } from '../../registry/marketplace/render/readme.js';
import { registeredKey, startTestRegistry, type TestRegistry } from '../registry/helpers.js';
import { packMain, type PackPage } from '../../registry/marketplace/pages/pack.js';
import { loadFixture, page, publishFixture } from './helpers.js';

const TOPICS = 3000;

/** hello-pack with TOPICS topics and as many rules, none of which matches a topic. */
function manyTopics(yaml: string): string {
  const topics = Array.from({ length: TOPICS }, (_, i) =>
    `  - name: job.hello-pack.t${i}\n    capability: hello.t${i}\n`).join('');
  return yaml.replace(/^topics:\n(?: {2}.*\n| {4}.*\n)*/m, `topics:\n${topics}`);
}
const RULES = `version: v1\nrules:\n${Array.from({ length: TOPICS }, (_, i) =>
  `  - id: r${i}\n    decision: deny\n    match:\n      topics: ["job.hello-pack.zz${i}*"]\n`)
  .join('')}`;

describe.each(backends())('pack page contents made once ($name)', (backend) => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const key = await registeredKey(reg);
    await publishFixture(reg, key, 'hello-pack', { files: { 'README.md': '_a'.repeat(100_000) } });
  }, 120_000);
  afterAll(async () => {
    await reg?.close();
  });

  const view = async (version: string) => {
    const started = performance.now();
    const res = await page(reg, `/marketplace/packs/hello-pack/versions/${version}`);
    expect(res.status).toBe(200);
    return { ms: performance.now() - started, text: res.text };
  };

  it('renders a README slow to render once, as plain text', async () => {
    const first = await view('0.1.0');
    expect(first.text).toContain('<pre class="readme-plain">_a_a');
    expect(first.ms).toBeGreaterThanOrEqual(README_RENDER_MS);

    const again = await view('0.1.0');
    expect(again.text).toContain('<pre class="readme-plain">_a_a');
    expect(again.ms).toBeLessThan(README_RENDER_MS * 0.75);
  }, 60_000);
});

describe('pack page contents', () => {
  it('decides thousands of topics against thousands of rules once per cached details', () => {
    const pack = loadFixture('hello-pack', { edit: manyTopics,
      files: { 'overlays/policy.fragment.yaml': RULES } });
    const record = { packId: 'hello-pack', publisher: 'default', version: '0.1.0',
      sha256: '0'.repeat(64), keyId: '1'.repeat(64), size: 1, publishedAt: '2025-01-02T03:04:05Z',
      manifest: pack.manifest };
    const page: PackPage = { records: [record], latest: '0.1.0', verified: false,
      downloads: new Map(), states: new Map(), registryUrl: 'http://127.0.0.1:1',
      details: { record, pack, images: new Map(), size: 1,
        signature: { state: 'failed', code: 'signature_invalid', message: 'not checked' } } };
    const timed = () => {
      const started = performance.now();
      const text = packMain(page).value;
      return { ms: performance.now() - started, text };
    };

    const first = timed();
    const again = timed();

    expect(first.text).toContain(`job.hello-pack.t${TOPICS - 1}`);
    expect(again.text).toBe(first.text);
    expect(again.ms).toBeLessThan(first.ms / 4);
  }, 60_000);
});
