import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { checkAccess } from '../../../shared/auth/access';
import { permissionsOf } from '../../../shared/auth/permissions';
import { grantedRoles } from '../../../shared/auth/roles';

const principal = (roles: string[]) => ({ id: 'p-1', name: 'Pat', roles, provider: 'aad' });

describe('the Stamps app roles and what each includes', () => {
  const cases: [string[], string[]][] = [
    [[], []],
    [['Stamps.Reader'], ['Stamps.Reader']],
    [['Stamps.Operator'], ['Stamps.Reader', 'Stamps.Operator']],
    [['Stamps.Approver'], ['Stamps.Reader', 'Stamps.Approver']],
    // The Admin may override any guard but is not the second pair of eyes.
    [['Stamps.Admin'], ['Stamps.Reader', 'Stamps.Operator', 'Stamps.Admin']],
    [['Stamps.AlertSender', 'Something.Else'], []],
  ];
  for (const [assigned, granted] of cases) {
    it(`${assigned.join('+') || 'no role'} grants ${granted.join(', ') || 'nothing'}`, () => {
      assert.deepEqual(grantedRoles(assigned), granted);
    });
  }
});

describe('access to a route', () => {
  it('is 401 without a principal, saying how to sign in', () => {
    const access = checkAccess(undefined, 'Stamps.Reader', 'GET /api/stamps');
    assert.ok(!access.allowed);
    assert.equal(access.status, 401);
    assert.match(access.detail, /GET \/api\/stamps needs a signed-in principal with the Stamps.Reader role/);
  });

  it('is 403 naming the missing role and what the principal has', () => {
    const access = checkAccess(principal(['Stamps.Reader']), 'Stamps.Operator', 'POST /api/stamps');
    assert.ok(!access.allowed);
    assert.equal(access.status, 403);
    assert.equal(access.role, 'Stamps.Operator');
    assert.match(access.detail, /needs the Stamps.Operator role; Pat has Stamps.Reader/);
  });

  it('is allowed through a role that includes the one asked for', () => {
    assert.ok(checkAccess(principal(['Stamps.Admin']), 'Stamps.Reader', 'GET /api/stamps').allowed);
  });
});

describe('what a principal may do', () => {
  it('an approver verifies and reads, nothing else', () => {
    const can = permissionsOf(principal(['Stamps.Approver']), true);
    assert.equal(can.read, true);
    assert.equal(can.createStamp, false);
    assert.equal(can.commands.verify, true);
    assert.equal(Object.values(can.commands).filter(Boolean).length, 1, 'verify alone');
    assert.equal(can.override, false);
  });

  it('an operator overrides only when the policy does not reserve overrides for admins', () => {
    assert.equal(permissionsOf(principal(['Stamps.Operator']), true).override, false);
    assert.equal(permissionsOf(principal(['Stamps.Operator']), false).override, true);
    assert.equal(permissionsOf(principal(['Stamps.Admin']), true).override, true);
    assert.equal(permissionsOf(principal(['Stamps.Reader']), false).override, false, 'nothing to override');
  });
});
