import type { ResourceManagementClient } from '@azure/arm-resources';

/** What a REST call needs of an ARM client: its pipeline (credential, retries, host). */
type ArmRestClient = Pick<ResourceManagementClient, 'sendRequest'>;

/**
 * One ARM call through the `@azure/arm-resources` client's pipeline (its credential, retries,
 * host and agent), for an operation no pinned typed client offers at the api-version we need.
 * A non-2xx answer throws an error shaped like the SDKs' `RestError` (status, ARM code, body), so
 * `mapAzureError` classifies it as it classifies theirs.
 */
export async function armJson(
  client: ArmRestClient,
  armEndpoint: string | undefined,
  request: {
    method: 'GET' | 'PUT' | 'DELETE';
    path: string;
    apiVersion: string;
    query?: Readonly<Record<string, string>>;
    body?: unknown;
  },
): Promise<unknown> {
  const { createHttpHeaders, createPipelineRequest } = await import('@azure/core-rest-pipeline');
  const query = new URLSearchParams({ 'api-version': request.apiVersion, ...request.query });
  const url = `${(armEndpoint ?? 'https://management.azure.com').replace(/\/+$/, '')}${request.path}?${query.toString()}`;
  const response = await client.sendRequest(
    createPipelineRequest({
      url,
      method: request.method,
      ...(request.body === undefined
        ? {}
        : {
            body: JSON.stringify(request.body),
            headers: createHttpHeaders({ 'content-type': 'application/json' }),
          }),
    }),
  );
  const text = response.bodyAsText ?? '';
  let json: unknown = undefined;
  try {
    json = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    json = text;
  }
  if (response.status >= 200 && response.status < 300) return json;
  const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  throw Object.assign(
    new Error(
      typeof error?.message === 'string'
        ? error.message
        : `${request.method} ${request.path}: ${response.status}`,
    ),
    {
      name: 'RestError',
      statusCode: response.status,
      code: typeof error?.code === 'string' ? error.code : `Http${response.status}`,
      details: json,
    },
  );
}
