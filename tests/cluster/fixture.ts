// What most cluster test files share: a real redis-server, the loopback API and a temp directory for
// the datasets, started before the file's tests and stopped after them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startRedis, type TestRedis } from "../support/redis.js";
import { type ApiOptions, startApi, type TestApi } from "./api.js";

export interface ClusterFixture {
  redis: TestRedis;
  api: TestApi;
  dir: string;
}

export function clusterFixture(apiOptions: ApiOptions = {}): ClusterFixture {
  const fx = {} as ClusterFixture;
  beforeAll(async () => {
    fx.redis = await startRedis();
    fx.api = await startApi(apiOptions);
    fx.dir = mkdtempSync(join(tmpdir(), "apikit-cluster-"));
  });
  afterAll(async () => {
    await fx.api?.close();
    await fx.redis?.stop();
    if (fx.dir) rmSync(fx.dir, { recursive: true, force: true });
  });
  return fx;
}
