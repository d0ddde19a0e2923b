export { type InspectRequest, type InspectTransport, inspectListing } from "./inspect.js";
export { type InspectorInfo, InspectorResult } from "./result.js";
