/** A workflow template's `parameters`: the defaults they give a run's input. */

/**
 * `parameters` as a map (`{ name: { default } }`) or a list
 * (`[{ name, default }]`); a parameter with no default adds nothing.
 */
export function parameterDefaults(parameters: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const add = (name: unknown, spec: unknown) => {
    if (typeof name !== 'string' || spec === null || typeof spec !== 'object') return;
    if ('default' in spec) out[name] = (spec as { default: unknown }).default;
  };
  if (Array.isArray(parameters)) {
    for (const p of parameters) add((p as { name?: unknown } | null)?.name, p);
  } else if (parameters !== null && typeof parameters === 'object') {
    for (const [name, spec] of Object.entries(parameters)) add(name, spec);
  }
  return out;
}
