/**
 * readBundle against bytes the tar parser would skip without reading: data
 * after the end-of-archive marker, a lone zero block before more entries,
 * and names that are one file once Unicode-normalised. Every byte of the
 * tarball is either read or zero padding, and two spellings of one name
 * are one name, as GNU tar, Python's tarfile and the disk see them.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readBundle } from '../../packs/bundle/read.js';
import type { PackErrorCode } from '../../packs/errors.js';
import {
  MINIMAL_MANIFEST, paxPath, tarHeader, tarOf, tgzOf, TYPE, type TarEntry,
} from './helpers/tar.js';

const manifest: TarEntry = { name: 'pack.yaml', body: MINIMAL_MANIFEST };
const extra: TarEntry = { name: 'extra.txt', body: 'smuggled\n' };
const BLOCK = 512;
const RECORD = 10 * 1024;

/** The archive without its two-zero-block end marker. */
const entriesOnly = (entries: TarEntry[]) => {
  const tar = tarOf(entries);
  return tar.subarray(0, tar.length - 2 * BLOCK);
};

/** Zero padding up to the next 10 KiB record, as GNU tar writes. */
const toRecord = (tar: Buffer) =>
  Buffer.concat([tar, Buffer.alloc(RECORD - (tar.length % RECORD))]);

/** A pax extended header that sets the next entry's size. */
function paxSize(size: number): TarEntry {
  const record = (len: number) => `${len} size=${size}\n`;
  let len = record(0).length;
  while (record(len).length !== len) len = record(len).length;
  return { name: 'PaxHeader/x', type: TYPE.pax, body: record(len) };
}

/** A pax global header, in force for every entry after it. */
function paxGlobal(key: string, value: string): TarEntry {
  const record = (len: number) => `${len} ${key}=${value}\n`;
  let len = record(0).length;
  while (record(len).length !== len) len = record(len).length;
  return { name: 'pax_global_header', type: 'g', body: record(len) };
}

/** A GNU long-name header that sets the next entry's path. */
const gnuLong = (path: string): TarEntry => ({ name: '././@LongLink', type: 'L',
  body: `${path}\0` });
const evil = { name: 'x', body: 'kind: Other\n' };

