/** Whether `value` is an absolute http(s) URL (what `--engine` and OTLP endpoints must be). */
export function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}
