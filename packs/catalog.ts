/** Entries of the `catalog.json` a Cordum gateway reads. */
import type { PackManifest } from './manifest.js';

export interface CatalogEntry {
  id: string;
  version: string;
  title?: string;
  description?: string;
  author?: string;
  homepage?: string;
  source?: string;
  image?: string;
  license?: string;
  url: string;
  sha256: string;
  capabilities: string[];
  requires: string[];
  risk_tags: string[];
}

export interface Catalog {
  updated_at: string;
  packs: CatalogEntry[];
}

const sortedUnion = (lists: (string[] | undefined)[]) =>
  [...new Set(lists.flatMap((l) => l ?? []))].sort();

export function catalogEntry(m: PackManifest, at: { url: string; sha256: string }): CatalogEntry {
  const topics = m.topics ?? [];
  const meta = m.metadata;
  const entry: CatalogEntry = {
    id: meta.id,
    version: meta.version,
    url: at.url,
    sha256: at.sha256,
    capabilities: sortedUnion(topics.map((t) => (t.capability ? [t.capability] : []))),
    requires: sortedUnion(topics.map((t) => t.requires)),
    risk_tags: sortedUnion(topics.map((t) => t.riskTags)),
  };
  const author = meta.author ?? meta.authors?.join(', ');
  const source = meta.source ?? meta.sourceRepo;
  const optional = { title: meta.title, description: meta.description, author,
    homepage: meta.homepage, source, image: meta.image, license: meta.license };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (entry as unknown as Record<string, string>)[key] = value;
  }
  return entry;
}
