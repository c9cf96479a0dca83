// setupFile of the unit project: a unit test that starts a process or opens a connection fails, naming what it tried,
// so a test that belongs in test/cli or the lab cannot slip into the fast tier.
import childProcess from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { syncBuiltinESMExports } from 'node:module';

const refuse = (what: string) => () => {
  throw new Error(`unit tests are hermetic: ${what} is not allowed here (move the test to test/cli or the lab project)`);
};
for (const f of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const)
  (childProcess as unknown as Record<string, unknown>)[f] = refuse(`child_process.${f}`);
(net as unknown as Record<string, unknown>).connect = refuse('net.connect');
(net as unknown as Record<string, unknown>).createConnection = refuse('net.createConnection');
(tls as unknown as Record<string, unknown>).connect = refuse('tls.connect');
// the agents keep their own reference to net's and tls's connect
http.Agent.prototype.createConnection = refuse('an HTTP request');
https.Agent.prototype.createConnection = refuse('an HTTPS request');
syncBuiltinESMExports();
