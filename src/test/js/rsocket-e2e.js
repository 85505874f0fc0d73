// Bad and unusual input on the RSocket door, as a non-Spring client sends it (run by
// RSocketNodeClientTest): text/plain connections, a wrong MIME type, a bad login, a missing or
// unknown route, a watch without login. Prints PASS lines, then ALL PASSED.
//   node rsocket-e2e.js <tcp://host:port | ws://host:port/rsocket> <db> <token>
const { RSocketConnector } = require('rsocket-core');
const { TcpClientTransport } = require('rsocket-tcp-client');
const { WebsocketClientTransport } = require('rsocket-websocket-client');
const { encodeCompositeMetadata, encodeRoute, WellKnownMimeType } = require('rsocket-composite-metadata');
const net = require('net');
const WebSocket = require('ws');

const [, , address, db, token] = process.argv;
const url = new URL(address);
const LOGIN = 'message/x.nundb.login.v0';

function transport() {
  return url.protocol === 'tcp:'
    ? new TcpClientTransport({
        connectionOptions: { host: url.hostname, port: Number(url.port) },
        // once a connection is closed the library stops listening for socket errors: a late reset
        // from the server (after a rejected SETUP, say) must not crash the process
        socketCreator: options => net.connect(options).on('error', () => {}),
      })
    : new WebsocketClientTransport({ url: url.href, wsCreator: u => new WebSocket(u).on('error', () => {}) });
}

async function connect({ login, dataMimeType = 'text/plain' }) {
  const entries = login ? [[LOGIN, Buffer.from(login)]] : [];
  const rsocket = await new RSocketConnector({
    setup: {
      dataMimeType,
      metadataMimeType: WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.string,
      payload: { data: null, metadata: encodeCompositeMetadata(entries) },
    },
    transport: transport(),
  }).connect();
  // a rejected SETUP closes the connection with the server's error: keep it for the next request
  rsocket.onClose(e => { rsocket.closedWith = e; });
  return rsocket;
}

const metadata = name =>
  name === null ? encodeCompositeMetadata([]) : encodeCompositeMetadata([[WellKnownMimeType.MESSAGE_RSOCKET_ROUTING, encodeRoute(name)]]);

function request(rsocket, name, text) {
  return new Promise((resolve, reject) => {
    if (rsocket.closedWith) return reject(rsocket.closedWith);
    rsocket.requestResponse({ data: Buffer.from(text), metadata: metadata(name) }, {
      onNext: p => resolve(p.data.toString()),
      onError: reject,
      onComplete: () => {},
      onExtension: () => {},
    });
  });
}

function stream(rsocket, name, text, onEvent) {
  return new Promise((resolve, reject) => {
    if (rsocket.closedWith) return reject(rsocket.closedWith);
    const s = rsocket.requestStream({ data: Buffer.from(text), metadata: metadata(name) }, 100, {
      onNext: p => { if (onEvent(p.data.toString())) { s.cancel(); resolve(); } },
      onError: reject,
      onComplete: resolve,
      onExtension: () => {},
    });
  });
}

async function refused(what, promise) {
  try {
    await promise;
  } catch (e) {
    return e.message;
  }
  throw new Error(what + ' was not refused');
}

function check(what, ok, detail) {
  if (!ok) throw new Error('FAIL ' + what + ': ' + detail);
  console.log('PASS ' + what + (detail ? ': ' + detail : ''));
}

async function main() {
  const login = `use-db ${db} ${token}`;
  const text = await connect({ login });
  const reply = await request(text, 'command', 'set t 1; get t');
  check('text/plain command answers NunDB text', reply === 'ok \nvalue 1\nok \n', JSON.stringify(reply));

  const events = [];
  let write;
  const watched = stream(text, 'watch', 't', e => {
    events.push(JSON.parse(e));
    if (events.length === 1) write = request(text, 'command', 'set t 2'); // after `ready`
    return events.length === 2;
  });
  await watched;
  await write; // answered before the connection closes
  check('text/plain watch takes the keys as text', events[1].type === 'change' && events[1].value === '2', JSON.stringify(events));
  text.close();

  const cbor = await connect({ login, dataMimeType: 'application/cbor' });
  const mime = await refused('a CBOR connection', request(cbor, 'command', 'get t'));
  check('a wrong data MIME type is rejected naming the accepted ones', mime.includes('text/plain or application/json'), mime);

  const bad = await connect({ login: `use-db ${db} wrong-token` });
  const badLogin = await refused('a bad login', request(bad, 'command', 'get t'));
  check('a bad login is rejected', badLogin.includes('login failed'), badLogin);

  const json = await connect({ login, dataMimeType: 'application/json' });
  const unknown = await refused('an unknown route', request(json, 'comand', 'get t'));
  check('an unknown route is refused naming the routes', unknown.includes("unknown route 'comand'") && unknown.includes("'command'"), unknown);
  const none = await refused('a request without route', request(json, null, 'get t'));
  check('a request without route is refused', none.includes('no route'), none);
  const kind = await refused('a stream on command', stream(json, 'command', 'get t', () => true));
  check('a route of another interaction is refused', kind.includes("route 'command' does not take a request-stream"), kind);
  const typed = JSON.parse(await request(json, 'command', '"get t"'));
  check('a JSON connection answers JSON, also to a JSON string', typed.ok && typed.key === 't' && typed.value === '2', JSON.stringify(typed));
  json.close();

  const anonymous = await connect({});
  const noLogin = await refused('a watch without login', stream(anonymous, 'watch', '{"keys":["t"]}', () => true));
  check('a watch without login is refused', noLogin.includes('watch needs a login'), noLogin);
  const badJson = await refused('a malformed watch request', stream(anonymous, 'watch', '{"keys":', () => true));
  check('a malformed watch request is refused', badJson.includes('watch request is not valid'), badJson);
  anonymous.close();
  console.log('ALL PASSED');
}

main().then(() => process.exit(0), e => {
  console.error(e.message || e);
  process.exit(1);
});
