// The CLI's progress display, on a fake terminal (a Writable that says it is a TTY) and off one: the
// live line says why it is waiting, and every count reads as English ("1 retry", "2 retries").
import { describe, expect, it } from "vitest";
import { Progress } from "../../src/cli/progress.js";
import type { RateLimitEvent, RetryEvent } from "../../src/http/index.js";
import { fakeTerminal } from "../support/terminal.js";

const refused: RetryEvent = {
  method: "GET",
  url: "http://127.0.0.1:9/items",
  attempt: 1,
  maxAttempts: 6,
  waitMs: 2100,
  reason: "connection refused (ECONNREFUSED)",
};
const held: RateLimitEvent = {
  method: "GET",
  url: "http://127.0.0.1:9/items",
  waitMs: 800,
  reason: "client-side rateLimit",
};

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe("Progress", () => {
  it("shows on the live line why it waits while a retry is pending", async () => {
    const { stream, written } = fakeTerminal(true);
    const progress = new Progress({ stream });
    try {
      void progress.hooks.onRetry?.(refused);
      await until(() => written().includes("retrying in"));
      expect(written()).toMatch(
        /0 pages \| 0 records \| \d+ rec\/s \| 0\.0 MB \| 1 retry \| 0 waits \| retrying in 2\.\d s: connection refused \(ECONNREFUSED\)/,
      );
    } finally {
      progress.abort();
    }
  });

  it("shows a rate-limit wait the same way, and drops the reason once a page arrives after it", async () => {
    const { stream, written } = fakeTerminal(true);
    const progress = new Progress({ stream });
    try {
      void progress.hooks.onRateLimit?.({ ...held, waitMs: 30 });
      await until(() => written().includes("rate limit, waiting"));
      expect(written()).toMatch(/1 wait \| rate limit, waiting \d+ ms: client-side rateLimit/);
      await new Promise((r) => setTimeout(r, 60));
      progress.page(10, 1000);
      await until(() => written().includes("1 page | 10 records"));
      const last = written().split("1 page | 10 records").at(-1) ?? "";
      expect(last).not.toContain("waiting");
    } finally {
      progress.abort();
    }
  });

  it("writes counts of one in the singular in the summary", () => {
    const { stream, written } = fakeTerminal(false);
    const progress = new Progress({ stream });
    progress.page(1, 100);
    void progress.hooks.onRetry?.(refused);
    void progress.hooks.onRateLimit?.(held);
    progress.finish();
    expect(written()).toMatch(
      /^apikit: 1 record from 1 page in [\d.]+ s; survived 1 retry and 1 rate-limit wait \(2\.9 s\)\n$/,
    );
  });

  it("writes other counts in the plural in the summary", () => {
    const { stream, written } = fakeTerminal(false);
    const progress = new Progress({ stream });
    progress.page(2, 100);
    progress.page(0, 100);
    for (let i = 0; i < 2; i++) void progress.hooks.onRetry?.(refused);
    for (let i = 0; i < 3; i++) void progress.hooks.onRateLimit?.(held);
    progress.finish();
    expect(written()).toMatch(
      /^apikit: 2 records from 2 pages in [\d.]+ s; survived 2 retries and 3 rate-limit waits/,
    );
  });
});
