/** How each policy decision is named and coloured on the pages. */
import type { Decision } from '../../../packs/policy/types.js';
import { html, type SafeHtml } from '../html.js';

const LABELS: Record<Decision, string> = {
  allow: 'Allow',
  deny: 'Deny',
  require_approval: 'Needs approval',
  allow_with_constraints: 'Allow with constraints',
  throttle: 'Throttle',
};

export function decisionLabel(decision: Decision): string {
  return LABELS[decision];
}

/** A badge in the decision's own colour, which also names it (colour is never the only cue). */
export function decisionBadge(decision: Decision): SafeHtml {
  return html`<span class="decision decision-${decision}">${LABELS[decision]}</span>`;
}
