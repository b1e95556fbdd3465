import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { type Stamp, waitingFor } from '../../../shared/lifecycle';
import { at, policyWith, stampIn } from './support/fixtures';

/** What each stamp waits for, phase by phase: the sentence names the deadline or the way out. */
const CASES: readonly { readonly name: string; readonly stamp: Stamp; readonly says: RegExp | undefined }[] =
  [
    { name: 'provisioning', stamp: stampIn('provisioning'), says: /ARM deployment stamp-weu-001-1/ },
    {
      name: 'registering',
      stamp: stampIn('registering', { deadlines: { registrationTimeoutAt: at(15) } }),
      says: new RegExp(`origin to report healthy \\(fails at ${at(15)}\\)`),
    },
    { name: 'active in rotation, nothing pending', stamp: stampIn('active'), says: undefined },
    {
      name: 'held by the minimum in rotation',
      stamp: stampIn('active', { health: { probe: 'failing', heldBy: 'min-in-rotation' } }),
      says: /held by the minimum in rotation until a replacement serves/,
    },
    {
      name: 'isolation being decided',
      stamp: stampIn('active', { health: { probe: 'failing' }, deadlines: { isolationDecisionAt: at(1) } }),
      says: new RegExp(`decided at ${at(1)}`),
    },
    {
      name: 'ramping',
      stamp: stampIn('active', {
        ramp: { step: 1, percent: 10, weight: 100, stepSince: at(0), lowTrafficBakes: 0 },
        deadlines: { rampStepDueAt: at(10) },
      }),
      says: new RegExp(`canary check of its ramp step at 10% at ${at(10)}`),
    },
    {
      name: 'a paused ramp',
      stamp: stampIn('active', {
        ramp: {
          step: 0,
          percent: 1,
          weight: 10,
          stepSince: at(0),
          lowTrafficBakes: 0,
          paused: { at: at(1), actor: 'ana', reason: 'new build' },
        },
      }),
      says: /held at 1% by ana \(new build\): POST \/continue-ramp/,
    },
    {
      name: 'a warm spare',
      stamp: stampIn('active', { traffic: 'standby', spare: { since: at(0) } }),
      says: /warm spare, promoted/,
    },
    {
      name: 'isolated by the canary check',
      stamp: stampIn('active', {
        traffic: 'isolated',
        isolation: { by: 'canary', at: at(0) },
        deadlines: { isolationGraceEndsAt: at(15) },
      }),
      says: new RegExp(`drain at ${at(15)}: the canary check found it worse`),
    },
    {
      name: 'isolated by an operator',
      stamp: stampIn('active', { traffic: 'isolated', isolation: { by: 'operator', at: at(0) } }),
      says: /rejoin/,
    },
    {
      name: 'isolated by an alert, within the grace',
      stamp: stampIn('active', {
        traffic: 'isolated',
        isolation: { by: 'alert', at: at(0) },
        deadlines: { isolationGraceEndsAt: at(15) },
      }),
      says: new RegExp(`before ${at(15)}`),
    },
    {
      name: 'draining',
      stamp: stampIn('draining', { deadlines: { drainEndsAt: at(30) } }),
      says: new RegExp(`drain timer at ${at(30)}.*cancel-drain`),
    },
    {
      name: 'quarantined with failed checks',
      stamp: stampIn('quarantined', { quarantine: { checks: 'failed', detail: 'logs missing' } }),
      says: /override: the quarantine checks failed \(logs missing\)/,
    },
    {
      name: 'failed',
      stamp: stampIn('failed', { phaseSince: at(0) }),
      says: new RegExp(`automatic at ${at(60)}, or POST /cleanup`),
    },
    { name: 'purged', stamp: stampIn('purged'), says: undefined },
  ];

describe('waitingFor', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const text = waitingFor(c.stamp, policyWith({ failedCleanupMinutes: 60 }));
      if (c.says === undefined) assert.equal(text, undefined);
      else assert.match(text ?? '', c.says);
    });
  }
});
