export { type InspectorInfo, InspectorResult } from "./result.js";
