#!/usr/bin/env node
// Issue 16's replication peer: a CouchDB-protocol replication of event-shaped documents,
// PouchDB (LevelDB on disk) to pouchdb-server (LevelDB on disk, a separate process on
// 127.0.0.1, plain HTTP), batch_size 100.
//
//   node replicate.js [--docs N] [--events FILE] [--batch 100]
//
// --events FILE: NDJSON, one of our events (a pulled `SyncEvent`'s `event`) a line, as
// `crates/server/benches/replication.rs` writes them: the documents are then our very events
// (the first N lines, cycled under new ids if there are fewer). Without it the documents are
// generated in the shape of a case event of `crates/client/benches/initial_sync.rs`'s
// department (entity, seq, prev_hash, hash, event with actor and payload), about as big.
//
// Times: (1) replicate local -> server (the push); (2) replicate server -> a fresh local
// database (the pull). Prints one JSON line on stdout:
// {docs, avg_bytes, push_docs_per_s, pull_docs_per_s, ...}. Progress goes to stderr.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const http = require('http');
const { spawn } = require('child_process');
const PouchDB = require('pouchdb');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const DOCS = Number(arg('--docs', process.env.REPLICATION_DOCS || '100000'));
const BATCH = Number(arg('--batch', '100'));
const EVENTS = arg('--events', process.env.REPLICATION_EVENTS || '');

function log(...a) {
  console.error('[replication]', ...a);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function get(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
  });
}

async function waitUp(url, child) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`pouchdb-server exited with ${child.exitCode}`);
    try {
      const r = await get(url);
      if (r.status === 200) return JSON.parse(r.body);
    } catch (_) {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('pouchdb-server did not start in 30 s');
}

const hex = (n, i) => {
  // A deterministic 64-hex-digit string (a SHA-256 in our events).
  let s = '';
  let x = (n * 2654435761 + i * 40503) >>> 0;
  while (s.length < 64) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += x.toString(16).padStart(8, '0');
  }
  return s.slice(0, 64);
};

// The shape of a case event of the department of initial_sync.rs (a `DomainEvent` as the
// server stores and sends it: `{entity, sealed: {entity, seq, prev_hash, hash, event}}`), used
// when no event file is given.
function syntheticEvent(i) {
  const c = i % 10000;
  const seq = Math.floor(i / 10000) + 1;
  const levels = ['受理', '审核', '复核', '签批'];
  const id = `C-b${String(c).padStart(5, '0')}`;
  return {
    entity: 'case',
    sealed: {
      entity: `case:${id}`,
      seq,
      prev_hash: hex(i, 1),
      hash: hex(i, 2),
      event: {
        case: id,
        at: new Date(Date.UTC(2026, 2, 2, 1, seq, 0, i % 1000)).toISOString(),
        actor: {
          user: `reviewer-zgj-${(seq % 4) + 1}`,
          name: '基准审核员',
          role: 'department_reviewer',
          department: 'ZGJ',
          organisation: null,
        },
        opinion: null,
        attachments: [],
        change: {
          change: 'signed_off',
          level: levels[seq % 4],
          deadline: '2026-04-01',
          number: `2026-ZGJ-${String(c).padStart(6, '0')}`,
        },
      },
    },
  };
}

function loadEvents(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.map((l) => JSON.parse(l));
}

function entityKey(ev, i) {
  const inner = ev.sealed || {};
  return [inner.entity || `entity-${i}`, inner.seq || 0];
}

function makeDocs() {
  const source = EVENTS ? loadEvents(EVENTS) : null;
  if (source && source.length === 0) throw new Error(`${EVENTS} holds no events`);
  const docs = [];
  for (let i = 0; i < DOCS; i++) {
    const ev = source ? source[i % source.length] : syntheticEvent(i);
    const [entity, seq] = entityKey(ev, i);
    const round = source ? Math.floor(i / source.length) : 0;
    // The document id is the event's identity (entity and position in its trail).
    const id = `${entity}:${String(seq).padStart(6, '0')}${round ? `:r${round}` : ''}`;
    docs.push(Object.assign({ _id: id }, ev));
  }
  return docs;
}

