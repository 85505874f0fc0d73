// One client watches `name`, a second client changes it. Run from the repository root after the
// first session above (it creates the database demo); Maven's build has run `npm ci` in src/test/js:
//   node src/test/js/readme-example.js ws://localhost:3012
const NunDb = require('nun-db');

const url = process.argv[2] || 'ws://localhost:3012';
const pause = ms => new Promise(resolve => setTimeout(resolve, ms));

async function main() {
  const watcher = new NunDb(url, 'demo', 'demo-token');
  const changed = new Promise(resolve => watcher.watch('name', resolve));
  await watcher.get('name'); // answered after the watch: the watch is in place

  // A client is not shown its own writes, so a second client writes. Two clients made in the
  // same millisecond would share message ids: wait a moment between them.
  await pause(5);
  const writer = new NunDb(url, 'demo', 'demo-token');
  await writer.setValue('name', 'amanda');

  const e = await changed;
  console.log(`${e.name} changed to ${e.value}`);
  watcher.goOffline();
  writer.goOffline();
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
