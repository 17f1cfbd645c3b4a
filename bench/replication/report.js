#!/usr/bin/env node
// Prints issue 16's ratios beside their goals (a Markdown table) from the JSON lines of one
// run of scripts/bench-replication.sh:
//   node report.js OURS_PUSH.json PEER.json FIRST_SYNC.json
// OURS_PUSH: one line per backend from `cargo bench -p permitdesk-server --bench replication`;
// PEER: the line of replicate.js; FIRST_SYNC: the line of `cargo bench -p permitdesk-client
// --bench initial_sync -- first_sync`. Exits 0 whether goals are met or not (figures, not a test).
'use strict';

const fs = require('fs');

function lines(file) {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l));
}

const [oursFile, peerFile, syncFile] = process.argv.slice(2);
const ours = lines(oursFile);
const peer = lines(peerFile)[0];
const sync = lines(syncFile)[0];
if (!peer || !sync || ours.length === 0) {
  console.error('missing figures');
  process.exit(1);
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const rows = [];
for (const o of ours) {
  const ratio = o.push_commands_per_s / peer.push_docs_per_s;
  rows.push([
    `push of ${fmt(o.commands)} commands over HTTPS (${o.backend === 'postgres' ? 'PostgreSQL' : 'SQLite'}; pushes of ${o.push_batch}, group commit ${o.group_commit}) vs PouchDB → pouchdb-server replication of ${fmt(peer.docs)} docs, batch ${peer.batch_size}`,
    '≥ 10x',
    `${fmt(o.push_commands_per_s)} commands/s (${o.push_s} s)`,
    `${fmt(peer.push_docs_per_s)} docs/s (${peer.push_s} s)`,
    `${ratio.toFixed(1)}x ${ratio >= 10 ? '(met)' : '(not met)'}`,
  ]);
}
{
  const ratio = sync.first_sync_events_per_s / peer.pull_docs_per_s;
  rows.push([
    `first sync of ${fmt(sync.events)} events through the client (pages of ${sync.pull_limit}, median of ${sync.runs_s.length}: ${sync.runs_s.join(', ')} s) vs replication pouchdb-server → fresh PouchDB`,
    '≥ 30x',
    `${fmt(sync.first_sync_events_per_s)} events/s (${sync.median_s} s)`,
    `${fmt(peer.pull_docs_per_s)} docs/s (${peer.pull_s} s)`,
    `${ratio.toFixed(1)}x ${ratio >= 30 ? '(met)' : '(not met)'}`,
  ]);
}

console.log('| what | goal | ours | peer | ratio |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log('');
const sizes = ours.map((o) => `${o.backend} ${fmt(o.avg_event_bytes)}`).join(', ');
console.log(
  `Average JSON size: our events ${sizes} bytes; the peer's documents ${fmt(peer.avg_bytes)} bytes (${peer.source}, without _id).`,
);
console.log(
  `Peer: pouchdb-server ${peer.pouchdb_server} (express-pouchdb ${peer.express_pouchdb}), PouchDB ${peer.pouchdb}, Node ${peer.node}; LevelDB on disk on both sides, plain HTTP on 127.0.0.1.`,
);
