// Close-match suggestions for a mistyped name ("githb" → github, "pageSzie" → pageSize), by edit distance.

/** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * Up to `limit` names close to `wanted`, closest first: within a third of the longer name's length
 * (at least 2 edits), or starting with what was typed ("hub" → hubspot).
 */
export function closeMatches(wanted: string, names: Iterable<string>, limit = 3): string[] {
  const query = wanted.toLowerCase();
  const scored: Array<{ name: string; score: number }> = [];
  for (const name of names) {
    const distance = editDistance(query, name);
    const allowed = Math.max(2, Math.floor(Math.max(query.length, name.length) / 3));
    if (distance <= allowed) scored.push({ name, score: distance });
    else if (query.length >= 3 && name.startsWith(query)) scored.push({ name, score: allowed + 1 });
  }
  scored.sort((x, y) => x.score - y.score || x.name.localeCompare(y.name));
  return scored.slice(0, limit).map((s) => s.name);
}
