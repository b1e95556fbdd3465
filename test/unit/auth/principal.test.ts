import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { decodeClientPrincipal, encodeClientPrincipal } from '../../../shared/auth/principal';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
/** Claims as App Service writes them, from `[type, value]` pairs. */
const claims = (...pairs: [string, string][]) => pairs.map(([typ, val]) => ({ typ, val }));
const OID = 'http://schemas.microsoft.com/identity/claims/objectidentifier';
const ROLE_URI = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role';

describe('the X-MS-CLIENT-PRINCIPAL header of App Service authentication', () => {
  const cases: [string, unknown, { id: string; name: string; roles: string[] } | RegExp][] = [
    [
      'a user, with the claim types App Service maps (oid to objectidentifier, a role_typ URI)',
      {
        auth_typ: 'aad',
        claims: claims(
          [OID, 'u-1'],
          ['name', 'Ana Operator'],
          ['preferred_username', 'ana@contoso.com'],
          ['roles', 'Stamps.Operator'],
          ['roles', 'Stamps.Reader'],
        ),
        name_typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
        role_typ: ROLE_URI,
      },
      { id: 'u-1', name: 'Ana Operator', roles: ['Stamps.Operator', 'Stamps.Reader'] },
    ],
    [
      'a user whose roles come under the role_typ URI and whose object id is a raw oid',
      {
        auth_typ: 'aad',
        claims: claims(
          ['oid', 'u-2'],
          [ROLE_URI, 'Stamps.Approver'],
          ['preferred_username', 'bo@contoso.com'],
        ),
        name_typ: 'preferred_username',
        role_typ: ROLE_URI,
      },
      { id: 'u-2', name: 'bo@contoso.com', roles: ['Stamps.Approver'] },
    ],
    [
      "an app's token (client credentials): no name, its app id stands in",
      {
        auth_typ: 'aad',
        claims: claims(
          [OID, 'sp-1'],
          ['appid', '461e8683-5575-4561-ac7f-899cc907d62a'],
          ['roles', 'Stamps.AlertSender'],
        ),
        role_typ: 'roles',
      },
      { id: 'sp-1', name: '461e8683-5575-4561-ac7f-899cc907d62a', roles: ['Stamps.AlertSender'] },
    ],
    ['not base64 JSON', 'not json at all', /not base64-encoded JSON/],
    ['JSON without claims', { auth_typ: 'aad' }, /has no claims/],
    ['claims without an object id', { auth_typ: 'aad', claims: claims(['name', 'x']) }, /no object id/],
  ];
  for (const [name, value, expected] of cases) {
    it(name, () => {
      const decoded = decodeClientPrincipal(typeof value === 'string' ? value : b64(value));
      if (expected instanceof RegExp) {
        assert.equal(decoded.ok, false);
        assert.match(decoded.ok ? '' : decoded.reason, expected);
        return;
      }
      assert.ok(decoded.ok, decoded.ok ? '' : decoded.reason);
      assert.deepEqual(
        { id: decoded.principal.id, name: decoded.principal.name, roles: decoded.principal.roles },
        expected,
      );
    });
  }

  it('takes the id and name from the -ID and -NAME headers when the claims leave them out', () => {
    const decoded = decodeClientPrincipal(b64({ auth_typ: 'aad', claims: [] }), {
      id: 'h-1',
      name: 'Header',
    });
    assert.ok(decoded.ok);
    assert.equal(decoded.principal.id, 'h-1');
    assert.equal(decoded.principal.name, 'Header');
  });

  it('decodes what the local host encodes, for any principal', () => {
    const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '');
    fc.assert(
      fc.property(text, text, fc.uniqueArray(text, { maxLength: 5 }), (id, name, roles) => {
        const decoded = decodeClientPrincipal(encodeClientPrincipal({ id, name, roles, provider: 'local' }));
        assert.ok(decoded.ok);
        assert.deepEqual(decoded.principal, { id, name, roles, provider: 'local' });
      }),
    );
  });
});
