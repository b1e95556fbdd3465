import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  buildArchiveDocument,
  parseArchive,
  recordsToArchive,
  serialiseArchive,
  summarise,
} from '../../../shared/app/archive/archiveDocument';
import { chainProblems, chainRecords, genesisHash, linkHash } from '../../../shared/app/archive/hashChain';
import type { AuditRecord } from '../../../shared/lifecycle';
import { REQUEST_TO_ARCHIVED } from '../../support/lifecyclePaths';
import { at } from '../lifecycle/support/fixtures';
import { stampIn } from '../lifecycle/support/fixtures';

const STAMP = 'weu-001';
const PATH = REQUEST_TO_ARCHIVED;

function trail(minutes: readonly number[] = [0, 20, 24, 90, 120, 127, 140]): AuditRecord[] {
  return PATH.map(([from, to], index) => ({
    stampId: STAMP,
    seq: index + 1,
    at: at(minutes[index] ?? index),
    from,
    to,
    cause: { kind: 'system', eventId: `evt-${index + 1}`, reason: `step ${index + 1}` },
  }));
}

describe('archive: the hash chain over the audit records', () => {
  it('holds for the records as chained, and its head is the last hash', () => {
    const { links, head } = chainRecords(STAMP, trail());
    assert.deepEqual(chainProblems(STAMP, links, head), []);
    assert.equal(links[0]?.previous, genesisHash(STAMP));
    assert.equal(head, links.at(-1)?.hash);
    assert.equal(links[1]?.hash, linkHash(links[0]?.hash ?? '', trail()[1] as AuditRecord));
  });

  it('starts from the stamp: the same records of another stamp chain to another head', () => {
    assert.notEqual(chainRecords(STAMP, trail()).head, chainRecords('weu-002', trail()).head);
  });

  it('shows any change to a record, whichever field and record', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: PATH.length - 1 }),
        fc.constantFrom('at', 'reason', 'actor', 'seq'),
        fc.string({ minLength: 1, maxLength: 8 }),
        (index, field, text) => {
          const { links, head } = chainRecords(STAMP, trail());
          const link = links[index];
          if (link === undefined) return;
          const record = { ...link.record, cause: { ...link.record.cause } };
          if (field === 'at') record.at = at(10_000 + text.length);
          if (field === 'reason') record.cause.reason = `${record.cause.reason}${text}`;
          if (field === 'actor') record.cause.actor = text;
          if (field === 'seq') record.seq += 1;
          const tampered = links.map((l, i) => (i === index ? { ...l, record } : l));
          assert.notDeepEqual(chainProblems(STAMP, tampered, head), []);
        },
      ),
    );
  });

  it('shows a dropped, swapped or inserted record even when the hashes are recomputed after it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: PATH.length - 1 }),
        fc.constantFrom('drop', 'swap', 'insert'),
        (index, change) => {
          const records = trail();
          const { head } = chainRecords(STAMP, records);
          let changed = [...records];
          if (change === 'drop') changed.splice(index, 1);
          if (change === 'swap') {
            const other = (index + 1) % records.length;
            changed = changed.map((r, i) =>
              i === index ? records[other] : i === other ? records[index] : r,
            ) as AuditRecord[];
          }
          if (change === 'insert') changed.splice(index, 0, { ...(records[index] as AuditRecord) });
          // A forger who rebuilds the whole chain still cannot reach the recorded head.
          const rebuilt = chainRecords(STAMP, changed);
          assert.notEqual(rebuilt.head, head);
          assert.notDeepEqual(chainProblems(STAMP, rebuilt.links, head), []);
        },
      ),
    );
  });
});

describe('archive: the archive document', () => {
  it('holds the records up to entering archived, not the ones after', () => {
    const later: AuditRecord = {
      stampId: STAMP,
      seq: 8,
      at: at(141),
      from: 'archived',
      to: 'archived',
      cause: { kind: 'system', eventId: 'evt-8', reason: 'records archived' },
    };
    assert.deepEqual(recordsToArchive(STAMP, [later, ...trail()].reverse()), trail());
    assert.throws(() => recordsToArchive(STAMP, trail().slice(0, 5)), /no audit record of being archived/);
  });

  it('summarises the time in each phase, transitions and refusals', () => {
    const records = trail();
    const refused: AuditRecord = {
      ...(records[3] as AuditRecord),
      from: 'active',
      to: 'active',
      refused: { guard: 'min-in-rotation', reason: 'only stamp' },
    };
    const withRefusal = [...records.slice(0, 3), refused, ...records.slice(3)].map((r, i) => ({
      ...r,
      seq: i + 1,
    }));
    assert.deepEqual(summarise(withRefusal), {
      createdAt: at(0),
      archivedAt: at(140),
      msInPhase: {
        provisioning: 20 * 60_000,
        registering: 4 * 60_000,
        active: 66 * 60_000,
        draining: 30 * 60_000,
        quarantined: 7 * 60_000,
        decommissioning: 13 * 60_000,
      },
      transitions: 7,
      refusals: 1,
      overrides: 0,
    });
  });

  it('serialises to the same bytes every time and parses back to itself', () => {
    const stamp = stampIn('archived', { deadlines: { purgeDueAt: at(30 * 24 * 60) } });
    const document = buildArchiveDocument(stamp, trail(), at(30 * 24 * 60));
    const text = serialiseArchive(document);
    assert.equal(
      serialiseArchive(buildArchiveDocument(stamp, [...trail()].reverse(), at(30 * 24 * 60))),
      text,
    );
    assert.deepEqual(parseArchive(STAMP, text), document);
    assert.throws(
      () => parseArchive(STAMP, '{"format":"other"}'),
      /is not a synaxis-stamps\/archive@1 document: format/,
    );
    assert.throws(() => parseArchive(STAMP, 'not json'), /is not JSON/);
  });
});
