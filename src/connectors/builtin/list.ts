// The built-in connectors, one file each, and the list the default registry starts from.
import type { ConnectorDefinition } from "../types.js";
import { airtable } from "./airtable.js";
import { github } from "./github.js";
import { hubspot } from "./hubspot.js";
import { jira } from "./jira.js";
import { jsonplaceholder } from "./jsonplaceholder.js";
import { notion } from "./notion.js";
import { salesforce } from "./salesforce.js";
import { shopify } from "./shopify.js";
import { stripe } from "./stripe.js";

export { airtable, github, hubspot, jira, jsonplaceholder, notion, salesforce, shopify, stripe };

export const BUILTIN_CONNECTORS: readonly ConnectorDefinition[] = [
  airtable,
  github,
  hubspot,
  jira,
  jsonplaceholder,
  notion,
  salesforce,
  shopify,
  stripe,
];
