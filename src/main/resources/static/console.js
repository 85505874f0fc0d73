// The web console: a plain ES module over the REST API (/api/v1) and its server-sent events.
// State lives in memory only; the token is sent as a Bearer header (and as ?token= for the event
// stream, which a browser cannot give headers).
const $ = (id) => document.getElementById(id);
const rows = new Map(); // key -> { version, value, tr }
let session = null; // { db, token }
let stream = null;

function api(path, options = {}) {
  // X-Requested-With: the server then challenges with Bearer only, so no browser password dialog.
  const headers = {
    Authorization: `Bearer ${session.token}`,
    'X-Requested-With': 'XMLHttpRequest',
    ...(options.headers || {}),
  };
  return fetch(`/api/v1/dbs/${encodeURIComponent(session.db)}${path}`, { ...options, headers });
}

async function problem(response) {
  try {
    const body = await response.json();
    return body.detail || body.title || response.statusText;
  } catch {
    return response.statusText;
  }
}

function say(text, kind = '') {
  $('status').textContent = text;
  $('status').className = kind;
}

/** NunDB's key patterns: p* prefix, *s suffix, anything else contains. */
function matches(key, pattern) {
  if (!pattern) return true;
  if (pattern.endsWith('*')) return key.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return key.endsWith(pattern.slice(1));
  return key.includes(pattern);
}

function applyFilter() {
  const pattern = $('filter').value.trim();
  for (const [key, row] of rows) row.tr.hidden = !matches(key, pattern);
}

function render(key, version, value, highlight) {
  let row = rows.get(key);
  if (!row) {
    const tr = document.createElement('tr');
    tr.dataset.key = key;
    const id = `value-${rows.size}`;
    tr.innerHTML = `<th scope="row" class="key"></th>
      <td class="value"><label class="visually-hidden" for="${id}"></label><input id="${id}"></td>
      <td class="version"></td>
      <td class="actions"><button type="button" class="save">Save</button>
        <button type="button" class="secondary remove">Remove</button></td>`;
    tr.querySelector('.key').textContent = key;
    tr.querySelector('label').textContent = `Value of ${key}`;
    tr.querySelector('.save').setAttribute('aria-label', `Save ${key}`);
    tr.querySelector('.remove').setAttribute('aria-label', `Remove ${key}`);
    tr.querySelector('.save').addEventListener('click', () => save(key));
    tr.querySelector('input').addEventListener('keydown', (e) => { if (e.key === 'Enter') save(key); });
    tr.querySelector('.remove').addEventListener('click', () => remove(key));
    row = { tr };
    rows.set(key, row);
    const sorted = [...rows.keys()].sort();
    const next = sorted[sorted.indexOf(key) + 1];
    $('rows').insertBefore(tr, next ? rows.get(next).tr : null);
  }
  const input = row.tr.querySelector('input');
  const editing = document.activeElement === input && input.value !== String(row.value ?? '');
  if (editing) {
    // Keep the version the edit started from: saving it then reports the conflict.
    row.tr.querySelector('.version').textContent = `${row.version} (now ${version} elsewhere)`;
  } else {
    row.version = version;
    row.value = value;
    row.tr.querySelector('.version').textContent = version;
    input.value = value ?? '';
  }
  if (highlight) {
    row.tr.classList.remove('changed');
    void row.tr.offsetWidth; // restart the animation
    row.tr.classList.add('changed');
  }
  row.tr.hidden = !matches(key, $('filter').value.trim());
}

function drop(key) {
  const row = rows.get(key);
  if (row) {
    row.tr.remove();
    rows.delete(key);
  }
}

async function load() {
  const response = await api('/keys');
  if (!response.ok) throw new Error(await problem(response));
  const { keys } = await response.json();
  for (const key of keys) {
    const r = await api(`/keys/${encodeURIComponent(key)}`);
    if (r.ok) {
      const v = await r.json();
      render(v.key, v.version, v.value, false);
    }
  }
}

/** Set-safe with the shown version: a concurrent change is reported, never overwritten. */
async function save(key) {
  const row = rows.get(key);
  const value = row.tr.querySelector('input').value;
  const response = await api(`/keys/${encodeURIComponent(key)}`, {
    method: 'PUT',
    headers: { 'If-Match': `"${row.version}"` },
    body: value,
  });
  if (response.status === 412) {
    const current = await (await api(`/keys/${encodeURIComponent(key)}`)).json();
    say(`Conflict on ${key}: it changed to version ${current.version} ("${current.value}") since version ` +
        `${row.version} was shown; your value was not saved.`, 'conflict');
    render(key, current.version, current.value, true);
    return;
  }
  if (!response.ok) {
    say(`Could not save ${key}: ${await problem(response)}`, 'error');
    return;
  }
  const saved = await response.json();
  render(saved.key, saved.version, saved.value, false);
  say(`Saved ${key} (version ${saved.version}).`);
}

async function remove(key) {
  const response = await api(`/keys/${encodeURIComponent(key)}`, { method: 'DELETE' });
  if (!response.ok) {
    say(`Could not remove ${key}: ${await problem(response)}`, 'error');
    return;
  }
  drop(key);
  say(`Removed ${key}.`);
}

async function add(event) {
  event.preventDefault();
  const key = $('add-key').value.trim();
  const response = await api(`/keys/${encodeURIComponent(key)}`, { method: 'PUT', body: $('add-value').value });
  if (!response.ok) {
    say(`Could not add ${key}: ${await problem(response)}`, 'error');
    return;
  }
  const saved = await response.json();
  render(saved.key, saved.version, saved.value, true);
  $('add').reset();
  say(`Added ${key}.`);
}

