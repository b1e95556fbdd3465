import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { matchRoute, parseRouteTemplate } from '../../shared/local/host/routeTemplate';

describe('route templates', () => {
  const cases: readonly { template: string; path: string[]; params: Record<string, string> | undefined }[] = [
    { template: 'stamps', path: ['stamps'], params: {} },
    { template: 'stamps', path: ['STAMPS'], params: {} },
    { template: 'stamps/{id}', path: ['stamps', 'stamp-001'], params: { id: 'stamp-001' } },
    { template: 'stamps/{id}', path: ['stamps'], params: undefined },
    { template: 'stamps/{id}', path: ['stamps', 'a', 'b'], params: undefined },
    { template: 'stamps/{id}/drain', path: ['stamps', 'x', 'drain'], params: { id: 'x' } },
    { template: 'stamps/{id}/drain', path: ['stamps', 'x', 'isolate'], params: undefined },
    { template: 'orchestrators/{name}/{instanceId?}', path: ['orchestrators', 'n'], params: { name: 'n' } },
    {
      template: 'orchestrators/{name}/{instanceId?}',
      path: ['orchestrators', 'n', 'i'],
      params: { name: 'n', instanceId: 'i' },
    },
    { template: 'items/{n:int}', path: ['items', '42'], params: { n: '42' } },
    { template: 'items/{n:int}', path: ['items', 'forty'], params: undefined },
    { template: 'raw/{*rest}', path: ['raw', 'a', 'b', 'c'], params: { rest: 'a/b/c' } },
    { template: 'raw/{*rest}', path: ['raw'], params: { rest: '' } },
    { template: 'page/{size=10}', path: ['page'], params: { size: '10' } },
    { template: '', path: [], params: {} },
  ];
  for (const c of cases) {
    it(`${c.template || '(empty)'} against /${c.path.join('/')}`, () => {
      assert.deepEqual(matchRoute(parseRouteTemplate(c.template), c.path), c.params);
    });
  }

  it('refuses templates the host cannot serve', () => {
    assert.throws(() => parseRouteTemplate('files/{name}.{ext}'), { name: 'InvalidRouteTemplateError' });
    assert.throws(() => parseRouteTemplate('a/{*rest}/b'), /catch-all/);
    assert.throws(() => parseRouteTemplate('a/{x?}/b'), /must come last/);
  });
});
