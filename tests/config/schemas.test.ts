// The config schemas' messages: one mistake is one error that shows what was given and what is
// expected, and never a password that sits in a URL.
import { describe, expect, it } from "vitest";
import { ApiConfig, parseConfig } from "../../src/config/index.js";
import { ConfigError } from "../../src/errors.js";

function issuesOf(input: unknown): ConfigError["issues"] {
  try {
    parseConfig(ApiConfig, input, "client options");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  return expect.fail("expected a ConfigError");
}

describe("baseUrl", () => {
  it("reports a scheme-less baseUrl once, with the value and an example", () => {
    expect(issuesOf({ baseUrl: "api.example.com/v1" })).toEqual([
      {
        path: "baseUrl",
        message:
          'baseUrl must be an absolute http(s) URL, e.g. https://api.example.com/v1: got "api.example.com/v1"',
      },
    ]);
  });

  it("refuses other schemes and hostless URLs with the same one message", () => {
    for (const baseUrl of ["ftp://files.example.com", "mailto:me@example.com", "http://", "https:/x", ""]) {
      const issues = issuesOf({ baseUrl });
      expect(issues).toHaveLength(1);
      expect(issues[0]?.message).toMatch(/^baseUrl must be an absolute http\(s\) URL, e\.g\. /);
    }
  });

  it("says a missing or non-string baseUrl is required, naming what came instead", () => {
    expect(issuesOf({})).toEqual([
      { path: "baseUrl", message: "baseUrl is required, e.g. https://api.example.com/v1" },
    ]);
    expect(issuesOf({ baseUrl: 42 })[0]?.message).toBe(
      "baseUrl must be an absolute http(s) URL, e.g. https://api.example.com/v1: got a number",
    );
  });

  it("masks a user:password in the value it shows, even in a long one", () => {
    const long = `user:${"p".repeat(200)}-secret@api.example.com/v1`;
    for (const baseUrl of ["ftp://me:hunter2-secret@example.com", long]) {
      const [issue] = issuesOf({ baseUrl });
      expect(issue?.message).toContain("***@");
      expect(issue?.message).not.toContain("secret");
      expect(issue?.message).not.toContain("hunter2");
    }
  });

  it("accepts http and https in any case, and drops trailing slashes", () => {
    expect(parseConfig(ApiConfig, { baseUrl: "HTTPS://api.example.com/v1//" }, "x").baseUrl).toBe(
      "HTTPS://api.example.com/v1",
    );
    expect(parseConfig(ApiConfig, { baseUrl: "http://127.0.0.1:8080" }, "x").baseUrl).toBe(
      "http://127.0.0.1:8080",
    );
  });
});

describe("oauth2 tokenUrl", () => {
  const oauth2 = (tokenUrl: unknown) => ({
    baseUrl: "https://api.example.com",
    auth: { type: "oauth2", clientId: "c", clientSecret: "s", tokenUrl },
  });

  it("names a missing tokenUrl, and refuses one that is not http(s) with one message", () => {
    expect(issuesOf(oauth2(undefined))).toEqual([
      { path: "auth.tokenUrl", message: "oauth2 auth needs a token URL: tokenUrl" },
    ]);
    expect(issuesOf(oauth2("auth.example.com/token"))).toEqual([
      {
        path: "auth.tokenUrl",
        message:
          'tokenUrl must be an absolute http(s) URL, e.g. https://auth.example.com/oauth/token: got "auth.example.com/token"',
      },
    ]);
  });
});
