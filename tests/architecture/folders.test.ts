// The layout DESIGN.md asks for, checked on the real imports of src/: folders never import each other
// in a loop (shared contracts live in base/), a folder reaches a sibling only through its index.ts,
// only cli/ imports the public index, and base/ depends on nothing but errors.ts and util/.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const SRC = join(ROOT, "src");

/** Folders without an index.ts, and why. */
const WITHOUT_INDEX: Record<string, string> = {
  util: "standalone helpers (the Node version guard must load alone and first): each file is imported by its own path",
  cli: "the command line: an entry point (main.ts) that no folder imports",
};

/** Imports past a sibling's index.ts still allowed, and why; each must still exist (the list only shrinks). */
const ALLOWED_DEEP_IMPORTS: Array<{ from: string; to: string; why: string }> = [];

interface Import {
  /** Paths relative to the repository, with "/" separators. */
  from: string;
  to: string;
}

type Graph = Map<string, Set<string>>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const repoPath = (path: string) => relative(ROOT, path).split(sep).join("/");

/**
 * The relative specifiers a file imports: `import … from`, `export … from`, a bare `import "…"`, and
 * `import("…")` (a dynamic import or a type query). Read generously: a `from "./x"` in a comment counts
 * too, so an import is never missed.
 */
function relativeSpecifiers(text: string): string[] {
  const patterns = [
    /\bfrom\s*["'](\.{1,2}\/[^"']+)["']/g,
    /^\s*import\s*["'](\.{1,2}\/[^"']+)["']/gm,
    /\bimport\s*\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1]!));
}

function srcImports(): Import[] {
  return sourceFiles(SRC).flatMap((file) =>
    relativeSpecifiers(readFileSync(file, "utf8")).map((specifier) => {
      const target = resolve(dirname(file), specifier.replace(/\.js$/, ".ts"));
      return { from: repoPath(file), to: repoPath(target) };
    }),
  );
}

/** The node a file of src/ belongs to: its top-level folder, or the file itself when it sits in src/. */
function nodeOf(path: string): string {
  return path.split("/")[1]!;
}

function folderGraph(imports: readonly Import[]): { graph: Graph; via: Map<string, string> } {
  const graph: Graph = new Map();
  const via = new Map<string, string>();
  for (const { from, to } of imports) {
    const a = nodeOf(from);
    const b = nodeOf(to);
    if (!graph.has(a)) graph.set(a, new Set());
    if (a === b) continue;
    graph.get(a)!.add(b);
    if (!via.has(`${a} -> ${b}`)) via.set(`${a} -> ${b}`, from);
  }
  return { graph, via };
}

/** One cycle (first node repeated at the end) per strongly connected component that has one (Tarjan). */
function findCycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const successors = (node: string) => [...(graph.get(node) ?? [])];

  const connect = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of successors(node)) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.has(node)) components.push(component);
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);

  // Within a component, the shortest way from its first node (by name) back to itself.
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const parent = new Map<string, string>([[start, start]]);
    const queue = [start];
    let last: string | undefined;
    while (last === undefined && queue.length > 0) {
      const node = queue.shift()!;
      for (const next of successors(node).sort()) {
        if (next === start) {
          last = node;
          break;
        }
        if (!members.has(next) || parent.has(next)) continue;
        parent.set(next, node);
        queue.push(next);
      }
    }
    const cycle = [last!, start];
    while (cycle[0] !== start) cycle.unshift(parent.get(cycle[0]!)!);
    return cycle;
  });
}

function describeCycle(cycle: readonly string[], via: ReadonlyMap<string, string>): string {
  const steps = cycle.slice(1).map((to, i) => `${cycle[i]} -> ${to} in ${via.get(`${cycle[i]} -> ${to}`)}`);
  return `${cycle.join(" -> ")} (${steps.join("; ")})`;
}

