/**
 * The publisher name rule: lower-case letters, digits and dashes, as pack
 * ids. Kept here so the registry (which refuses others with
 * `publisher_invalid`) and the provider (which refuses them at plan) agree.
 */
export const PUBLISHER_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The rule in words, for messages. */
export const PUBLISHER_RULE =
  'a lower-case letter or digit, then up to 63 lower-case letters, digits or "-"';

export function isPublisherName(name: string): boolean {
  return PUBLISHER_PATTERN.test(name);
}
