// The built-in connectors (re-exports only).
export * from "./list.js";
