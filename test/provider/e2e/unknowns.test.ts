/**
 * Values Terraform knows only at apply, and values the registry would refuse
 * or rewrite, through the real terraform binary: a plan must promise only
 * what the apply then makes (no "inconsistent final plan" or "inconsistent
 * result after apply"), and what can be checked at plan time is.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  newKey,
  registryApi,
  registryWithHelloPack,
  type RunningRegistry,
  tfWorkspace,
} from '../helpers.js';

let registry: RunningRegistry;

const workspace = (config: string) => tfWorkspace(registry, 'cordum-tf-unknowns-', config);

/** A read token made through the API, then imported into a workspace that declares it. */
async function importedToken(name: string, expiresAt: string) {
  const made = await registryApi(registry).call('POST', '/v1/tokens', { name,
    scopes: ['read'], expires_at: expiresAt });
  expect(made.status).toBe(201);
  const id = String(made.body.id);
  const ws = await workspace(`
resource "cordum_token" "t" {
  name       = "${name}"
  scopes     = ["read"]
  expires_at = "${expiresAt}"
}
`);
  expect((await ws.tf('import', 'cordum_token.t', id)).code).toBe(0);
  return { ...ws, id };
}

beforeAll(async () => {
  registry = await registryWithHelloPack();
}, 120_000);

afterAll(async () => {
  await registry?.stop();
});

describe('values known only at apply', () => {
  it('a rule topic and a deployment name from another resource apply, then plan clean',
    async () => {
    const { tf } = await workspace(`
resource "terraform_data" "names" {
  input = { deployment = "late", topic = "job.hello-pack.*" }
}

resource "cordum_deployment" "late" {
  name = terraform_data.names.output.deployment
  pack {
    id    = "hello-pack"
    range = "^1.0.0"
  }
}

resource "cordum_policy_bundle" "late" {
  deployment = cordum_deployment.late.name
  name       = "guard"
  rule {
    id       = "gate"
    decision = "require_approval"
    match {
      topics = [terraform_data.names.output.topic]
    }
  }
}
`);
    const apply = await tf('apply', '-auto-approve');
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect((await tf('plan', '-detailed-exitcode')).code).toBe(0);
    const bundle = await registryApi(registry).call('GET',
      '/v1/deployments/late/policy-bundles/guard');
    expect(bundle.body.fragment).toMatchObject({ rules: [{ id: 'gate',
      match: { topics: ['job.hello-pack.*'] } }] });
  });

  it('a deployment description changed to a value known only at apply plans the change',
    async () => {
    const config = (input: string) => `
resource "terraform_data" "label" {
  input = "${input}"
}

resource "cordum_deployment" "described" {
  name        = "described"
  description = terraform_data.label.output
  pack {
    id    = "hello-pack"
    range = "^1.0.0"
  }
}
`;
    const { tf, write } = await workspace(config('before'));
    expect((await tf('apply', '-auto-approve')).code).toBe(0);
    // A new input replaces terraform_data, so its output is unknown until apply.
    write(config('after'));
    const plan = await tf('plan');
    expect(plan.stdout).toContain('cordum_deployment.described will be updated in-place');
    expect(plan.stdout).toMatch(/description\s+= "before" -> \(known after apply\)/);
    const apply = await tf('apply', '-auto-approve');
    expect(apply.stderr).toBe('');
    const stored = await registryApi(registry).call('GET', '/v1/deployments/described');
    expect(stored.body.description).toBe('after');
    expect((await tf('plan', '-detailed-exitcode')).code).toBe(0);
  });
});

