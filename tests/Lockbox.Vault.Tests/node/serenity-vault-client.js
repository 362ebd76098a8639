// A vault client built on @serenity-kit/opaque (opaque-ke 4 compiled to WASM), written from
// docs/VAULT-API.md, so the vault is tested against the OPAQUE implementation WhatsApp's vault uses.
// Reads one JSON request on stdin: {baseUrl, account, token, password, keyHex, managementCredential,
// fleetKey, op: "enrol" | "login"}; writes one JSON line: the outcome of each HTTP step.
'use strict';
const path = require('path');
const crypto = require('crypto');
const opaque = require(path.join(process.env.LOCKBOX_TEST_NODE_MODULES, '@serenity-kit/opaque'));

const b64 = (buf) => Buffer.from(buf).toString('base64url');
const unb64 = (s) => Buffer.from(s, 'base64url');
const hkdf = (ikm, info) => Buffer.from(crypto.hkdfSync('sha256', ikm, Buffer.alloc(0), Buffer.from(info, 'ascii'), 32));

function seal(key, plaintext, aad) {
  const nonce = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([nonce, ct, c.getAuthTag()]);
}

function open(key, sealed, aad) {
  const d = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
}

async function post(req, endpoint, body) {
  const r = await fetch(`${req.baseUrl}v1/accounts/${req.account}/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${req.token}` },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: await r.json() };
}

async function run(req) {
  await opaque.ready;
  const aad = Buffer.from(req.account, 'utf8');
  if (req.op === 'enrol') {
    const { clientRegistrationState, registrationRequest } = opaque.client.startRegistration({ password: req.password });
    const start = await post(req, 'registration/start', { registrationRequest });
    const done = opaque.client.finishRegistration({ clientRegistrationState, registrationResponse: start.body.registrationResponse, password: req.password });
    if (done.serverStaticPublicKey !== req.fleetKey) return { error: 'server key differs from the pinned fleet key' };
    const wrappedKey = seal(hkdf(unb64(done.exportKey), 'lockbox/v1/vault-key-wrap'), Buffer.from(req.keyHex, 'hex'), aad);
    const enrol = await post(req, 'enrol', { registrationRecord: done.registrationRecord, wrappedKey: b64(wrappedKey), managementCredential: req.managementCredential });
    return { enrolStatus: enrol.status };
  }
  const { clientLoginState, startLoginRequest } = opaque.client.startLogin({ password: req.password });
  const start = await post(req, 'login/start', { ke1: startLoginRequest });
  if (start.status !== 200) return { startStatus: start.status, error: start.body.error };
  const login = opaque.client.finishLogin({ clientLoginState, loginResponse: start.body.ke2, password: req.password });
  const ke3 = login ? login.finishLoginRequest : b64(crypto.randomBytes(64));
  const finish = await post(req, 'login/finish', { sessionId: start.body.sessionId, ke3 });
  const result = { startStatus: start.status, guessesLeft: start.body.guessesLeft, clientAccepted: !!login, finishStatus: finish.status, error: finish.body.error };
  if (finish.status === 200) {
    if (login.serverStaticPublicKey !== req.fleetKey) return { error: 'server key differs from the pinned fleet key' };
    const wrapped = open(hkdf(unb64(login.sessionKey), 'lockbox/v1/vault-transport'), unb64(finish.body.sealedKey), aad);
    result.keyHex = open(hkdf(unb64(login.exportKey), 'lockbox/v1/vault-key-wrap'), wrapped, aad).toString('hex');
  }
  return result;
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  run(JSON.parse(input))
    .then((r) => process.stdout.write(JSON.stringify(r) + '\n'))
    .catch((e) => { process.stdout.write(JSON.stringify({ error: String(e && e.message || e) }) + '\n'); process.exit(1); });
});
