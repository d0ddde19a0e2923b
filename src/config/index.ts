export * from "./schemas.js";
export { parseConfig } from "./validate.js";