const imports = srcImports();
const { graph, via } = folderGraph(imports);
const folders = readdirSync(SRC, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

describe("the cycle finder", () => {
  const graphOf = (edges: string) => {
    const g: Graph = new Map();
    for (const edge of edges.split(" ")) {
      const [a, b] = edge.split(">") as [string, string];
      if (!g.has(a)) g.set(a, new Set());
      if (!g.has(b)) g.set(b, new Set());
      g.get(a)!.add(b);
    }
    return g;
  };

  it("finds no cycle in a graph without one", () => {
    expect(findCycles(graphOf("a>b b>c a>c c>d"))).toEqual([]);
  });

  it("names a cycle from its first node back to it", () => {
    expect(findCycles(graphOf("a>b b>c c>a c>d"))).toEqual([["a", "b", "c", "a"]]);
  });

  it("names one cycle for each group of folders that loop", () => {
    expect(findCycles(graphOf("x>y y>x a>b b>a b>c")).map((c) => c.join(" "))).toEqual(["a b a", "x y x"]);
  });

  it("says which file makes each step of a cycle", () => {
    const edges = new Map([
      ["auth -> http", "src/auth/oauth2.ts"],
      ["http -> auth", "src/http/dispatcher.ts"],
    ]);
    expect(describeCycle(["auth", "http", "auth"], edges)).toBe(
      "auth -> http -> auth (auth -> http in src/auth/oauth2.ts; http -> auth in src/http/dispatcher.ts)",
    );
  });
});

describe("the import reader", () => {
  it("reads static, re-export, bare and dynamic imports, multi-line ones included", () => {
    const text = [
      'import { a } from "./a.js";',
      "import {\n  b,\n  type C, // a comment\n} from '../b/index.js';",
      'export * from "./c.js";',
      'import "./d.js";',
      'const e = await import("../e/index.js");',
      'type F = typeof import("./f.js");',
      'import { z } from "zod";',
    ].join("\n");
    expect(relativeSpecifiers(text).sort()).toEqual(
      ["../b/index.js", "../e/index.js", "./a.js", "./c.js", "./d.js", "./f.js"].sort(),
    );
  });

  it("finds src's imports, each naming a file that exists", () => {
    expect(imports.length).toBeGreaterThan(300);
    expect(imports.filter(({ to }) => !existsSync(join(ROOT, to)))).toEqual([]);
    expect(imports.filter(({ to }) => !to.startsWith("src/"))).toEqual([]);
    for (const edge of ["auth -> base", "http -> base", "facade -> http", "cli -> index.ts"])
      expect(via.has(edge), edge).toBe(true);
  });
});

describe("src/ folders", () => {
  it("never import each other in a loop", () => {
    expect(findCycles(graph).map((cycle) => describeCycle(cycle, via))).toEqual([]);
  });

  it("import a sibling only through its index.ts", () => {
    const allowed = new Set(ALLOWED_DEEP_IMPORTS.map(({ from, to }) => `${from} -> ${to}`));
    const deep = imports.filter(({ from, to }) => {
      const folder = nodeOf(to);
      if (nodeOf(from) === folder || !folders.includes(folder) || folder in WITHOUT_INDEX) return false;
      return to !== `src/${folder}/index.ts` && !allowed.has(`${from} -> ${to}`);
    });
    expect(deep.map(({ from, to }) => `${from} -> ${to}`)).toEqual([]);
  });

  it("each have an index.ts, unless listed as without one", () => {
    const missing = folders.filter((f) => !(f in WITHOUT_INDEX) && !existsSync(join(SRC, f, "index.ts")));
    expect(missing).toEqual([]);
    expect(Object.keys(WITHOUT_INDEX).filter((f) => !folders.includes(f))).toEqual([]);
  });

  it("still make every import listed as an allowed exception", () => {
    const made = new Set(imports.map(({ from, to }) => `${from} -> ${to}`));
    const stale = ALLOWED_DEEP_IMPORTS.filter(({ from, to }) => !made.has(`${from} -> ${to}`));
    expect(stale).toEqual([]);
  });

  it("leave the public index to cli/, and nothing imports cli/", () => {
    const into = (node: string) =>
      [...graph].filter(([, targets]) => targets.has(node)).map(([source]) => source);
    expect(into("index.ts")).toEqual(["cli"]);
    expect(into("cli")).toEqual([]);
  });

  it("share contracts through base/, which imports nothing but errors.ts and util/", () => {
    expect([...(graph.get("base") ?? [])].filter((node) => node !== "errors.ts" && node !== "util")).toEqual(
      [],
    );
  });
});