describe('checked at plan time, with the attribute named', () => {
  it('refuses values the registry would refuse or rewrite', async () => {
    const { tf } = await workspace(`
resource "cordum_token" "dup" {
  name   = "dup"
  scopes = ["read", "read"]
}

resource "cordum_token" "blank" {
  name   = ""
  scopes = []
}

resource "cordum_policy_bundle" "budget" {
  deployment = "twice"
  name       = "budget"
  rule {
    id       = "r"
    decision = "allow"
    constraints {
      budgets {
        max_retries = 0.5
      }
    }
  }
}
`);
    const plan = await tf('plan');
    expect(plan.code).toBe(1);
    const err = plan.stderr;
    expect(err).toContain('Error: Duplicate Scope');
    expect(err).toContain('"read" is listed twice');
    expect(err).toContain('Error: Empty Token Name');
    expect(err).toContain('Error: Empty Scope');
    expect(err).toContain('Error: Invalid Budget');
    expect(err).toContain('max_retries = 0.5');

    // What needs the plan itself (past the configuration checks above).
    const planned = await workspace(`
resource "cordum_token" "old" {
  name       = "old"
  scopes     = ["read"]
  expires_at = "2001-01-01T00:00:00Z"
}

resource "cordum_deployment" "twice" {
  name = "twice"
  pack {
    id    = "hello-pack"
    range = "^1.0.0"
  }
  pack {
    id    = "hello-pack"
    range = "~1.0.0"
  }
}
`);
    const second = await planned.tf('plan');
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('expires_at "2001-01-01T00:00:00Z" is in the past');
    expect(second.stderr).toContain('Pack "hello-pack" is listed twice');
    // Pointed at the second pack block's id (the first one's is line 17).
    expect(second.stderr).toMatch(/on main\.tf line 21, in resource "cordum_deployment" "twice":/);
  });

  it('refuses a provider setting out of range or known only after apply', async () => {
    const { tf } = await workspace(`
provider "cordum" {
  timeout_seconds = 3000000
}

data "cordum_catalog" "all" {}
`);
    const plan = await tf('plan');
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('timeout_seconds 3000000 is not a whole number of seconds');

    const late = await workspace(`
resource "terraform_data" "url" {
  input = "http://127.0.0.1:1"
}

provider "cordum" {
  registry_url = terraform_data.url.output
}

data "cordum_catalog" "all" {}
`);
    const unknown = await late.tf('plan');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("registry_url is known only after apply");
    expect(unknown.stderr).not.toContain('No Cordum registry is configured');
  });
});

describe('objects as the registry keeps them', () => {
  it('refuses moving a key to another publisher at plan time, destroying nothing', async () => {
    const key = newKey();
    const { dir, tf } = await workspace(`
variable "publisher" {
  default = "acme"
}

resource "cordum_publisher_key" "k" {
  public_key = file("\${path.module}/key.pem")
  publisher  = var.publisher
}
`);
    writeFileSync(join(dir, 'key.pem'), key.publicPem);
    expect((await tf('apply', '-auto-approve')).code).toBe(0);
    const moved = await tf('apply', '-auto-approve', '-var', 'publisher=other');
    expect(moved.code).toBe(1);
    expect(moved.stderr).toContain('is registered for publisher "acme"');
    // Still trusted for acme: the plan failed before any destroy.
    const found = await registryApi(registry).call('GET', `/v1/keys/${key.keyId}`);
    expect(found.body.publisher).toBe('acme');
    expect((await tf('plan', '-detailed-exitcode')).code).toBe(0);
  });

  it('imports a token with an expiry to a state that plans clean', async () => {
    const { tf } = await importedToken('imported', '2030-01-01T00:00:00Z');
    const plan = await tf('plan', '-detailed-exitcode');
    expect(plan.stdout).toContain('No changes');
    expect(plan.code).toBe(0);
  });

  it('warns at plan of a token past its expiry, planning no change', async () => {
    const at = new Date(Date.now() + 1500).toISOString();
    const { tf, id } = await importedToken('lapsing', at);
    await new Promise((done) => setTimeout(done, Math.max(0, Date.parse(at) - Date.now() + 50)));
    const plan = await tf('plan', '-detailed-exitcode');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes');
    // Terraform wraps the detail's lines.
    const said = (plan.stdout + plan.stderr).replace(/\s+/g, ' ');
    expect(said).toContain('Warning: Token Expired');
    expect(said).toContain(`Token "lapsing" (${id}) stopped working at ${at}.`);
  });

  it('never replaces an imported token over another spelling of the same expiry', async () => {
    const api = registryApi(registry);
    const made = await api.call('POST', '/v1/tokens', { name: 'offset', scopes: ['read'],
      expires_at: '2030-06-01T12:00:00Z' });
    const { tf } = await workspace(`
resource "cordum_token" "t" {
  name       = "offset"
  scopes     = ["read"]
  expires_at = "2030-06-01T14:00:00+02:00"
}
`);
    expect((await tf('import', 'cordum_token.t', String(made.body.id))).code).toBe(0);
    const plan = await tf('plan');
    expect(plan.stdout).not.toContain('must be replaced');
    expect(plan.stdout).toContain('1 to change, 0 to destroy');
    expect((await tf('apply', '-auto-approve')).code).toBe(0);
    // The same token, still live: only its spelling in the state changed.
    const still = await api.call('GET', `/v1/tokens/${String(made.body.id)}`);
    expect(still.status).toBe(200);
    expect(still.body.revoked_at ?? null).toBeNull();
    expect((await tf('plan', '-detailed-exitcode')).code).toBe(0);
  });
});
