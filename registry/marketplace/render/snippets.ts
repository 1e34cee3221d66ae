/**
 * Install snippets for a pack version: the CLI, Terraform's
 * `cordum_deployment` (provider source as `cordum provider install` sets
 * it up) and CDKTF in TypeScript (bindings made by `cdktf get`). The range
 * is a caret range on the version shown, so patches and minors come in.
 */
import { html, type SafeHtml } from '../html.js';

export interface SnippetTarget {
  registryUrl: string;
  packId: string;
  version: string;
}

export interface Snippet {
  id: string;
  title: string;
  language: string;
  text: string;
}

/** Terraform names: letters, digits and underscores, not starting with a digit. */
function tfName(id: string): string {
  const name = id.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `p_${name}` : name;
}

export function snippetsFor(t: SnippetTarget): Snippet[] {
  const range = `^${t.version}`;
  const url = t.registryUrl.replace(/\/+$/, '');
  const cli = `cordum pack install ${t.packId}@${range} --registry ${url}`;
  const terraform = [
    'terraform {',
    '  required_providers {',
    '    cordum = {',
    '      source = "cordum.local/cordum/cordum"',
    '    }',
    '  }',
    '}',
    '',
    'provider "cordum" {',
    `  registry_url = ${JSON.stringify(url)}`,
    '  # token: set CORDUM_TOKEN',
    '}',
    '',
    `resource "cordum_deployment" "${tfName(t.packId)}" {`,
    '  name = "prod"',
    '',
    '  pack {',
    `    id    = ${JSON.stringify(t.packId)}`,
    `    range = ${JSON.stringify(range)}`,
    '  }',
    '}',
  ].join('\n');
  const cdktf = [
    "import { App, TerraformStack } from 'cdktf';",
    "import type { Construct } from 'constructs';",
    "import { CordumProvider } from './.gen/providers/cordum/provider';",
    "import { Deployment } from './.gen/providers/cordum/deployment';",
    '',
    'class Packs extends TerraformStack {',
    '  constructor(scope: Construct, id: string) {',
    '    super(scope, id);',
    `    new CordumProvider(this, 'cordum', { registryUrl: ${JSON.stringify(url)} });`,
    "    new Deployment(this, 'prod', {",
    "      name: 'prod',",
    `      pack: [{ id: ${JSON.stringify(t.packId)}, range: ${JSON.stringify(range)} }],`,
    '    });',
    '  }',
    '}',
    '',
    'const app = new App();',
    "new Packs(app, 'packs');",
    'app.synth();',
  ].join('\n');
  return [
    { id: 'install-cli', title: 'Command line', language: 'shell', text: cli },
    { id: 'install-terraform', title: 'Terraform', language: 'hcl', text: terraform },
    { id: 'install-cdktf', title: 'CDKTF (TypeScript)', language: 'typescript', text: cdktf },
  ];
}

export function snippetHtml(s: Snippet): SafeHtml {
  return html`<div class="snippet"><div class="head"><h3 id="${s.id}-title">${s.title}</h3>
<button type="button" class="secondary" data-copy="${s.id}"
 aria-describedby="${s.id}-title">Copy</button></div><pre tabindex="0"
 aria-labelledby="${s.id}-title"><code id="${s.id}" class="language-${s.language}">${
    s.text}</code></pre></div>`;
}
