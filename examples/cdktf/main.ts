/**
 * The Cordum objects of examples/terraform, declared with CDKTF and the
 * bindings generated from the provider's own schema (.gen/). `npm run
 * synth:cdktf` writes cdktf.out/stacks/cordum/cdk.tf.json, which terraform
 * applies like any configuration. Paths come from CORDUM_BUILD_DIR and
 * CORDUM_PUBLIC_KEY (the same defaults as examples/terraform).
 */
import * as path from 'node:path';
import { App, Fn, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { CordumProvider } from './.gen/providers/cordum/provider';
import { PublisherKey } from './.gen/providers/cordum/publisher-key';
import { PackVersion } from './.gen/providers/cordum/pack-version';
import { Deployment } from './.gen/providers/cordum/deployment';
import { PolicyBundle } from './.gen/providers/cordum/policy-bundle';
import { Token } from './.gen/providers/cordum/token';
import { DataCordumPack } from './.gen/providers/cordum/data-cordum-pack';
import { DataCordumCatalog } from './.gen/providers/cordum/data-cordum-catalog';
import { DataCordumPolicyDecision } from './.gen/providers/cordum/data-cordum-policy-decision';

const buildDir = process.env.CORDUM_BUILD_DIR ?? path.resolve(__dirname, '../../../build');
const publicKey =
  process.env.CORDUM_PUBLIC_KEY ?? path.resolve(__dirname, '../../../.cordum/keys/cordum.pub');

class CordumStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // State beside wherever terraform runs the synthesized configuration.
    new LocalBackend(this, { path: 'terraform.tfstate' });
    new CordumProvider(this, 'cordum', {});

    const key = new PublisherKey(this, 'ci', {
      publisher: 'default',
      publicKey: Fn.file(publicKey),
    });
    const echo = new PackVersion(this, 'echo_tools', {
      tarball: path.join(buildDir, 'echo-tools-0.2.0.tgz'),
      dependsOn: [key],
    });
    const ops = new PackVersion(this, 'ops_guard', {
      tarball: path.join(buildDir, 'ops-guard-1.0.0.tgz'),
      dependsOn: [key],
    });

    const prod = new Deployment(this, 'prod', {
      name: 'prod',
      description: 'Production agents',
      pack: [
        { id: echo.publishedPackId, range: '~0.2.0' },
        { id: ops.publishedPackId, range: '^1.0.0' },
      ],
    });

    const freeze = new PolicyBundle(this, 'freeze', {
      deployment: prod.name,
      name: 'change-freeze',
      rule: [
        {
          id: 'freeze-deploys',
          decision: 'require_approval',
          reason: 'Change freeze: every deploy needs a second pair of eyes.',
          match: { topics: ['job.ops-guard.deploy'] },
        },
      ],
    });

    const token = new Token(this, 'ci_token', {
      name: 'ci-publisher',
      scopes: ['read', 'publish'],
    });
    const opsGuard = new DataCordumPack(this, 'ops_guard_pack', {
      id: 'ops-guard',
      range: '^1.0.0',
      dependsOn: [ops],
    });
    const catalog = new DataCordumCatalog(this, 'all', { dependsOn: [echo, ops] });
    const decision = new DataCordumPolicyDecision(this, 'delete', {
      deployment: prod.name,
      topic: 'job.ops-guard.delete',
      packId: 'ops-guard',
      dependsOn: [freeze],
    });

    new TerraformOutput(this, 'delete_decision', { value: decision.decision });
    new TerraformOutput(this, 'ops_guard_signer', { value: opsGuard.signer });
    new TerraformOutput(this, 'catalog_size', { value: Fn.lengthOf(catalog.packs) });
    new TerraformOutput(this, 'ci_token_secret', { value: token.token, sensitive: true });
  }
}

const app = new App({
  outdir: process.env.CDKTF_OUTDIR ?? path.resolve(__dirname, '../cdktf.out'),
});
new CordumStack(app, 'cordum');
app.synth();
