/**
 * A marketplace search as typed values, parsed once from the URL's query
 * string (the URL holds the whole search, so a search can be shared).
 */
export const SORT_ORDERS = ['relevance', 'name', 'newest', 'installs'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export const SORT_LABELS: Record<SortOrder, string> = {
  relevance: 'Best match',
  name: 'Name',
  newest: 'Newest',
  installs: 'Most installed',
};

export interface SearchQuery {
  /** What was typed, as typed (shown back in the box). */
  text: string;
  capability?: string;
  riskTag?: string;
  publisher?: string;
  license?: string;
  /** Only packs of publishers an admin has verified. */
  verified: boolean;
  sort: SortOrder;
  /** 1-based. */
  page: number;
  perPage: number;
}

export const PER_PAGE = 24;
const MAX_PAGE = 10_000;
const MAX_TEXT = 200;
const MAX_WORDS = 8;

type QueryValue = string | string[] | undefined;

function one(value: QueryValue, max = MAX_TEXT): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim().slice(0, max);
  return trimmed ? trimmed : undefined;
}

// PostgreSQL refuses a NUL in text, so a filter holding one (`publisher=a%00b`) failed in the
// database, a 500. No pack field holds a NUL: U+FFFD in its place matches nothing, as meant.
const NUL = /\0/g;

/** Search text or a filter value, as typed but for NULs. */
function text(value: QueryValue): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return one(first?.replace(NUL, '\uFFFD'));
}

/** The query parameters of a search. */
const SEARCH_PARAMS = ['q', 'capability', 'risk', 'publisher', 'license', 'verified', 'sort',
  'page'] as const;

/**
 * What is wrong with a search's parameters (one given twice, `verified`,
 * `sort` or `page`), for the JSON API, which refuses them (the HTML page
 * falls back instead, as parseSearch does).
 */
export function searchParamProblem(params: Record<string, QueryValue>): string | undefined {
  // Given twice, only the first would count: the caller meant one of them, we cannot tell which.
  const repeated = SEARCH_PARAMS.find((name) => Array.isArray(params[name]));
  if (repeated !== undefined) return `${repeated}: give it once`;
  const verified = one(params.verified);
  // Any other value would quietly search every publisher, verified or not.
  if (verified !== undefined && verified !== '1' && verified !== '0') {
    return `verified: expected 1 (only verified publishers) or 0, not ${JSON.stringify(verified)}`;
  }
  const sort = one(params.sort);
  if (sort !== undefined && !SORT_ORDERS.some((s) => s === sort)) {
    return `sort: expected one of ${SORT_ORDERS.join(', ')}, not ${JSON.stringify(sort)}`;
  }
  const page = one(params.page);
  if (page !== undefined && !(/^[1-9][0-9]{0,4}$/.test(page) && Number(page) <= MAX_PAGE)) {
    return `page: expected a whole number from 1 to ${MAX_PAGE}, not ${JSON.stringify(page)}`;
  }
  return undefined;
}

/** Reads a search from query parameters; anything unknown or malformed falls back. */
export function parseSearch(params: Record<string, QueryValue>): SearchQuery {
  const words = text(params.q) ?? '';
  const sortParam = one(params.sort);
  // Best match; with no words to match, that is by name.
  const sort = SORT_ORDERS.find((s) => s === sortParam) ?? 'relevance';
  const page = Number.parseInt(one(params.page) ?? '1', 10);
  const query: SearchQuery = {
    text: words,
    verified: one(params.verified) === '1',
    sort,
    page: Number.isFinite(page) && page >= 1 ? Math.min(page, MAX_PAGE) : 1,
    perPage: PER_PAGE,
  };
  const capability = text(params.capability);
  const riskTag = text(params.risk);
  const publisher = text(params.publisher);
  const license = text(params.license);
  if (capability) query.capability = capability;
  if (riskTag) query.riskTag = riskTag;
  if (publisher) query.publisher = publisher;
  if (license) query.license = license;
  return query;
}

/** The query string of a search (only what differs from the defaults), without `?`. */
export function searchParams(query: SearchQuery, overrides: Partial<SearchQuery> = {}): string {
  const q = { ...query, ...overrides };
  const out = new URLSearchParams();
  if (q.text) out.set('q', q.text);
  if (q.capability) out.set('capability', q.capability);
  if (q.riskTag) out.set('risk', q.riskTag);
  if (q.publisher) out.set('publisher', q.publisher);
  if (q.license) out.set('license', q.license);
  if (q.verified) out.set('verified', '1');
  if (q.sort !== 'relevance') out.set('sort', q.sort);
  if (q.page > 1) out.set('page', String(q.page));
  return out.toString();
}

/**
 * The words of a search as a `to_tsquery` text: each word a prefix match
 * (results show while the last word is half typed), all words required.
 * Words hold only letters and digits, so no tsquery syntax gets through.
 */
export function tsQueryText(text: string): string {
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
  return words.slice(0, MAX_WORDS).map((w) => `${w}:*`).join(' & ');
}
