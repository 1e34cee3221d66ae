import { describe, expect, it } from 'vitest';
import { activeContentsKey, contentsKey, PackContentsBook }
  from '../../engine/kernel/pack_contents.js';
import type { LoadedPack } from '../../packs/load.js';
import { workflow } from './fixtures.js';

function pack(version: string, schemas: Record<string, object>): LoadedPack {
  return {
    manifest: {
      metadata: { id: 'demo', version },
      topics: [{ name: 'job.demo.echo', capability: `demo.echo.${version}` }],
    } as LoadedPack['manifest'],
    workflows: [workflow('hello', { s: { type: 'transform', input: { v: version } } })],
    fragments: [],
    schemas: new Map(Object.entries(schemas)),
  };
}
const pinned = (version: string, schemas: Record<string, object>) => [
  { pin: { id: 'demo', version }, pack: pack(version, schemas) },
];

describe('the contents of a followed deployment', () => {
  it('keys contents by the pack versions too: one policy hash, two sets of workflows', () => {
    const book = new PackContentsBook();
    const v1 = [{ id: 'demo', version: '1.0.0', sha256: 'aa' }];
    const v2 = [{ id: 'demo', version: '2.0.0', sha256: 'bb' }];
    book.stage(contentsKey('sha256:same', v1), pinned('1.0.0', {}));
    book.stage(contentsKey('sha256:same', v2), pinned('2.0.0', {}));
    // A rollback to the 1.0.0 row runs 1.0.0's workflows, though its policy hash is 2.0.0's.
    const back = { version: 3, activatedAt: '', snapshot: { hash: 'sha256:same', rules: [],
      packs: [] }, source: { kind: 'rollback' as const, restored: 1, packs: v1 } };
    expect(book.forKey(activeContentsKey(back))!.packs).toEqual([{ id: 'demo',
      version: '1.0.0' }]);
    expect(book.forKey(contentsKey('sha256:same', v2))!.packs[0]!.version).toBe('2.0.0');
  });

  it('answers the contents staged for a snapshot hash, and none for an unknown one', () => {
    const book = new PackContentsBook();
    expect(book.forKey('sha256:a')).toBeUndefined();
    book.stage('sha256:a', pinned('1.0.0', { 'demo/In': { type: 'object' } }));
    book.stage('sha256:b', pinned('2.0.0', { 'demo/Out': { type: 'string' } }));
    const a = book.forKey('sha256:a')!;
    expect(a.packs).toEqual([{ id: 'demo', version: '1.0.0' }]);
    expect(a.workflows.get('demo.hello')?.steps.s?.input).toEqual({ v: '1.0.0' });
    expect(a.topics.get('job.demo.echo')?.capability).toBe('demo.echo.1.0.0');
    expect(book.forKey('sha256:b')!.packs[0]!.version).toBe('2.0.0');
    // A rollback's own packs must be staged for it: the newest are never lent to it.
    expect(book.forKey('sha256:rolled-back')).toBeUndefined();
  });

  it('keeps the schemas of earlier versions for runs still in flight', () => {
    const book = new PackContentsBook();
    book.stage('sha256:a', pinned('1.0.0', { 'demo/In': { type: 'object' } }));
    const b = book.stage('sha256:b', pinned('2.0.0', { 'demo/In': { type: 'string' } }));
    expect(b.book.check('demo/In', 'text')).toEqual([]);
    const c = book.stage('sha256:c', pinned('3.0.0', {}));
    expect(c.schemas.get('demo/In')).toEqual({ type: 'string' });
    expect(c.book.check('demo/In', 5)).toHaveLength(1);
  });

  it('restages a hash with the newer packs (the same policy from another version)', () => {
    const book = new PackContentsBook();
    book.stage('sha256:a', pinned('1.0.0', {}));
    book.stage('sha256:a', pinned('1.1.0', {}));
    expect(book.forKey('sha256:a')!.packs[0]!.version).toBe('1.1.0');
  });
});
