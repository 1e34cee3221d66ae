/** The packs, collection and verified publisher the browser suite looks at. */
import type { TestRegistry } from '../../registry/helpers.js';
import { registeredKey } from '../../registry/helpers.js';
import { GITHUB_0_2_0 } from '../fixtures.js';
import { api, publishFixture, withMetadata } from '../helpers.js';

export async function seedShowcase(reg: TestRegistry): Promise<void> {
  const key = await registeredKey(reg);
  const acme = await registeredKey(reg, 'acme');
  const day = () => reg.clock.advance(86_400_000);
  await publishFixture(reg, key, 'hello-pack', { edit: withMetadata('license', 'Apache-2.0') });
  day();
  await publishFixture(reg, key, 'github', { edit: withMetadata('license', 'BUSL-1.1') });
  day();
  await publishFixture(reg, key, 'github', { ...GITHUB_0_2_0,
    edit: (y) => withMetadata('license', 'BUSL-1.1')(GITHUB_0_2_0.edit!(y)) });
  day();
  await publishFixture(reg, acme, 'slack', { publisher: 'acme',
    edit: withMetadata('license', 'BUSL-1.1') });
  day();
  await publishFixture(reg, key, 'demo-guardrails');
  await api(reg, 'PUT', '/v1/marketplace/publishers/acme/verification',
    { note: 'Domain and signing key checked' });
  await api(reg, 'PUT', '/v1/marketplace/collections/featured', { title: 'Featured',
    description: 'Packs the registry team recommends.', packs: ['github', 'slack'] });
}
