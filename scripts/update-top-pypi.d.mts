/** Types of scripts/update-top-pypi.mjs, for the tests that import its conversion functions. */
export interface RankedName {
  rank: number;
  name: string;
}
export const RANKING_URL: string;
export const RANKING_SOURCE: string;
export const RANKING_LIMIT: number;
export function normalizeName(name: string): string;
export function rankNames(entries: readonly { rank: number; name: string }[], limit?: number): RankedName[];
export function parseRankingJson(text: string): { entries: RankedName[]; month: string | null };
export function parseRankingTsv(text: string): RankedName[];
export function renderTsv(ranked: readonly RankedName[]): string;
export function renderMeta(ranked: readonly RankedName[], month: string, sourceUrl: string): string;
export function renderModule(ranked: readonly RankedName[], month: string, sourceUrl: string): string;
export function loadRanking(source: string, dateOverride?: string): Promise<{ ranked: RankedName[]; month: string }>;
