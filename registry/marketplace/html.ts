/**
 * HTML built by a tagged template that escapes every value it is given.
 * Only `SafeHtml` passes through as markup, and only this module, the
 * README renderer and the SVG renderer make it, so text from a pack can
 * never become markup by accident.
 */

/** Markup that has been escaped or built from escaped parts. */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | HtmlValue[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an element body or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** `html\`<p>${text}</p>\``: values are escaped unless they are `SafeHtml`. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** Markup the caller vouches for (made by this program, never from input). */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** `attr('aria-current', cond && 'page')`: an attribute, or nothing when the value is falsy. */
export function attr(name: string, value: string | number | boolean | undefined): SafeHtml {
  if (value === undefined || value === false) return new SafeHtml('');
  if (value === true) return new SafeHtml(` ${name}`);
  return new SafeHtml(` ${name}="${escapeHtml(String(value))}"`);
}
