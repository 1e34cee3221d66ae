import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/databases.js';
import { registeredKey, startTestRegistry, type TestRegistry } from '../registry/helpers.js';
import { GITHUB_0_2_0, PNG } from './fixtures.js';
import { api, page, publishFixture, textOf } from './helpers.js';

describe.each(backends())('pack page ($name)', (backend) => {
  let reg: TestRegistry;
  let keyId: string;
  let sha020: string;
  let html: string;

  beforeAll(async () => {
    reg = await startTestRegistry(backend);
    const key = await registeredKey(reg);
    keyId = key.keyId;
    await publishFixture(reg, key, 'github');
    reg.clock.advance(86_400_000);
    sha020 = (await publishFixture(reg, key, 'github', GITHUB_0_2_0)).sha256;
    await publishFixture(reg, key, 'demo-guardrails');
    const yank = await api(reg, 'PUT', '/v1/packs/github/versions/0.1.0/yank',
      { yanked: true, reason: 'token leak in logs' });
    expect(yank.status).toBe(200);
    const deprecation = await api(reg, 'PUT',
      '/v1/packs/demo-guardrails/versions/0.1.0/deprecation', { message: 'use ops-guard instead' });
    expect(deprecation.status).toBe(200);
    const res = await page(reg, '/marketplace/packs/github');
    expect(res.status).toBe(200);
    html = res.text;
  });
  afterAll(async () => {
    await reg?.close();
  });

  it('answers with strict security headers and no caching by others', async () => {
    const res = await page(reg, '/marketplace/packs/github');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('cache-control')).toBe('private, no-cache');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(html).not.toMatch(/<script>|<script [^s]|https?:\/\/(?!127\.0\.0\.1)[^"' ]+\.(js|css)/);
  });

  it('shows the latest version with its digest and a signature verified again', () => {
    expect(textOf(html, 'main')).toContain('GitHub 0.2.0');
    expect(html).toContain(`<dt>SHA-256</dt><dd><code>${sha020}</code></dd>`);
    expect(html).toContain(`<strong class="diff-added">verified</strong> with key <code>${keyId}` +
      '</code>\n of default');
  });

  it('lists every version with date, state, digest and signer', () => {
    const rows = textOf(html, 'versions-table');
    expect(rows).toContain('0.2.0 (latest) (shown) 2025-01-03 active');
    expect(rows).toContain('0.1.0 2025-01-02 yanked 2025-01-03 : token leak in logs');
    expect(rows).toContain(`${sha020.slice(0, 16)}…`);
    expect(rows).toContain(`${keyId.slice(0, 16)}…`);
    // Each version's publish, and the yank, are entries of the registry's transparency log.
    expect(rows).toMatch(/0\.2\.0 \(latest\).* #\d+ publish /);
    expect(rows).toMatch(/0\.1\.0 .* #\d+ publish, #\d+ yank /);
    expect(html).toMatch(/of default; transparency log entry #\d+<\/dd>/);
  });

  it('marks a deprecated version with its message', async () => {
    const res = await page(reg, '/marketplace/packs/demo-guardrails');
    expect(res.text).toContain('<strong>Deprecated</strong>: use ops-guard instead</p>');
    expect(textOf(res.text, 'versions-table')).toContain('deprecated : use ops-guard instead');
  });

  it('renders the README sanitized, with pack images and remote images behind a button', () => {
    const readme = html.slice(html.indexOf('<div class="readme">'), html.indexOf('id="versions"'));
    expect(readme).toContain('<h3>GitHub for Cordum</h3>');
    expect(readme).toContain("&lt;script&gt;alert('readme')&lt;/script&gt;");
    expect(readme).toContain('<img src="/marketplace/packs/github/versions/0.2.0/files/docs/' +
      'flow.png" alt="diagram" loading="lazy">');
    expect(readme).toContain('data-src="https://badges.example.com/ci.svg"');
    expect(readme).not.toContain('<img src="https://');
  });

  it('serves the pack\'s images as images only', async () => {
    const res = await fetch(`${reg.url}/marketplace/packs/github/versions/0.2.0/files/docs/` +
      'flow.png', { headers: { authorization: 'Bearer test-admin-token' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
    const yaml = await page(reg, '/marketplace/packs/github/versions/0.2.0/files/pack.yaml');
    expect(yaml.status).toBe(404);
  });

  it('answers a file path that is not percent-encoded UTF-8 with 400, not 500', async () => {
    for (const raw of ['%ZZ', 'docs/%E0%A4%A']) {
      const res = await fetch(`${reg.url}/marketplace/packs/github/versions/0.2.0/files/${raw}`,
        { headers: { authorization: 'Bearer test-admin-token', accept: 'application/json' } });
      expect(res.status, raw).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ code: 'request_invalid',
        detail: expect.stringContaining(JSON.stringify(raw)) });
    }
  });

  it('shows topics with what the pack\'s own policy decides for each', () => {
    const topics = textOf(html, 'topics');
    expect(topics).toContain('job.github.read github.read read network network:egress ' +
      'Allow by github-read');
    expect(topics).toContain('job.github.admin github.admin admin network none ' +
      'Deny by github-deny-admin');
    expect(topics).toContain('job.github.write github.write write network network:egress ' +
      'Needs approval by github-write');
  });

  it('shows the policy rules in order, each decision in its own colour', () => {
    const table = html.slice(html.indexOf('<table id="rules-table">'));
    const order = [...table.matchAll(/<tr id="rule-([\w-]+)"><td>(\d+)<\/td>/g)]
      .map((m) => `${m[2]}:${m[1]}`);
    expect(order).toEqual(['1:github-read', '2:github-write', '3:github-deny-admin']);
    expect(table).toContain('<span class="decision decision-require_approval">Needs approval');
    expect(textOf(html, 'rule-github-deny-admin')).toBe('3 github-deny-admin ' +
      'overlays/policy.fragment.yaml Deny topics job.github.admin none Admin actions are never ' +
      'allowed Instead: Ask a repository owner (use job.github.write )');
  });

  it('draws each workflow as a graph with approvals, loops, error paths and decisions', () => {
    const svg = html.slice(html.indexOf('id="workflow-github.triage"'));
    expect(svg).toContain('<g class="wf-node wf-type-worker wf-decision-allow" data-step="read">');
    expect(svg).toContain('<g class="wf-node wf-type-approval" data-step="review">');
    expect(svg).toContain('<g class="wf-node wf-type-worker wf-decision-deny" data-step="label">');
    expect(svg).toContain('<g class="wf-edge wf-edge-error" data-from="read" data-to="notify">');
    expect(svg).toContain('class="wf-loop"');
    expect(html).toContain('<g class="wf-node wf-type-worker wf-decision-require_approval" ' +
      'data-step="create">');
  });

  it('shows the JSON schemas with their fields', () => {
    const schemas = textOf(html, 'schemas');
    for (const id of ['github/GitHubActionInput', 'github/GitHubActionResult',
      'github/GitHubIssueCreateInput']) expect(schemas).toContain(id);
    expect(schemas).toMatch(/repository string (yes|no)/);
  });

  it('offers install snippets for the CLI, Terraform and CDKTF', () => {
    expect(textOf(html, 'install-cli')).toBe(
      `cordum pack install github@^0.2.0 --registry ${reg.url}`);
    const tf = textOf(html, 'install-terraform');
    expect(tf).toContain('resource "cordum_deployment" "github" {');
    expect(tf).toContain('id = "github" range = "^0.2.0"');
    expect(tf).toContain(`registry_url = "${reg.url}"`);
    expect(textOf(html, 'install-cdktf')).toContain(
      "pack: [{ id: \"github\", range: \"^0.2.0\" }]");
  });

  it('shows what changed since the version before', () => {
    const changes = textOf(html, 'changes');
    expect(changes).toContain('0.1.0 → 0.2.0');
    expect(changes).toContain('added github-deny-admin Deny');
    expect(changes).toContain('Capabilities: + github.admin');
  });

  it('switches versions, and marks an old yanked one', async () => {
    const switched = await page(reg, '/marketplace/packs/github?version=0.1.0');
    expect(switched.status).toBe(303);
    expect(switched.headers.get('location')).toBe('/marketplace/packs/github/versions/0.1.0');
    const old = await page(reg, '/marketplace/packs/github/versions/0.1.0');
    expect(old.status).toBe(200);
    expect(textOf(old.text, 'main')).toContain('GitHub 0.1.0');
    expect(old.text).toContain('<strong>not the latest</strong>');
    expect(old.text).toContain('<strong>Yanked</strong> on 2025-01-03: token leak in logs');
    expect(old.text).toContain('<option value="0.1.0" selected>0.1.0</option>');
    expect(textOf(old.text, 'changes')).toContain('This is the first version.');
  });

  it('answers an unknown pack or version with an HTML error page', async () => {
    const pack = await page(reg, '/marketplace/packs/nope');
    expect([pack.status, textOf(pack.text, 'main')]).toEqual([404,
      'Pack Not Found no pack "nope" in this registry Back to all packs HTTP 404']);
    const version = await page(reg, '/marketplace/packs/github/versions/9.9.9');
    expect(version.status).toBe(404);
    expect(version.text).toContain('github@9.9.9 is not published here');
  });

  it('refuses to show a pack whose stored tarball changed on disk', async () => {
    const key = await registeredKey(reg);
    const { sha256 } = await publishFixture(reg, key, 'slack');
    writeFileSync(join(reg.dataDir, 'blobs', 'sha256', sha256.slice(0, 2), sha256), 'tampered');
    const res = await page(reg, '/marketplace/packs/slack');
    expect(res.status).toBe(500);
    expect(textOf(res.text, 'main')).toContain('Stored Blob Corrupt');
  });

  it('publishes, finds and shows a pack that declares no topics', async () => {
    const key = await registeredKey(reg);
    await publishFixture(reg, key, 'demo-guardrails', { version: '0.2.0',
      edit: (y) => y.replace(/^topics:\n(?:[ -].*\n|\n)*/m, '') });
    const res = await page(reg, '/marketplace/packs/demo-guardrails');
    expect(textOf(res.text, 'topics')).toBe('Topics This pack declares no topics.');
    const found = await api(reg, 'GET', '/v1/marketplace/search?q=guardrails');
    expect(found.json.packs).toMatchObject([{ id: 'demo-guardrails', version: '0.2.0' }]);
  });

  it('says so when a stored signature no longer verifies', async () => {
    await publishFixture(reg, await registeredKey(reg), 'hello-pack');
    // Another version's bundle signs other bytes.
    await reg.services.db.query(`UPDATE registry_versions SET bundle = (SELECT bundle FROM
      registry_versions WHERE pack_id = 'github' AND version = '0.2.0')
      WHERE pack_id = 'hello-pack'`);
    const res = await page(reg, '/marketplace/packs/hello-pack');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<strong class="diff-removed">does not verify</strong> ' +
      '(digest_mismatch)');
  });

  it('compresses pages and serves digest-named assets for a year', async () => {
    const gz = await fetch(`${reg.url}/marketplace/packs/github`, {
      headers: { authorization: 'Bearer test-admin-token', 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    const css = /href="(\/marketplace\/assets\/marketplace\.[0-9a-f]{12}\.css)"/.exec(html)![1]!;
    const js = /src="(\/marketplace\/assets\/marketplace\.[0-9a-f]{12}\.js)"/.exec(html)![1]!;
    for (const path of [css, js]) {
      const res = await fetch(`${reg.url}${path}`, { headers: { 'accept-encoding': 'br' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('content-encoding')).toBe('br');
      const again = await fetch(`${reg.url}${path}`, {
        headers: { 'if-none-match': res.headers.get('etag')! } });
      expect(again.status).toBe(304);
    }
  });

  it('serves a changelog page and its JSON', async () => {
    const res = await page(reg, '/marketplace/packs/github/changelog');
    expect(res.status).toBe(200);
    expect(textOf(res.text, 'main')).toContain('0.1.0 → 0.2.0 Policy rules added ' +
      'github-deny-admin Deny');
    const json = await api(reg, 'GET', '/v1/packs/github/changelog');
    expect(json.status).toBe(200);
    expect(json.json).toMatchObject({ from: '0.1.0', to: '0.2.0',
      capabilities: { added: ['github.admin'], removed: [] },
      workflows: { added: ['github.triage'], removed: [], changed: [] } });
    expect((json.json.rules as { added: { id: string }[] }).added.map((r) => r.id))
      .toEqual(['github-deny-admin']);
    const first = await api(reg, 'GET', '/v1/packs/github/changelog?to=0.1.0');
    expect(first).toMatchObject({ status: 400, json: { code: 'request_invalid' } });
  });

  it.each(['to=0.2.0&to=0.1.0', 'from=0.1.0&from=0.2.0'])(
    'refuses a changelog parameter given twice (%s) rather than take the first',
    async (query) => {
      const res = await api(reg, 'GET', `/v1/packs/github/changelog?${query}`);
      const name = query.split('=')[0];
      expect([res.status, res.json.code, res.json.detail])
        .toEqual([400, 'request_invalid', `give \`${name}\` once`]);
    });
});
