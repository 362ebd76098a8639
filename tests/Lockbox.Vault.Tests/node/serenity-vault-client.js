// A vault client built on @serenity-kit/opaque (opaque-ke 4 compiled to WASM), written from
// docs/VAULT-API.md, so the vault is tested against the OPAQUE implementation WhatsApp's vault uses.
// Reads one JSON request on stdin: {baseUrl, account, token, password, keyHex, managementCredential,
// fleetKey ("lbfk1." + base64url Ed25519 key), op: "enrol" | "login"}; writes one JSON line: the outcome
// of each HTTP step. Like the SDK, it sends a fresh nonce in every body, verifies every answer's
// Lockbox-Signature (Node's built-in Ed25519) before reading it, and starts with the signed hello.
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

// T = "lockbox/v1/vault-response" || u16 len || endpoint || u16 len || account || SHA-256(request)
//     || u16 status || SHA-256(response)   (docs/VAULT-API.md, "Signed answers")
const u16 = (n) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const sha256 = (b) => crypto.createHash('sha256').update(b).digest();
function transcript(endpoint, account, sent, status, received) {
  const e = Buffer.from(endpoint, 'utf8');
  const a = Buffer.from(account, 'utf8');
  return Buffer.concat([Buffer.from('lockbox/v1/vault-response', 'ascii'), u16(e.length), e, u16(a.length), a,
    sha256(sent), u16(status), sha256(received)]);
}

function fleetPublicKey(text) {
  if (!text.startsWith('lbfk1.')) throw new Error('fleet key must start with lbfk1.');
  const raw = unb64(text.slice(6));
  // SubjectPublicKeyInfo for Ed25519: the fixed 12-byte prefix, then the 32-byte key.
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
  return crypto.createPublicKey({ key: der, format: 'der', type: 'spki' });
}

async function exchange(req, url, endpoint, account, body, bearer) {
  const sent = Buffer.from(JSON.stringify({ ...body, nonce: b64(crypto.randomBytes(16)) }), 'utf8');
  const headers = { 'content-type': 'application/json' };
  if (bearer) headers.authorization = `Bearer ${req.token}`;
  const r = await fetch(url, { method: 'POST', headers, body: sent });
  const received = Buffer.from(await r.arrayBuffer());
  const signature = r.headers.get('lockbox-signature');
  if (!signature || !crypto.verify(null, transcript(endpoint, account, sent, r.status, received), fleetPublicKey(req.fleetKey), unb64(signature)))
    throw new Error(`answer to ${endpoint} is not signed by the pinned fleet key`);
  return { status: r.status, body: JSON.parse(received.toString('utf8')) };
}

async function hello(req) {
  const r = await exchange(req, `${req.baseUrl}v1/hello`, 'hello', '', {}, false);
  const norm = (u) => { const x = new URL(u); return `${x.protocol}//${x.host}${x.pathname.replace(/\/+$/, '')}/`; };
  if (!r.body.nodes.map(norm).includes(norm(req.baseUrl))) throw new Error('the fleet does not list this address');
  return r.body.serverPublicKey;
}

const post = (req, endpoint, body) => exchange(req, `${req.baseUrl}v1/accounts/${req.account}/${endpoint}`, endpoint, req.account, body, true);

async function run(req) {
  await opaque.ready;
  const aad = Buffer.from(req.account, 'utf8');
  const serverPublicKey = await hello(req);
  if (req.op === 'enrol') {
    const { clientRegistrationState, registrationRequest } = opaque.client.startRegistration({ password: req.password });
    const start = await post(req, 'registration/start', { registrationRequest });
    const done = opaque.client.finishRegistration({ clientRegistrationState, registrationResponse: start.body.registrationResponse, password: req.password });
    if (done.serverStaticPublicKey !== serverPublicKey) return { error: 'server key differs from the one the fleet signed' };
    const wrappedKey = seal(hkdf(unb64(done.exportKey), 'lockbox/v1/vault-key-wrap'), Buffer.from(req.keyHex, 'hex'), aad);
    // opaque-ke's default KSF: Argon2id t=3, m=64 MiB, p=4 (docs/PROTOCOL.md section 3).
    const enrol = await post(req, 'enrol', { registrationRecord: done.registrationRecord, wrappedKey: b64(wrappedKey), managementCredential: req.managementCredential,
      enrolmentId: start.body.enrolmentId, keyStretching: { t: 3, m: 65536, p: 4 } });
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
    if (login.serverStaticPublicKey !== serverPublicKey) return { error: 'server key differs from the one the fleet signed' };
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
