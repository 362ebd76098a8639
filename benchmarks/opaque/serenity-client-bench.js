// opaque-ke's client (@serenity-kit/opaque, WASM, single-threaded) per login with its default
// "memory-constrained" Argon2id, for comparison with benchmarks/opaque/client-ksf-time.cs.
// Usage: node benchmarks/opaque/serenity-client-bench.js [runs=3]
'use strict';
const path = require('path');
const modules = process.env.LOCKBOX_TEST_NODE_MODULES || path.join(__dirname, '..', '..', 'tests', 'node', 'node_modules');
const opaque = require(path.join(modules, '@serenity-kit/opaque'));
const runs = Number(process.argv[2] || 3);
const password = 'correct horse battery staple';
const userIdentifier = 'alice@lockbox';

(async () => {
  await opaque.ready;
  const serverSetup = opaque.server.createSetup();
  const reg = opaque.client.startRegistration({ password });
  const { registrationResponse } = opaque.server.createRegistrationResponse({ serverSetup, userIdentifier, registrationRequest: reg.registrationRequest });
  const { registrationRecord } = opaque.client.finishRegistration({ password, clientRegistrationState: reg.clientRegistrationState, registrationResponse });
  let wall = 0;
  let cpu = 0;
  for (let i = 0; i < runs; i++) {
    const start = opaque.client.startLogin({ password });
    const { loginResponse } = opaque.server.startLogin({ serverSetup, userIdentifier, registrationRecord, startLoginRequest: start.startLoginRequest });
    const cpuStart = process.cpuUsage();
    const t = process.hrtime.bigint();
    const done = opaque.client.finishLogin({ password, clientLoginState: start.clientLoginState, loginResponse });
    wall += Number(process.hrtime.bigint() - t) / 1e6;
    const used = process.cpuUsage(cpuStart);
    cpu += (used.user + used.system) / 1e3;
    if (!done) throw new Error('login failed');
  }
  console.log(`@serenity-kit/opaque client login (memory-constrained: t=3, m=64 MiB, p=4), node ${process.version}: wall ${(wall / runs).toFixed(1)} ms  cpu ${(cpu / runs).toFixed(1)} ms per login`);
})();
