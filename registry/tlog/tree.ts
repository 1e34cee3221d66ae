/**
 * Roots and proofs of RFC 6962 (section 2.1) computed from the hashes of
 * perfect subtrees, so a proof in a log of n entries reads O(log n) stored
 * nodes instead of every leaf. `node(level, index)` is the root of leaves
 * [index * 2^level, (index + 1) * 2^level). Every range these recursions
 * visit starts at a multiple of its own size's power of two, so a range of
 * power-of-two size is always one stored node.
 */
import {
  EMPTY_ROOT, isPowerOfTwo, nodeHash, splitPoint, type Hash,
} from '../../packs/tlog/merkle.js';
import { RegistryError } from '../errors.js';

export type NodeReader = (level: number, index: number) => Hash;

/** MTH(D[start:end]). */
export function subtreeRoot(start: number, end: number, node: NodeReader): Hash {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (isPowerOfTwo(n)) return node(Math.log2(n), start / n);
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(start, start + k, node), subtreeRoot(start + k, end, node));
}

/** PATH(index, D[start:end]): the audit path of leaf `index`, leaf upwards. */
export function inclusionPath(index: number, start: number, end: number,
  node: NodeReader): Hash[] {
  const n = end - start;
  if (n <= 1) return [];
  const k = splitPoint(n);
  if (index - start < k) {
    return [...inclusionPath(index, start, start + k, node), subtreeRoot(start + k, end, node)];
  }
  return [...inclusionPath(index, start + k, end, node), subtreeRoot(start, start + k, node)];
}

/** SUBPROOF(m, D[start:end], b) of RFC 6962 2.1.2. */
function subproof(m: number, start: number, end: number, complete: boolean,
  node: NodeReader): Hash[] {
  const n = end - start;
  if (m === n) return complete ? [] : [subtreeRoot(start, end, node)];
  const k = splitPoint(n);
  if (m <= k) {
    return [...subproof(m, start, start + k, complete, node), subtreeRoot(start + k, end, node)];
  }
  return [...subproof(m - k, start + k, end, false, node), subtreeRoot(start, start + k, node)];
}

/** PROOF(first, D[second]): empty when first is 0 or equals second. */
export function consistencyPath(first: number, second: number, node: NodeReader): Hash[] {
  if (first === 0 || first === second) return [];
  return subproof(first, 0, second, true, node);
}

/**
 * Runs `compute` twice: once to learn which nodes it reads, then with
 * those nodes fetched in one go by `fetch`.
 */
export async function withNodes<T>(
  compute: (node: NodeReader) => T,
  fetch: (coords: [number, number][]) => Promise<Map<string, Hash>>,
): Promise<T> {
  const wanted = new Map<string, [number, number]>();
  compute((level, index) => {
    wanted.set(`${level}:${index}`, [level, index]);
    return EMPTY_ROOT;
  });
  const nodes = await fetch([...wanted.values()]);
  return compute((level, index) => {
    const hash = nodes.get(`${level}:${index}`);
    if (!hash) throw new RegistryError('log_corrupt', `log node ${level}:${index} is missing`);
    return hash;
  });
}
