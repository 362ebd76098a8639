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
  // Warm up, then count operations for `seconds`, timing only the server calls.
  for (let i = 0; i < 50; i++) timed(prepare());
  let ops = 0;
  let spent = 0n;
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < deadline) {
    const input = prepare();
    const start = process.hrtime.bigint();
    const untimed = timed(input);
    spent += process.hrtime.bigint() - start - (typeof untimed === 'bigint' ? untimed : 0n);
    ops++;
  }
  const perOp = Number(spent) / ops / 1e3;
  console.log(`${name.padEnd(40)} ${ops.toString().padStart(7)} ops  ${perOp.toFixed(1).padStart(8)} us/op  ${(1e6 / perOp).toFixed(0).padStart(7)} ops/s`);
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
      const pause = process.hrtime.bigint();
      const done = opaque.client.finishLogin({ password, clientLoginState: client.clientLoginState, loginResponse, keyStretching });
      const clientTime = process.hrtime.bigint() - pause;
      const { sessionKey } = opaque.server.finishLogin({ serverLoginState, finishLoginRequest: done.finishLoginRequest });
      if (sessionKey !== done.sessionKey) throw new Error('session keys differ');
      return clientTime;
    });
  measure('startLogin only (KE2)',
    () => opaque.client.startLogin({ password }).startLoginRequest,
    (startLoginRequest) => opaque.server.startLogin({ serverSetup, userIdentifier, registrationRecord, startLoginRequest }));
})();
