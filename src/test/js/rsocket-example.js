// NunDB's RSocket door from Node: log in, set and get a key, watch it, and see a change made by a
// second client. Over TCP or WebSocket; run from the repository root after `create-db demo demo-token`:
//   node src/test/js/rsocket-example.js tcp://localhost:3015
//   node src/test/js/rsocket-example.js ws://localhost:3013/rsocket
const { RSocketConnector } = require('rsocket-core');
const { TcpClientTransport } = require('rsocket-tcp-client');
const { WebsocketClientTransport } = require('rsocket-websocket-client');
const { encodeCompositeMetadata, encodeRoute, WellKnownMimeType } = require('rsocket-composite-metadata');
const net = require('net');
const WebSocket = require('ws'); // Node 20 has no WebSocket of its own; a browser passes none

const url = new URL(process.argv[2] || 'tcp://localhost:3015');
const key = 'greeting-' + url.protocol.replace(':', '');

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

// The login travels in the SETUP frame's composite metadata, as NunDB login commands.
function connect(login) {
  return new RSocketConnector({
    setup: {
      dataMimeType: 'application/json', // or text/plain: then `command` answers NunDB's text
      metadataMimeType: WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.string,
      payload: { data: null, metadata: encodeCompositeMetadata([['message/x.nundb.login.v0', Buffer.from(login)]]) },
    },
    transport: transport(),
  }).connect();
}

// Each request names its route in composite metadata (message/x.rsocket.routing.v0).
const route = name => encodeCompositeMetadata([[WellKnownMimeType.MESSAGE_RSOCKET_ROUTING, encodeRoute(name)]]);

function command(rsocket, text) {
  return new Promise((resolve, reject) =>
    rsocket.requestResponse({ data: Buffer.from(text), metadata: route('command') }, {
      onNext: payload => resolve(JSON.parse(payload.data.toString())),
      onError: reject,
      onComplete: () => {},
      onExtension: () => {},
    }));
}

function watch(rsocket, request, onEvent, onError) {
  return rsocket.requestStream({ data: Buffer.from(JSON.stringify(request)), metadata: route('watch') }, 2 ** 31 - 1, {
    onNext: payload => onEvent(JSON.parse(payload.data.toString())),
    onError,
    onComplete: () => {},
    onExtension: () => {},
  });
}

async function main() {
  const client = await connect('use-db demo demo-token');
  console.log('set:', JSON.stringify(await command(client, `set ${key} hello`)));
  console.log('get:', JSON.stringify(await command(client, `get ${key}`)));

  const changed = new Promise((resolve, reject) => {
    const stream = watch(client, { keys: [key] }, event => {
      if (event.type === 'ready') { // the watch is live: now a second client changes the key
        connect('use-db demo demo-token')
          .then(other => command(other, `set ${key} hello from another client`).then(() => other.close()))
          .catch(reject);
      } else {
        stream.cancel();
        resolve(event);
      }
    }, reject);
  });
  const e = await changed;
  console.log(`${e.type} ${e.key}: ${e.value}`);
  client.close();
}

main().catch(e => {
  console.error(e.message || e);
  process.exit(1);
});
