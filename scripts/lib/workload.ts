/** The accounts a run declares: spread over the demo tenant's flat-file sources, deterministic names. */
import { DEMO_IDS } from "../../simulator/seed";

export interface AccountSpec {
  /** Pulumi resource name (deliberately different from nativeIdentity, so messages naming only the URN are caught). */
  name: string;
  sourceId: string;
  nativeIdentity: string;
  attributes: Record<string, string>;
}

export interface WorkloadSource {
  id: string;
  /** A source-specific single-valued attribute to fill ("department", "company"). */
  extraAttribute: string;
}

/** The demo tenant's two DelimitedFile sources. */
export const DEMO_SOURCES: readonly WorkloadSource[] = [
  { id: DEMO_IDS.hrSource, extraAttribute: "department" },
  { id: DEMO_IDS.contractorsSource, extraAttribute: "company" },
];

export function accountSpecs(
  count: number,
  prefix: string,
  sources: readonly WorkloadSource[] = DEMO_SOURCES,
): AccountSpec[] {
  const width = String(Math.max(count - 1, 0)).length;
  return Array.from({ length: count }, (_v, i) => {
    const source = sources[i % sources.length];
    const number = String(i).padStart(width, "0");
    const nativeIdentity = `${prefix}.${number}`;
    return {
      name: `${prefix}-res-${number}`,
      sourceId: source.id,
      nativeIdentity,
      attributes: {
        displayName: `${prefix} user ${number}`,
        email: `${nativeIdentity}@example.com`,
        [source.extraAttribute]: "initial",
      },
    };
  });
}

/** The chosen accounts get a new email; returns the new list and how many changed. */
export function withChangedEmail(
  specs: readonly AccountSpec[],
  chosen: (spec: AccountSpec, index: number) => boolean,
  marker: string,
): { specs: AccountSpec[]; changed: number } {
  let changed = 0;
  const result = specs.map((spec, i) => {
    if (!chosen(spec, i)) return spec;
    changed++;
    return { ...spec, attributes: { ...spec.attributes, email: `${spec.nativeIdentity}+${marker}@example.com` } };
  });
  return { specs: result, changed };
}

/** How many accounts each of `sourceIds` holds, in that order. */
export function accountsPerSource(specs: readonly AccountSpec[], sourceIds: readonly string[]): number[] {
  return sourceIds.map((id) => specs.filter((s) => s.sourceId === id).length);
}

/** A small seeded generator (mulberry32), so a soak's choice of accounts can be repeated. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** round(share * n) distinct items, chosen with `random`, in their original order. */
export function pickShare<T>(items: readonly T[], share: number, random: () => number): T[] {
  const indexes = items.map((_item, i) => i);
  for (let i = indexes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [indexes[i], indexes[j]] = [indexes[j], indexes[i]];
  }
  const chosen = new Set(indexes.slice(0, Math.round(share * items.length)));
  return items.filter((_item, i) => chosen.has(i));
}