/** `header` (one block) with bytes written at `at` and its checksum made right again. */
function patched(header: Buffer, at: number, bytes: Buffer | string): Buffer {
  const block = Buffer.from(header);
  (typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes).copy(block, at);
  block.fill(0x20, 148, 156);
  const sum = block.reduce((a, b) => a + b, 0);
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

/**
 * notes.txt with a size of `\0` then octal 512: no body to the parser, one
 * block to GNU tar, which then reads the hidden pack.yaml inside blob.bin.
 */
function nulLedSize(): Buffer {
  const hidden = tarOf([{ name: 'pack.yaml', body: 'kind: Other\n' }]).subarray(0, 1024);
  const notes = patched(tarHeader({ name: 'notes.txt', body: '' }, 0), 124,
    '\u00000000001000\u0000');
  return Buffer.concat([entriesOnly([manifest]), notes, tarOf([{ name: 'blob.bin',
    body: hidden }])]);
}

/** A pax header of `key=value` records, each with its right length. */
function paxOf(...records: [string, string][]): TarEntry {
  const one = ([k, v]: [string, string]) => {
    const at = (len: number) => `${len} ${k}=${v}\n`;
    let len = Buffer.byteLength(at(0));
    while (Buffer.byteLength(at(len)) !== len) len = Buffer.byteLength(at(len));
    return at(len);
  };
  return { name: 'PaxHeader/x', type: TYPE.pax, body: records.map(one).join('') };
}

/** blob.bin's body, as the parser frames it, holds a pack.yaml header and body. */
const hiddenManifest = () => tarOf([{ name: 'pack.yaml', body: 'kind: Other\n' }])
  .subarray(0, 1024);

interface FramingCase {
  name: string;
  tar: () => Buffer;
  code: PackErrorCode;
}

const refusals: FramingCase[] = [
  { name: 'a second tar stream after the end marker', code: 'bundle_corrupt',
    tar: () => Buffer.concat([tarOf([manifest]), tarOf([extra])]) },
  { name: 'a second stream after a 10 KiB record of padding', code: 'bundle_corrupt',
    tar: () => Buffer.concat([toRecord(tarOf([manifest])), toRecord(tarOf([extra]))]) },
  { name: 'a lone zero block before another entry', code: 'bundle_corrupt',
    tar: () => Buffer.concat([entriesOnly([manifest]), Buffer.alloc(BLOCK), tarOf([extra])]) },
  { name: 'a lone zero block before a pax header', code: 'bundle_corrupt',
    tar: () => Buffer.concat([entriesOnly([manifest]), Buffer.alloc(BLOCK),
      tarOf([paxPath('evil.sh'), extra])]) },
  { name: 'one non-zero byte in the padding after the marker', code: 'bundle_corrupt',
    tar: () => {
      const tar = toRecord(tarOf([manifest]));
      tar[tar.length - 7] = 1;
      return tar;
    } },
  { name: 'text that is not a whole block after the marker', code: 'bundle_corrupt',
    tar: () => Buffer.concat([tarOf([manifest]), Buffer.from('#!/bin/sh\n')]) },
  { name: 'an end marker with a blank checksum field, taken for zeros', code: 'bundle_corrupt',
    tar: () => {
      const tar = tarOf([manifest]);
      tar.fill(0x20, tar.length - BLOCK + 148, tar.length - BLOCK + 156);
      return tar;
    } },
  // GNU tar and Python name both entries pack.yaml: the second, unvalidated, is what they write.
  { name: 'a global pax path over every entry', code: 'bundle_path_invalid',
    tar: () => tarOf([paxGlobal('path', 'pack.yaml'), manifest, extra]) },
  // Each names the last entry pack.yaml for GNU tar or Python and notes.txt here.
  { name: 'a pax path, then a GNU long name', code: 'bundle_path_invalid',
    tar: () => tarOf([manifest, paxPath('pack.yaml'), gnuLong('notes.txt'), evil]) },
  { name: 'a GNU long name, then a pax path', code: 'bundle_path_invalid',
    tar: () => tarOf([manifest, gnuLong('pack.yaml'), paxPath('notes.txt'), evil]) },
  { name: 'two GNU long names', code: 'bundle_path_invalid',
    tar: () => tarOf([manifest, gnuLong('pack.yaml'), gnuLong('notes.txt'), evil]) },
  { name: 'two pax paths', code: 'bundle_path_invalid',
    tar: () => tarOf([manifest, paxPath('pack.yaml'), paxPath('notes.txt'), evil]) },
  { name: 'a size field led by a NUL (GNU tar skips it)', code: 'bundle_corrupt',
    tar: nulLedSize },
  { name: 'a size field of octal digits then other text', code: 'bundle_corrupt',
    tar: () => Buffer.concat([entriesOnly([manifest]),
      patched(tarHeader({ name: 'x.txt', body: '' }, 0), 124, '0000000x000\u0000'),
      Buffer.alloc(1024)]) },
  // Python prepends a prefix whatever the magic; the parser and GNU tar only in ustar 00.
  { name: 'a name prefix in a header that is not ustar 00', code: 'bundle_corrupt',
    tar: () => Buffer.concat([entriesOnly([manifest]),
      patched(patched(tarHeader(extra, 9), 263, '  '), 345, 'docs'),
      Buffer.from('smuggled\n'.padEnd(512, '\0')), Buffer.alloc(1024)]) },
  // GNU tar and Python rename the entry; the parser does not know the key.
  { name: 'a pax GNU.sparse.name', code: 'bundle_corrupt',
    tar: () => tarOf([manifest, paxOf(['GNU.sparse.name', 'pack.yaml']), extra]) },
  // Python reads +0 as no body and then the hidden pack.yaml; the parser keeps the header's.
  { name: 'a pax size of +0', code: 'bundle_corrupt',
    tar: () => tarOf([manifest, paxOf(['size', '+0']),
      { name: 'blob.bin', body: hiddenManifest() }]) },
  { name: 'a pax record whose length is wrong', code: 'bundle_corrupt',
    tar: () => tarOf([manifest, { name: 'PaxHeader/x', type: TYPE.pax,
      body: '40 path=pack.yaml\n20 comment=abcdefg\n' }, extra]) },
  { name: 'a header alone after the marker', code: 'bundle_corrupt',
    tar: () => Buffer.concat([tarOf([manifest]), tarHeader({ name: 'x', body: '' }, 0)]) },
];

describe('readBundle refuses bytes past what it read', () => {
  it.each(refusals)('$name ($code)', async ({ tar, code }) => {
    await expect(readBundle(gzipSync(tar()))).rejects.toMatchObject({ name: 'PackError', code });
  });

  it('a second gzip member holding another archive', async () => {
    const tgz = Buffer.concat([tgzOf([manifest]), tgzOf([extra])]);
    await expect(readBundle(tgz)).rejects.toMatchObject({ code: 'bundle_corrupt' });
  });

  it('names the byte offset and what it expected', async () => {
    const tar = Buffer.concat([entriesOnly([manifest]), Buffer.alloc(BLOCK), tarOf([extra])]);
    await expect(readBundle(gzipSync(tar))).rejects.toMatchObject({
      code: 'bundle_corrupt',
      message: expect.stringMatching(/zero block at byte 1024.*end-of-archive/),
      details: { offset: 1024 },
    });
    const after = Buffer.concat([tarOf([manifest]), tarOf([extra])]);
    await expect(readBundle(gzipSync(after))).rejects.toMatchObject({
      code: 'bundle_corrupt',
      message: expect.stringMatching(/after the tar end-of-archive marker, at byte 2048:/),
      details: { offset: 2048 },
    });
  });
});

describe('readBundle still accepts', () => {
  const names = async (tar: Buffer) => [...(await readBundle(gzipSync(tar))).files.keys()].sort();

  it('zero padding to a 10 KiB record after the marker', async () => {
    expect(await names(toRecord(tarOf([manifest, extra])))).toEqual(['extra.txt', 'pack.yaml']);
  });

  it('zero padding that is not a whole block', async () => {
    const tar = Buffer.concat([tarOf([manifest]), Buffer.alloc(100)]);
    expect(await names(tar)).toEqual(['pack.yaml']);
  });

  it('an archive ended by one zero block or none', async () => {
    expect(await names(Buffer.concat([entriesOnly([manifest]), Buffer.alloc(BLOCK)])))
      .toEqual(['pack.yaml']);
    expect(await names(entriesOnly([manifest]))).toEqual(['pack.yaml']);
  });

  it('file bodies made of zero blocks', async () => {
    const zeros = { name: 'zeros.bin', body: Buffer.alloc(4 * BLOCK) };
    const { files } = await readBundle(gzipSync(tarOf([manifest, zeros, extra])));
    expect(files.get('zeros.bin')).toEqual(Buffer.alloc(4 * BLOCK));
    expect(files.get('extra.txt')?.toString()).toBe('smuggled\n');
  });

  it('one long name per entry, by pax or GNU header', async () => {
    const long = `${'d'.repeat(120)}/notes.txt`;
    expect(await names(tarOf([manifest, paxPath(long), extra, gnuLong('b.txt'), extra])))
      .toEqual(['b.txt', long, 'pack.yaml']);
  });

  it('a name prefix in a ustar 00 header, as every reader applies it', async () => {
    const tar = Buffer.concat([entriesOnly([manifest]),
      patched(tarHeader(extra, 9), 345, 'docs'),
      Buffer.from('smuggled\n'.padEnd(512, '\0')), Buffer.alloc(1024)]);
    expect(await names(tar)).toEqual(['docs/extra.txt', 'pack.yaml']);
  });

  it('pax records of several keys, a UTF-8 path among them', async () => {
    const tar = tarOf([manifest, paxOf(['mtime', '946684800.5'], ['path', 'docs/caf\u00e9.md'],
      ['SCHILY.dev', '64']), extra]);
    expect(await names(tar)).toEqual(['docs/caf\u00e9.md', 'pack.yaml']);
  });

  it('a global pax header without a path (git archive writes its commit id)', async () => {
    expect(await names(tarOf([paxGlobal('comment', 'e50b0fe'), manifest])))
      .toEqual(['pack.yaml']);
  });

  it('a body whose size a pax header sets, framed as the parser reads it', async () => {
    const body = Buffer.alloc(2 * BLOCK, 0x61);
    const tar = tarOf([manifest, paxSize(body.length), { name: 'big.txt', body, size: 0 }]);
    const { files } = await readBundle(gzipSync(toRecord(tar)));
    expect(files.get('big.txt')).toEqual(body);
  });
});

describe('readBundle refuses names that are one name once normalised', () => {
  const nfc = 'docs/caf\u00e9.txt';
  const nfd = 'docs/cafe\u0301.txt';
  const cases: { name: string; entries: TarEntry[] }[] = [
    { name: 'NFC then NFD', entries: [{ name: nfc, body: 'a' }, { name: nfd, body: 'b' }] },
    { name: 'NFD then NFC', entries: [{ name: nfd, body: 'a' }, { name: nfc, body: 'b' }] },
    { name: 'NFD upper case then NFC', entries: [{ name: 'DOCS/CAFE\u0301.TXT', body: 'a' },
      { name: nfc, body: 'b' }] },
    { name: 'a long s and an s (one letter to case folding)', entries: [
      { name: 'workflows/s.yaml', body: 'a' }, { name: 'workflows/\u017f.yaml', body: 'b' }] },
    { name: 'a dotless i and an I', entries: [{ name: 'docs/I.md', body: 'a' },
      { name: 'docs/\u0131.md', body: 'b' }] },
    { name: 'a sharp s and SS', entries: [{ name: 'docs/STRASSE.md', body: 'a' },
      { name: 'docs/stra\u00dfe.md', body: 'b' }] },
    { name: 'a file and a folder of one name', entries: [{ name: 'docs/caf\u00e9', body: 'a' },
      { name: 'docs/cafe\u0301/x.md', body: 'b' }] },
  ];

  it.each(cases)('$name (bundle_duplicate_entry)', async ({ entries }) => {
    await expect(readBundle(tgzOf([manifest, ...entries]))).rejects.toMatchObject({
      code: 'bundle_duplicate_entry',
    });
  });

  it('names the second spelling in the message', async () => {
    const tgz = tgzOf([manifest, { name: nfc, body: 'a' }, { name: nfd, body: 'b' }]);
    await expect(readBundle(tgz)).rejects.toMatchObject({
      message: `${nfd}: appears more than once in the tarball`, details: { entry: nfd } });
  });

  it('keeps one spelling as it was written', async () => {
    const { files } = await readBundle(tgzOf([manifest, { name: nfd, body: 'x' }]));
    expect([...files.keys()].sort()).toEqual([nfd, 'pack.yaml']);
  });
});
