import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DASHBOARD_CSP, DASHBOARD_HTML } from '../../shared/dashboard/page';
import { OPERATOR_COMMAND_NAMES, OPERATOR_COMMANDS } from '../../shared/lifecycle/operatorCommands';

describe('the dashboard page and the operator command table', () => {
  it('has a button for every command of the table, and no other command button', () => {
    const buttons = [...DASHBOARD_HTML.matchAll(/<button type="submit" value="([a-z-]+)"/g)].map((m) => m[1]);
    assert.deepEqual([...buttons].sort(), [...OPERATOR_COMMAND_NAMES].sort());
  });

  it('gives its script the table it checks requests against, inside the script the CSP allows', () => {
    const script = /<script>([\s\S]*)<\/script>/.exec(DASHBOARD_HTML)?.[1] ?? '';
    assert.ok(script.startsWith(`var COMMANDS = ${JSON.stringify(OPERATOR_COMMANDS)};`));
    assert.equal(DASHBOARD_HTML.match(/<script>/g)?.length, 1);
    assert.match(DASHBOARD_CSP, /script-src 'sha256-[A-Za-z0-9+/=]+'/);
  });
});
