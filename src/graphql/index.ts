export { assertNoGraphQLErrors, type RelayOptions, RelayPaginator } from "./relay.js";
