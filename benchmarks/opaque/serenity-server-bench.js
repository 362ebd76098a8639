// Times opaque-ke's server (@serenity-kit/opaque 1.1.0, WASM in Node) per login and per registration
// response, on one core, for comparison with Lockbox's OpaqueServerBenchmarks in the same run.
// Usage: node benchmarks/opaque/serenity-server-bench.js [seconds-per-measurement=3]
// Node modules: LOCKBOX_TEST_NODE_MODULES, else tests/node/node_modules (installed by ./test).
'use strict';
const path = require('path');
const modules = process.env.LOCKBOX_TEST_NODE_MODULES || path.join(__dirname, '..', '..', 'tests', 'node', 'node_modules');
const opaque = require(path.join(modules, '@serenity-kit/opaque'));
const seconds = Number(process.argv[2] || 3);

// The server never runs the KSF; a minimal Argon2id keeps the untimed client side cheap.
const keyStretching = { 'argon2id-custom': { iterations: 1, memory: 8, parallelism: 1 } };
const password = 'correct horse battery staple';
const userIdentifier = 'alice@lockbox';

function measure(name, prepare, timed) {
  // Warm up, then count operations for `seconds` of wall time, timing only the server calls, both in
  // wall time and in process CPU time (user + system): the CPU figure is "per core" even on a busy machine.
  for (let i = 0; i < 50; i++) timed(prepare());
  let ops = 0;
  let wall = 0n;
  let cpu = 0;
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < deadline) {
    const input = prepare();
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const result = timed(input);
    const untimed = result && typeof result.wall === 'bigint' ? result : null;
    wall += process.hrtime.bigint() - start - (untimed ? untimed.wall : 0n);
    const used = process.cpuUsage(cpuStart);
    cpu += used.user + used.system - (untimed ? untimed.cpu : 0);
    ops++;
  }
  const wallPerOp = Number(wall) / ops / 1e3;
  const cpuPerOp = cpu / ops;
  console.log(`${name.padEnd(36)} ${ops.toString().padStart(6)} ops  wall ${wallPerOp.toFixed(1).padStart(8)} us/op  cpu ${cpuPerOp.toFixed(1).padStart(8)} us/op ${(1e6 / cpuPerOp).toFixed(0).padStart(7)} ops/s/core`);
}

(async () => {
  await opaque.ready;
  const serverSetup = opaque.server.createSetup();
  const reg = opaque.client.startRegistration({ password });
  const { registrationResponse } = opaque.server.createRegistrationResponse({ serverSetup, userIdentifier, registrationRequest: reg.registrationRequest });
  const { registrationRecord } = opaque.client.finishRegistration({ password, clientRegistrationState: reg.clientRegistrationState, registrationResponse, keyStretching });

  console.log(`@serenity-kit/opaque server, node ${process.version}, ${seconds}s per measurement`);
  measure('createRegistrationResponse',
    () => opaque.client.startRegistration({ password }).registrationRequest,
    (registrationRequest) => opaque.server.createRegistrationResponse({ serverSetup, userIdentifier, registrationRequest }));

  // A login: startLogin (KE2) + finishLogin (KE3 check), with the real client in between (its time is subtracted).
  measure('login (startLogin + finishLogin)',
    () => opaque.client.startLogin({ password }),
    (client) => {
      const { serverLoginState, loginResponse } = opaque.server.startLogin({ serverSetup, userIdentifier, registrationRecord, startLoginRequest: client.startLoginRequest });
      const cpuPause = process.cpuUsage();
      const pause = process.hrtime.bigint();
      const done = opaque.client.finishLogin({ password, clientLoginState: client.clientLoginState, loginResponse, keyStretching });
      const clientWall = process.hrtime.bigint() - pause;
      const clientCpu = process.cpuUsage(cpuPause);
      const { sessionKey } = opaque.server.finishLogin({ serverLoginState, finishLoginRequest: done.finishLoginRequest });
      if (sessionKey !== done.sessionKey) throw new Error('session keys differ');
      return { wall: clientWall, cpu: clientCpu.user + clientCpu.system };
    });
  measure('startLogin only (KE2)',
    () => opaque.client.startLogin({ password }).startLoginRequest,
    (startLoginRequest) => opaque.server.startLogin({ serverSetup, userIdentifier, registrationRecord, startLoginRequest }));
})();
