/**
 * A unified diff of two texts by lines (longest common subsequence), for
 * showing what `cordum pack migrate` would change. Inputs are policy
 * files, so the quadratic table is small; past MAX_LINES it says so.
 */
const MAX_LINES = 4000;
const CONTEXT = 3;

type Op = { kind: ' ' | '-' | '+'; line: string };

function operations(a: string[], b: string[]): Op[] {
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1
        : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i++]! });
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // Deletions first, as diff(1) shows them.
      ops.push({ kind: '-', line: a[i++]! });
    } else {
      ops.push({ kind: '+', line: b[j++]! });
    }
  }
  return ops;
}

/** Groups changes with CONTEXT lines around them into `@@` hunks. */
function hunks(ops: Op[]): string[] {
  const out: string[] = [];
  const changed = ops.map((op, k) => (op.kind === ' ' ? -1 : k)).filter((k) => k >= 0);
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k]! - CONTEXT);
    let end = Math.min(ops.length, changed[k]! + CONTEXT + 1);
    while (k + 1 < changed.length && changed[k + 1]! - CONTEXT <= end) {
      k++;
      end = Math.min(ops.length, changed[k]! + CONTEXT + 1);
    }
    const before = ops.slice(0, start);
    const oldStart = before.filter((o) => o.kind !== '+').length + 1;
    const newStart = before.filter((o) => o.kind !== '-').length + 1;
    const body = ops.slice(start, end);
    const oldLen = body.filter((o) => o.kind !== '+').length;
    const newLen = body.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${oldStart},${oldLen} +${newStart},${newLen} @@`);
    out.push(...body.map((o) => `${o.kind}${o.line}`));
    k++;
  }
  return out;
}

/** `--- a/file`, `+++ b/file` and hunks; empty when the texts are equal. */
export function unifiedDiff(file: string, before: string, after: string): string[] {
  if (before === after) return [];
  const a = before.replace(/\n$/, '').split('\n');
  const b = after.replace(/\n$/, '').split('\n');
  const head = [`--- a/${file}`, `+++ b/${file}`];
  if (a.length > MAX_LINES || b.length > MAX_LINES) {
    return [...head, `@@ file too long to diff here (${a.length} → ${b.length} lines) @@`];
  }
  return [...head, ...hunks(operations(a, b))];
}
