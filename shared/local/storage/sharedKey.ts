import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Verifies a Blob service request's Shared Key signature, as the storage service does
 * (https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key): HMAC-SHA256
 * with the account key over the verb, the standard headers, the `x-ms-*` headers sorted by
 * name and the canonicalized resource (`/{account}{path}` and the sorted query parameters). The
 * WORM stand-in checks it before refusing a write itself, so that, as on Azure, a caller who is
 * not authenticated gets 403 and learns nothing about the blob.
 */
const STANDARD_HEADERS = [
  'content-encoding',
  'content-language',
  'content-length',
  'content-md5',
  'content-type',
  'date',
  'if-modified-since',
  'if-match',
  'if-none-match',
  'if-unmodified-since',
  'range',
] as const;

function single(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value.join(',') : value) ?? '';
}

export function stringToSign(
  method: string,
  url: URL,
  headers: IncomingHttpHeaders,
  account: string,
): string {
  const standard = STANDARD_HEADERS.map((name) => {
    const value = single(headers, name);
    return name === 'content-length' && value === '0' ? '' : value;
  });
  const storageHeaders = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .filter((name) => name.startsWith('x-ms-'))
    .sort()
    .map((name) => `${name}:${single(headers, name).trim()}\n`)
    .join('');
  const parameters = [...new Set([...url.searchParams.keys()].map((key) => key.toLowerCase()))]
    .sort()
    .map((key) => {
      const values = [...url.searchParams.entries()]
        .filter(([name]) => name.toLowerCase() === key)
        .map(([, value]) => value)
        .sort();
      return `\n${key}:${values.join(',')}`;
    })
    .join('');
  return `${[method.toUpperCase(), ...standard].join('\n')}\n${storageHeaders}/${account}${url.pathname}${parameters}`;
}

/** True when the request carries `SharedKey {account}:{signature}` made with this key. */
export function hasValidSharedKey(
  method: string,
  url: URL,
  headers: IncomingHttpHeaders,
  account: string,
  base64Key: string,
): boolean {
  const match = /^SharedKey ([^:]+):(.+)$/.exec(single(headers, 'authorization'));
  if (match === null || match[1] !== account) return false;
  const expected = createHmac('sha256', Buffer.from(base64Key, 'base64'))
    .update(stringToSign(method, url, headers, account), 'utf8')
    .digest();
  const given = Buffer.from(match[2] ?? '', 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
