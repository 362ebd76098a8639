// One-shot bridge to @serenity-kit/opaque (opaque-ke 4 compiled to WASM) for Lockbox's interop tests.
// Reads one JSON request from stdin, writes one JSON line to stdout. Bytes are base64url without
// padding, as serenity uses them. A failed login is reported as {"ok":false,"error":...}, never thrown.
'use strict';
const path = require('path');
const modules = process.env.LOCKBOX_TEST_NODE_MODULES;
if (!modules) {
  process.stdout.write(JSON.stringify({ ok: false, error: 'LOCKBOX_TEST_NODE_MODULES is not set' }) + '\n');
  process.exit(2);
}
const opaque = require(path.join(modules, '@serenity-kit/opaque'));

function readStdin() {
  return new Promise((resolve, reject) => {
    let data = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => { data += chunk; });
    process.stdin.on('end', () => resolve(data));
    process.stdin.on('error', reject);
  });
}

function run(req) {
  const ks = req.keyStretching === undefined ? undefined : req.keyStretching;
  const ids = req.identifiers === undefined ? undefined : req.identifiers;
  switch (req.op) {
    case 'server-setup': {
      const serverSetup = opaque.server.createSetup();
      return { serverSetup, serverPublicKey: opaque.server.getPublicKey(serverSetup) };
    }
    case 'client-register-start':
      return opaque.client.startRegistration({ password: req.password });
    case 'client-register-finish':
      return opaque.client.finishRegistration({
        password: req.password,
        clientRegistrationState: req.clientRegistrationState,
        registrationResponse: req.registrationResponse,
        identifiers: ids,
        keyStretching: ks,
      });
    case 'client-login-start':
      return opaque.client.startLogin({ password: req.password });
    case 'client-login-finish': {
      const result = opaque.client.finishLogin({
        password: req.password,
        clientLoginState: req.clientLoginState,
        loginResponse: req.loginResponse,
        identifiers: ids,
        keyStretching: ks,
      });
      if (!result) return { ok: false, error: 'login failed' };
      return result;
    }
    case 'server-register':
      return opaque.server.createRegistrationResponse({
        serverSetup: req.serverSetup,
        userIdentifier: req.userIdentifier,
        registrationRequest: req.registrationRequest,
      });
    case 'server-login-start':
      return opaque.server.startLogin({
        serverSetup: req.serverSetup,
        userIdentifier: req.userIdentifier,
        registrationRecord: req.registrationRecord,
        startLoginRequest: req.startLoginRequest,
        identifiers: ids,
      });
    case 'server-login-finish':
      return opaque.server.finishLogin({
        serverLoginState: req.serverLoginState,
        finishLoginRequest: req.finishLoginRequest,
        identifiers: ids,
      });
    default:
      throw new Error('unknown op ' + req.op);
  }
}

(async () => {
  let reply;
  try {
    const req = JSON.parse(await readStdin());
    await opaque.ready;
    reply = Object.assign({ ok: true }, run(req));
  } catch (e) {
    reply = { ok: false, error: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
})();
