// The demo data is deterministic: the same seed gives the same records, another seed other records,
// and a smaller size the first records of a larger one.
import { afterEach, describe, expect, it } from "vitest";
import {
  DEMO_RESOURCES,
  type DemoServer,
  demoRecord,
  demoRecords,
  startDemoServer,
} from "../../src/demo/index.js";
import { Apikit } from "../../src/facade/index.js";

const servers: DemoServer[] = [];
const clients: Apikit[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function pullUsers(seed: number) {
  const server = await startDemoServer({ size: 80, seed, faults: false });
  servers.push(server);
  const client = new Apikit({ baseUrl: server.url });
  clients.push(client);
  return client.fetchRecords("/users", { strategy: "offset", pageSize: 30 });
}

describe("demo records", () => {
  it("are the same from two servers with the same seed", async () => {
    const [a, b] = await Promise.all([pullUsers(7), pullUsers(7)]);
    expect(a).toHaveLength(80);
    expect(a).toEqual(b);
  });

  it("differ with another seed", async () => {
    const [a, b] = await Promise.all([pullUsers(7), pullUsers(8)]);
    expect(a.map((u) => u.name)).not.toEqual(b.map((u) => u.name));
    expect(a.map((u) => u.id)).toEqual(b.map((u) => u.id));
  });

  it("of a smaller size are the first records of a larger one", () => {
    for (const resource of DEMO_RESOURCES) {
      expect(demoRecords(resource, { size: 20 })).toEqual(demoRecords(resource, { size: 300 }).slice(0, 20));
    }
  });

  it("are nested, with arrays, nulls and text beyond ASCII in every resource", () => {
    for (const resource of DEMO_RESOURCES) {
      const records = demoRecords(resource, { size: 200 });
      const text = JSON.stringify(records);
      expect(text, resource).toMatch(/[\u0080-\uffff]/);
      expect(text, resource).toContain(":null");
      expect(
        records.some((r) => Object.values(r).some((v) => Array.isArray(v) && v.length > 0)),
        resource,
      ).toBe(true);
      expect(
        records.some((r) =>
          Object.values(r).some((v) => v !== null && typeof v === "object" && !Array.isArray(v)),
        ),
        resource,
      ).toBe(true);
    }
  });

  it("reference only records that exist", () => {
    const users = new Set(demoRecords("users", { size: 150 }).map((u) => u.id));
    for (const order of demoRecords("orders", { size: 150 }))
      expect(users.has(order.user_id as number)).toBe(true);
  });

  it("give record i the same value whichever way it is asked for", () => {
    expect(demoRecord("orders", 41, 3)).toEqual(demoRecords("orders", { size: 42, seed: 3 })[41]);
  });
});
