export { redactBaseUrl, redactWhenPrinted } from "./redacted.js";
export * from "./schemas.js";
export { parseConfig } from "./validate.js";
