// Connector names are matched with the shared close-match helper.
export { closeMatches, editDistance } from "../util/suggest.js";
