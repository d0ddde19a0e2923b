// README examples marked `<!-- checked-example -->` run as printed: each line followed by a
// `// → value` comment (continued on `//   ` lines) must evaluate to that value (toEqual), in order,
// with the block's `import { ... } from "apikit-ts"` names taken from the package's entry point.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as apikit from "../src/index.js";

interface Checked {
  line: number;
  expression: string;
  expected: string;
}

/** The block as runnable code: each checked line becomes `__check(i, () => expression)`. */
function compile(block: string): { code: string; imports: string[]; checks: Checked[] } {
  const imports: string[] = [];
  const checks: Checked[] = [];
  const lines = block.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const imported = /^import \{([^}]*)\} from "apikit-ts";$/.exec(line);
    if (imported) {
      imports.push(...imported[1]!.split(",").map((n) => n.trim()));
      out.push("");
      continue;
    }
    if (!line.startsWith("// →")) {
      out.push(line);
      continue;
    }
    const expected = [line.slice("// →".length)];
    while (/^\/\/\s{2,}/.test(lines[i + 1] ?? "")) expected.push(lines[++i]!.slice(2));
    const previous = out.length - 1;
    const expression = out[previous]!.trim().replace(/;$/, "");
    expect(expression, `the line before "// →" on block line ${i + 1} is one expression`).not.toBe("");
    out[previous] = `await __check(${checks.length}, async () => (${expression}));`;
    checks.push({ line: i + 1, expression, expected: expected.join("\n") });
  }
  return { code: out.join("\n"), imports, checks };
}

async function examples(): Promise<string[]> {
  const readme = await readFile(join(import.meta.dirname, "../README.md"), "utf8");
  return [...readme.matchAll(/<!-- checked-example -->\s*```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe("README examples with their results", () => {
  it("has checked examples", async () => {
    expect((await examples()).length).toBeGreaterThan(0);
  });

  it("every checked line gives the value its comment says", async () => {
    for (const block of await examples()) {
      const { code, imports, checks } = compile(block);
      expect(checks.length).toBeGreaterThan(0);
      const values = imports.map((name) => {
        expect(apikit, `"${name}" is exported by apikit-ts`).toHaveProperty(name);
        return (apikit as Record<string, unknown>)[name];
      });
      const seen: number[] = [];
      const check = async (index: number, run: () => Promise<unknown>) => {
        const { expression, expected } = checks[index]!;
        const want: unknown = new Function(`return (${expected});`)();
        expect(await run(), `${expression}\n  should be ${expected}`).toEqual(want);
        seen.push(index);
      };
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
        ...args: string[]
      ) => (...a: unknown[]) => Promise<void>;
      await new AsyncFunction(...imports, "__check", code)(...values, check);
      expect(seen).toEqual(checks.map((_, i) => i));
    }
  });
});
