/**
 * Diagnostics as values: severity, a short Title-Case summary, a full
 * sentence of detail that says what to do, and the attribute path.
 */
import type { AttributePath, PathStep, ProtoDiagnostic } from '../plugin/messages.js';
import { SEVERITY_ERROR, SEVERITY_WARNING } from '../plugin/messages.js';

/** Attribute names (strings), list indexes (numbers) and map keys. */
export type PathPart = string | number | { key: string };
export type Path = PathPart[];

export interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail: string;
  path?: Path;
}

export function error(summary: string, detail: string, path?: Path): Diagnostic {
  return path
    ? { severity: 'error', summary, detail, path }
    : { severity: 'error', summary, detail };
}

export function warning(summary: string, detail: string, path?: Path): Diagnostic {
  return path
    ? { severity: 'warning', summary, detail, path }
    : { severity: 'warning', summary, detail };
}

export const hasErrors = (diagnostics: Diagnostic[]): boolean =>
  diagnostics.some((d) => d.severity === 'error');

/** Thrown by resource code to answer with these diagnostics. */
export class DiagnosticsError extends Error {
  override readonly name = 'DiagnosticsError';
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.summary).join('; '));
  }
}

export function toAttributePath(path: Path): AttributePath {
  const steps: PathStep[] = path.map((part) => {
    if (typeof part === 'string') return { attribute_name: part };
    if (typeof part === 'number') return { element_key_int: part };
    return { element_key_string: part.key };
  });
  return { steps };
}

export function fromAttributePath(path: AttributePath | undefined): Path {
  return (path?.steps ?? []).map((step): PathPart => {
    if (step.attribute_name !== undefined) return step.attribute_name;
    if (step.element_key_int !== undefined) return Number(step.element_key_int);
    return { key: step.element_key_string ?? '' };
  });
}

export function toProtoDiagnostic(d: Diagnostic): ProtoDiagnostic {
  const out: ProtoDiagnostic = {
    severity: d.severity === 'error' ? SEVERITY_ERROR : SEVERITY_WARNING,
    summary: d.summary,
    detail: d.detail,
  };
  if (d.path && d.path.length > 0) out.attribute = toAttributePath(d.path);
  return out;
}

/** `pack[0].range` for messages. */
export function formatPath(path: Path): string {
  return path
    .map((p, i) => {
      if (typeof p === 'number') return `[${p}]`;
      if (typeof p === 'string') return i === 0 ? p : `.${p}`;
      return `["${p.key}"]`;
    })
    .join('');
}
