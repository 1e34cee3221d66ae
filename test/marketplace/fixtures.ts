/** Versions of the real github pack that the page suites publish. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_PACKS } from '../helpers/cli.js';
import type { PackChange } from './helpers.js';

/** A 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhf' +
  'DwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

export const README = `# GitHub for Cordum

Read and write **GitHub** issues. <script>alert('readme')</script>

![diagram](docs/flow.png)
![badge](https://badges.example.com/ci.svg)

| Topic | Risk |
|---|---|
| job.github.read | read |
`;

const TRIAGE = `id: github.triage
name: Triage an issue
steps:
  read:
    type: worker
    topic: job.github.read
    on_error: notify
  review:
    type: approval
    depends_on: [read]
  label:
    type: worker
    topic: job.github.admin
    depends_on: [review]
    for_each: \${steps.read.output.labels}
  notify:
    type: notify
`;

const ADMIN_RULE = `  - id: github-deny-admin
    match:
      topics:
        - job.github.admin
    decision: deny
    reason: "Admin actions are never allowed"
    remediations:
      - id: ask-owner
        title: "Ask a repository owner"
        replacement_topic: job.github.write
`;

/** github 0.2.0: a README with images, an admin topic denied by a new rule, a triage workflow. */
export const GITHUB_0_2_0: PackChange = {
  version: '0.2.0',
  edit: (y) => y
    .replace('  - name: job.github.write', '  - name: job.github.admin\n' +
      '    riskTags: ["admin", "network"]\n    capability: github.admin\n' +
      '  - name: job.github.write')
    .replace('  workflows:\n', '  workflows:\n    - id: github.triage\n' +
      '      path: workflows/triage.yaml\n'),
  files: {
    'README.md': README,
    'docs/flow.png': PNG,
    'workflows/triage.yaml': TRIAGE,
    'overlays/policy.fragment.yaml': `${readFileSync(join(SHARED_PACKS, 'github', 'overlays',
      'policy.fragment.yaml'), 'utf8').trimEnd()}\n${ADMIN_RULE}`,
  },
};