function watch() {
  const url = `/api/v1/dbs/${encodeURIComponent(session.db)}/watch?key=*&token=${encodeURIComponent(session.token)}`;
  stream = new EventSource(url);
  stream.addEventListener('open', () => ($('live').textContent = 'live'));
  stream.addEventListener('error', () => ($('live').textContent = 'reconnecting…'));
  const onValue = (e) => {
    const v = JSON.parse(e.data);
    if (v.value === null) drop(v.key);
    else render(v.key, v.version, v.value, true);
  };
  for (const type of ['change', 'resync']) stream.addEventListener(type, onValue);
  stream.addEventListener('remove', (e) => drop(JSON.parse(e.data).key));
}

async function login(event) {
  event.preventDefault();
  session = { db: $('login-db').value.trim(), token: $('login-token').value };
  $('login-error').textContent = '';
  try {
    await load();
  } catch (e) {
    $('login-error').textContent = `Could not open ${session.db}: ${e.message}`;
    return;
  }
  watch();
  $('login').hidden = true;
  $('admin-login').hidden = true;
  $('data').hidden = false;
  $('who').textContent = `database ${session.db}`;
  $('filter').focus();
}

// ---- the admin view: GET /api/v1/node, and metrics-state through NunDB's HTTP command door ----
let admin = null; // { user, pwd }

async function adminCommands(commands) {
  // POST / answers one piece per command, joined with ';' (a piece holds the command's first message).
  const response = await fetch('/', {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain' },
    body: [`auth ${admin.user} ${admin.pwd}`, ...commands].join('; '),
  });
  const pieces = (await response.text()).split(/\n;/).map((p) => p.replace(/\n$/, ''));
  if (pieces[0] !== 'valid auth') throw new Error(pieces[0] || 'invalid auth');
  return pieces.slice(1);
}

/** Table rows from values; each cell carries its column's name (shown before it on a phone's width). */
function tableRows(tbody, rows, empty) {
  const labels = [...tbody.closest('table').querySelectorAll('thead th')].map((th) => th.textContent);
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = labels.length;
    td.className = 'empty';
    td.textContent = empty;
    tr.append(td);
    tbody.replaceChildren(tr);
    return;
  }
  tbody.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement('tr');
    cells.forEach((text, i) => {
      const td = document.createElement('td');
      td.dataset.label = labels[i];
      td.textContent = String(text);
      tr.append(td);
    });
    return tr;
  }));
}

function showCluster(cluster) {
  if (!cluster) {
    $('cluster-summary').textContent = 'Not clustered: this node runs alone and is its own primary.';
    $('members-table').hidden = true;
    return;
  }
  $('cluster-summary').textContent = `This node ${cluster.self} is ${cluster.role} in term ${cluster.term}; ` +
    `primary ${cluster.primary ?? 'unknown'}; commit ${cluster.commitIndex}, applied ${cluster.appliedIndex}, ` +
    `last ${cluster.lastIndex}; ${cluster.ready ? 'ready' : 'not ready'} (ack ${cluster.ack}).`;
  $('members-table').hidden = false;
  tableRows($('members'), cluster.members.map((m) => [
    m.self ? `${m.id} (this node)` : m.id,
    m.role,
    m.connected ? 'connected' : 'disconnected',
    m.lagEntries ?? (m.self ? '—' : 'known on the primary'),
  ]), 'no members');
}

/** The node's state: GET /api/v1/node (databases, connections, watches, cluster) and metrics-state. */
async function adminRefresh() {
  const basic = `Basic ${btoa(`${admin.user}:${admin.pwd}`)}`;
  const response = await fetch('/api/v1/node', {
    headers: { Authorization: basic, 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!response.ok) throw new Error(await problem(response));
  const node = await response.json();
  $('db-count').textContent = `(${node.dbs.length})`;
  tableRows($('dbs'), node.dbs.map((db) => [db.name, db.strategy]), 'no databases yet');
  tableRows($('connections'), Object.entries(node.connections), 'none');
  $('watch-count').textContent = `(${node.watchCount})`;
  tableRows($('watches'), node.watches.map((w) => [w.db, w.key, w.watchers]), 'no key is watched');
  showCluster(node.cluster);
  const [metrics] = await adminCommands(['metrics-state']);
  $('metrics').textContent = metrics;
  $('admin-updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
  $('admin-status').textContent = '';
}

/** Live refresh: every 3 s while the box is ticked and the page is visible. */
let adminTimer = null;
function adminPoll() {
  clearInterval(adminTimer);
  adminTimer = null;
  if (!$('admin-auto').checked) return;
  adminTimer = setInterval(() => {
    if (document.visibilityState === 'visible') {
      adminRefresh().catch((e) => ($('admin-status').textContent = `Could not refresh: ${e.message}`));
    }
  }, 3000);
}

async function adminLogin(event) {
  event.preventDefault();
  admin = { user: $('admin-user').value.trim(), pwd: $('admin-pwd').value };
  $('admin-error').textContent = '';
  try {
    await adminRefresh();
  } catch (e) {
    $('admin-error').textContent = `Could not log in: ${e.message}`;
    return;
  }
  $('login').hidden = true;
  $('admin-login').hidden = true;
  $('admin').hidden = false;
  $('who').textContent = `admin ${admin.user}`;
  $('admin-refresh').focus();
  adminPoll();
}

$('admin-login').addEventListener('submit', adminLogin);
$('admin-refresh').addEventListener('click', () => adminRefresh().catch((e) => ($('admin-status').textContent = e.message)));
$('admin-auto').addEventListener('change', adminPoll);
$('login').addEventListener('submit', login);
$('add').addEventListener('submit', add);
$('filter').addEventListener('input', applyFilter);
