export { redactBaseUrl, redactWhenPrinted } from "./redacted.js";
export * from "./schemas.js";
export { configError, parseConfig } from "./validate.js";
