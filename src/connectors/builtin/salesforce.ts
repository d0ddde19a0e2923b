// Salesforce REST API: OAuth2 client credentials against the org's My Domain, API calls sent to the
// instance_url of the token; a SOQL query returns { records, done, nextRecordsUrl } and the next
// batch is the (relative) nextRecordsUrl, until done. fromName's `token` is an access token already
// obtained (iki-apikit's token="oauth_token"): sent as a bearer token to the My Domain (or given)
// baseUrl, with no token request.
import { checkOption, defineConnector, hostOption } from "../define.js";

export const salesforce = defineConnector({
  name: "salesforce",
  description:
    "Salesforce REST API (e.g. /query?q=SELECT+Id+FROM+Account): OAuth2 client credentials (or an access token as token), follows nextRecordsUrl until done. Batches are up to 2000 records; send a Sforce-Query-Options: batchSize=N header for others.",
  docs: "https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm",
  authType: "oauth2",
  credentials: { clientId: "SALESFORCE_CLIENT_ID", clientSecret: "SALESFORCE_CLIENT_SECRET" },
  tokenAs: "accessToken",
  options: {
    myDomain: {
      description:
        'the org\'s My Domain, as "mycompany" or a host such as "mycompany--dev.sandbox.my.salesforce.com"',
      required: true,
      unlessGiven: ["baseUrl", "tokenUrl"],
    },
    apiVersion: { description: "the REST API version", default: "v62.0" },
  },
  build: (o, urls) => {
    const number = o.apiVersion!.replace(/^v/i, "");
    checkOption("salesforce", "apiVersion", number, /^\d+\.\d$/, "a version like v62.0");
    const version = `v${number}`;
    // Missing only when the caller gave baseUrl and either tokenUrl or an access token (defineConnector
    // checked), so a URL is never built from it then.
    const host = o.myDomain && hostOption("salesforce", "myDomain", o.myDomain, "my.salesforce.com");
    return {
      baseUrl: urls.baseUrl ?? `https://${host}/services/data/${version}`,
      auth: {
        type: "oauth2",
        tokenUrl: urls.tokenUrl ?? (host ? `https://${host}/services/oauth2/token` : undefined),
        clientAuth: "client_secret_post",
        instanceUrlFromToken: true,
      },
      pagination: { strategy: "link", nextUrlPath: "nextRecordsUrl", dataPath: "records" },
    };
  },
});
