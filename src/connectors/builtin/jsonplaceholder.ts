// JSONPlaceholder: a free fake REST API for demos and tests; no auth, every listing in one response.
import { defineConnector } from "../define.js";

export const jsonplaceholder = defineConnector({
  name: "jsonplaceholder",
  description: "JSONPlaceholder demo API (/posts, /comments, /users, /todos, ...): no auth, no pagination.",
  docs: "https://jsonplaceholder.typicode.com/guide/",
  authType: "none",
  credentials: {},
  build: () => ({
    baseUrl: "https://jsonplaceholder.typicode.com",
    auth: { type: "none" },
    pagination: { strategy: "none" },
  }),
});
