/**
 * The function app's entry point (package.json `main`). Importing it registers every
 * function of the stamp control plane with `@azure/functions` and `durable-functions`,
 * whichever host runs it: the Azure Functions Node worker, or the local host in
 * shared/local/. Each trigger family lives in its own file beside this one.
 */
export const FUNCTION_FILES: readonly string[] = [];
