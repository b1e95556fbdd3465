import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { HttpRequest } from '@azure/functions';

import { encodeClientPrincipal } from '../../../shared/auth/principal';
import { loadConfig } from '../../../shared/config/loadConfig';
import { callerIdentity } from '../../../shared/http/signedIn';

const header = encodeClientPrincipal({
  id: 'oid-1',
  name: 'ceo@contoso.com',
  roles: ['Stamps.Admin'],
  provider: 'aad',
});
const request = (headers: Record<string, string>) =>
  new HttpRequest({ method: 'GET', url: 'https://app.example/api/stamps', headers });

describe('who the platform says is calling', () => {
  it('trusts the principal header only when App Service authentication is on (WEBSITE_AUTH_ENABLED=True)', () => {
    const on = loadConfig({ WEBSITE_AUTH_ENABLED: 'True' }).auth;
    const caller = callerIdentity(request({ 'x-ms-client-principal': header }), on);
    assert.equal(caller.kind, 'principal');
    assert.equal(caller.kind === 'principal' ? caller.principal.name : '', 'ceo@contoso.com');
  });

  it('ignores a principal header the client wrote when the platform does not sign callers in', () => {
    for (const value of [undefined, '', 'false', 'False']) {
      const off = loadConfig(value === undefined ? {} : { WEBSITE_AUTH_ENABLED: value }).auth;
      const caller = callerIdentity(request({ 'x-ms-client-principal': header }), off);
      assert.equal(caller.kind, 'anonymous', String(value));
      assert.match(
        caller.kind === 'anonymous' ? caller.why : '',
        /identity header the request carries was ignored/,
      );
    }
  });

  it('is nobody when the header does not decode', () => {
    const on = loadConfig({ WEBSITE_AUTH_ENABLED: 'true' }).auth;
    const caller = callerIdentity(request({ 'x-ms-client-principal': 'e30=' }), on);
    assert.equal(caller.kind, 'anonymous');
  });
});