async function count(db) {
  return (await db.info()).doc_count;
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'permitdesk-replication-'));
  const serverDir = path.join(work, 'server');
  fs.mkdirSync(serverDir);
  // Request logging off (it is on by default, to a file): the peer is not slowed by it.
  fs.writeFileSync(
    path.join(serverDir, 'config.json'),
    JSON.stringify({ log: { level: 'error' } }),
  );
  const port = await freePort();
  const bin = require.resolve('pouchdb-server/bin/pouchdb-server');
  const child = spawn(
    process.execPath,
    [bin, '--port', String(port), '--host', '127.0.0.1', '--dir', serverDir,
      '--config', path.join(serverDir, 'config.json'), '--no-stdout-logs'],
    { cwd: serverDir, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  let result;
  try {
    const base = `http://127.0.0.1:${port}`;
    const welcome = await waitUp(`${base}/`, child);
    log(`pouchdb-server ${welcome.version} (${welcome.vendor && welcome.vendor.name}) on ${base}`);

    const docs = makeDocs();
    const bytes = docs.reduce((n, d) => {
      const { _id, ...body } = d;
      return n + Buffer.byteLength(JSON.stringify(body));
    }, 0);
    const avgBytes = bytes / docs.length;
    log(`${docs.length} documents, ${avgBytes.toFixed(0)} bytes of JSON each on average (without _id)`);

    const local = new PouchDB(path.join(work, 'local'));
    let t = process.hrtime.bigint();
    for (let i = 0; i < docs.length; i += 1000) {
      const r = await local.bulkDocs(docs.slice(i, i + 1000));
      const bad = r.find((x) => x.error);
      if (bad) throw new Error(`local write: ${JSON.stringify(bad)}`);
    }
    const localWrite = Number(process.hrtime.bigint() - t) / 1e9;
    log(`written locally in ${localWrite.toFixed(1)} s`);

    const remoteUrl = `${base}/events`;
    const remote = new PouchDB(remoteUrl);
    await remote.info(); // creates the database
    t = process.hrtime.bigint();
    const pushed = await local.replicate.to(remoteUrl, { batch_size: BATCH });
    const push = Number(process.hrtime.bigint() - t) / 1e9;
    if (pushed.status !== 'complete' || pushed.docs_written !== docs.length) {
      throw new Error(`push incomplete: ${JSON.stringify({ ...pushed, errors: pushed.errors.slice(0, 3) })}`);
    }
    log(`push: ${docs.length} documents in ${push.toFixed(1)} s`);

    const fresh = new PouchDB(path.join(work, 'fresh'));
    t = process.hrtime.bigint();
    const pulled = await fresh.replicate.from(remoteUrl, { batch_size: BATCH });
    const pull = Number(process.hrtime.bigint() - t) / 1e9;
    const got = await count(fresh);
    if (pulled.status !== 'complete' || got !== docs.length) {
      throw new Error(`pull incomplete: ${got} documents, ${JSON.stringify(pulled.status)}`);
    }
    log(`pull: ${got} documents in ${pull.toFixed(1)} s`);
    await Promise.all([local.close(), fresh.close(), remote.close()]);

    const pkg = (name) => require(`${name}/package.json`).version;
    result = {
      docs: docs.length,
      avg_bytes: Math.round(avgBytes),
      push_docs_per_s: Math.round(docs.length / push),
      pull_docs_per_s: Math.round(docs.length / pull),
      push_s: Number(push.toFixed(2)),
      pull_s: Number(pull.toFixed(2)),
      batch_size: BATCH,
      source: EVENTS ? `events of ${EVENTS}` : 'generated',
      pouchdb: pkg('pouchdb'),
      pouchdb_server: pkg('pouchdb-server'),
      express_pouchdb: pkg('express-pouchdb'),
      node: process.version,
    };
  } finally {
    child.kill('SIGTERM');
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
