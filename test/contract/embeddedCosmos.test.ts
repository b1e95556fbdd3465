import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import * as https from 'node:https';
import { after, before, describe, it } from 'node:test';

import { CosmosClient } from '@azure/cosmos';

import {
  createCosmosClient,
  disposeCosmosClients,
  ensureStampsDatabase,
  getCosmosClient,
} from '../../shared/azure/cosmos';
import { type EmbeddedCosmos, startEmbeddedCosmos } from '../../shared/local/cosmos/embeddedCosmos';
import { createSelfSignedCertificate } from '../../shared/local/cosmos/selfSignedCertificate';

function get(url: string, agent?: https.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, agent ? { agent } : { agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
  });
}

void describe('startEmbeddedCosmos', () => {
  let cosmos: EmbeddedCosmos;
  before(async () => {
    cosmos = await startEmbeddedCosmos();
  });
  after(async () => {
    await disposeCosmosClients();
    await cosmos.stop();
  });

  void it('listens over https on 127.0.0.1 on an ephemeral port', () => {
    assert.match(cosmos.endpoint, /^https:\/\/127\.0\.0\.1:\d+\/$/);
    assert.notEqual(new URL(cosmos.endpoint).port, '0');
  });

  void it('is trusted through its agent, and by nothing else', async () => {
    assert.equal(await get(cosmos.endpoint, cosmos.agent), 200);
    await assert.rejects(get(cosmos.endpoint), (err: unknown) => {
      assert.match(String((err as { code?: unknown }).code), /SELF_SIGNED/);
      return true;
    });
  });

  void it('makes a fresh certificate for 127.0.0.1 and localhost at each start', async () => {
    const certificate = new X509Certificate(cosmos.certificate);
    assert.ok(certificate.checkIP('127.0.0.1'));
    assert.equal(certificate.checkHost('localhost'), 'localhost');
    const other = await startEmbeddedCosmos();
    try {
      assert.notEqual(other.certificate, cosmos.certificate);
      assert.notEqual(other.endpoint, cosmos.endpoint);
      // The other server's agent does not trust this one.
      await assert.rejects(get(cosmos.endpoint, other.agent));
    } finally {
      await other.stop();
    }
  });

  void it('ensureStampsDatabase is idempotent and sets the events TTL', async () => {
    const client = await getCosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, agent: cosmos.agent });
    const names = {
      databaseName: 'ensure-test',
      processedEventTtlSeconds: 1234,
      containers: { events: 'seen' },
    };
    const first = await ensureStampsDatabase(client, names);
    const second = await ensureStampsDatabase(client, names);
    assert.deepEqual(first, second);
    assert.deepEqual(first.containers, { stamps: 'stamps', ledger: 'ledger', events: 'seen' });
    const database = client.database('ensure-test');
    const { resources } = await database.containers.readAll().fetchAll();
    assert.deepEqual(resources.map((c) => c.id).sort(), ['ledger', 'seen', 'stamps']);
    const stamps = resources.find((c) => c.id === 'stamps');
    assert.deepEqual(stamps?.partitionKey?.paths, ['/stampId']);
    assert.equal(resources.find((c) => c.id === 'seen')?.defaultTtl, 1234);
    await assert.rejects(ensureStampsDatabase(client, { processedEventTtlSeconds: 0 }), RangeError);
  });

  void it('getCosmosClient keeps one client per connection', async () => {
    const connection = { endpoint: cosmos.endpoint, key: cosmos.key, agent: cosmos.agent };
    const a = await getCosmosClient(connection);
    const b = await getCosmosClient({ ...connection });
    assert.equal(a, b);
    assert.ok(a instanceof CosmosClient);
  });

  void it('builds an Entra ID client for an account endpoint without a key, without calling out', async () => {
    const client = await createCosmosClient({ endpoint: 'https://example-account.documents.azure.com:443/' });
    assert.ok(client instanceof CosmosClient);
    client.dispose();
  });

  void it('stop() closes the server: later connections are refused, and a second stop is harmless', async () => {
    const other = await startEmbeddedCosmos();
    assert.equal(await get(other.endpoint, other.agent), 200);
    await other.stop();
    await other.stop();
    await assert.rejects(get(other.endpoint, new https.Agent({ ca: other.certificate })), (err: unknown) => {
      assert.equal((err as { code?: unknown }).code, 'ECONNREFUSED');
      return true;
    });
  });
});

void describe('createSelfSignedCertificate', () => {
  void it('signs a certificate that verifies with its own key and names the given hosts', () => {
    const { cert, fingerprint } = createSelfSignedCertificate({
      hosts: ['10.1.2.3', '::1', 'stamps.local'],
      commonName: 'unit',
      now: new Date('2026-01-01T00:00:00Z'),
      validForDays: 2,
    });
    const x509 = new X509Certificate(cert);
    assert.ok(x509.verify(x509.publicKey));
    assert.equal(x509.subject, 'CN=unit');
    assert.equal(x509.checkIP('10.1.2.3'), '10.1.2.3');
    assert.equal(x509.checkIP('::1'), '::1');
    assert.equal(x509.checkHost('stamps.local'), 'stamps.local');
    assert.equal(x509.checkHost('other.local'), undefined);
    assert.equal(new Date(x509.validTo).toISOString(), '2026-01-03T00:00:00.000Z');
    assert.equal(x509.fingerprint256.replace(/:/g, '').toLowerCase(), fingerprint);
  });

  // Regression: a random serial starting 0x00 then a byte below 0x80 is non-minimal DER, which
  // OpenSSL rejects ("illegal padding"); it failed about one start in 256.
  void it('every certificate parses: 1,000 random serials', () => {
    for (let i = 0; i < 1000; i += 1) {
      const { cert } = createSelfSignedCertificate({ hosts: ['127.0.0.1'] });
      const x509 = new X509Certificate(cert);
      const serial = x509.serialNumber;
      assert.ok(!serial.startsWith('00') && Number.parseInt(serial.slice(0, 2), 16) < 0x80, serial);
    }
  });
});
