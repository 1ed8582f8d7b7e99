// GoChat browser client: no build step, no framework.
// The auth token never reaches this script: the server keeps it in an HttpOnly cookie, fetches send it
// (credentials 'same-origin') and the WebSocket handshake carries it like any same-origin request.
// All user content goes into the page through textContent, never as markup.

import { followButton, initTimeline, loadFollowing, resetTimeline, showTimeline } from './timeline.js';

const PAGE_SIZE = 50;
const RECONNECT_CODES = new Set([1001, 1006, 1011, 1012, 1013]);
const MAX_BACKOFF_MS = 8000;

const $ = (id) => document.getElementById(id);

let me = null;                // {id, username} of the signed-in user
let room = null;              // the open room, see openRoom
const roomNames = new Map();  // room id -> name, from the last listing

class ApiError extends Error {
  constructor(status, problem) {
    const fields = (problem?.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; ');
    super(fields || problem?.detail || problem?.title || `Request failed (${status})`);
    this.status = status;
  }
}

export async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const json = response.headers.get('Content-Type')?.includes('json') ? await response.json() : null;
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function notify(text, isError = false) {
  $('notice').textContent = text;
  $('notice').classList.toggle('error', isError);
}

function show(view) {
  for (const id of ['auth-view', 'rooms-view', 'room-view', 'timeline-view']) $(id).hidden = id !== view;
}

/** What every failed call does: a lost session signs out, anything else is shown. */
export function fail(error) {
  if (error.status === 401) signedOut('Your session has ended. Please log in again.');
  else notify(error instanceof ApiError ? error.message : 'The server cannot be reached.', true);
}

// ---- Session -------------------------------------------------------------------------------------

function signedIn(user) {
  me = user;
  $('me').textContent = me.username;
  $('session').hidden = false;
  loadFollowing(me);
  route();
}

function signedOut(message) {
  closeRoom();
  resetTimeline();
  me = null;
  $('session').hidden = true;
  history.replaceState(null, '', location.pathname);
  show('auth-view');
  notify(message);
}

async function authenticate(event, path) {
  event.preventDefault();
  const form = event.target;
  try {
    // The response also holds the token; only the user is kept, the cookie does the rest.
    const { user } = await api('POST', path, Object.fromEntries(new FormData(form)));
    form.reset();
    notify('');
    signedIn(user);
  } catch (error) {
    notify(error instanceof ApiError ? error.message : 'The server cannot be reached.', true);
  }
}

async function logout() {
  try {
    await api('POST', '/auth/logout');
  } catch (error) {
    if (error.status !== 401) return fail(error);
  }
  signedOut('Signed out.');
}

// ---- Navigation: #rooms, #room/<id> or #timeline ------------------------------------------------

function route() {
  if (!me) return;
  if (location.hash === '#timeline') {
    closeRoom();
    show('timeline-view');
    showTimeline(me);
    return;
  }
  const match = location.hash.match(/^#room\/(.+)$/);
  if (match) {
    const id = decodeURIComponent(match[1]);
    if (room?.id !== id) openRoom(id);
  } else {
    closeRoom();
    showRooms();
  }
}

async function listRooms() {
  const rooms = await api('GET', '/chat/ws/getRooms');
  rooms.forEach((r) => roomNames.set(r.id, r.name));
  return rooms;
}

async function showRooms() {
  show('rooms-view');
  try {
    const rooms = await listRooms();
    const items = rooms.map((r) => {
      const link = el('a', null, r.name);
      link.href = `#room/${encodeURIComponent(r.id)}`;
      const li = el('li');
      li.append(link, ' ', el('span', 'clients', `${r.clients} online`));
      return li;
    });
    $('rooms').replaceChildren(...(items.length ? items : [el('li', 'empty', 'No rooms yet. Create one.')]));
  } catch (error) {
    fail(error);
  }
}

async function createRoom(event) {
  event.preventDefault();
  const form = event.target;
  try {
    const created = await api('POST', '/chat/ws/createRoom', { name: form.elements.name.value.trim() });
    roomNames.set(created.id, created.name);
    form.reset();
    location.hash = `#room/${encodeURIComponent(created.id)}`;
  } catch (error) {
    fail(error);
  }
}

// ---- A room: history, live events, resume ------------------------------------------------------------

const historyPath = (id, before) =>
  `/chat/ws/rooms/${encodeURIComponent(id)}/messages?limit=${PAGE_SIZE}${before ? `&before=${before}` : ''}`;

async function openRoom(id) {
  closeRoom();
  // lastSeq: the highest seq shown, where a resumed connection continues (since=lastSeq).
  const r = room = { id, socket: null, lastSeq: 0, oldestSeq: 0, seen: new Set(), attempt: 0, timer: 0 };
  $('room-title').textContent = roomNames.get(id) ?? '';
  $('messages').replaceChildren();
  $('load-older').hidden = true;
  setConnection('connecting', 'Connecting…');
  show('room-view');
  notify('');
  try {
    if (!roomNames.has(id)) await listRooms();  // opened from a link or a reload
    const latest = await api('GET', historyPath(id));
    if (room !== r) return;
    $('room-title').textContent = roomNames.get(id) ?? id;
    latest.forEach(addMessage);
    $('load-older').hidden = latest.length < PAGE_SIZE;
    scrollToEnd();
    connect(r);
  } catch (error) {
    if (room === r) leaveAfter(error);
  }
}

function closeRoom() {
  if (!room) return;
  const { socket, timer } = room;
  room = null;  // handlers of the old room see room !== theirs and do nothing
  clearTimeout(timer);
  socket?.close(1000);
}

function leaveAfter(error) {
  if (error.status === 404) notify('That room does not exist (any more).', true);
  else fail(error);
  if (me) location.hash = '#rooms';
}

function connect(r) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(
    `${scheme}//${location.host}/chat/ws/joinRoom/${encodeURIComponent(r.id)}?since=${r.lastSeq}`);
  r.socket = socket;
  socket.onopen = () => {
    r.attempt = 0;
    setConnection('open', 'Connected');
  };
  socket.onmessage = (event) => {
    if (room === r) onEvent(JSON.parse(event.data));
  };
  socket.onclose = (event) => {
    if (room !== r || r.socket !== socket) return;  // closed on purpose
    r.socket = null;
    onClose(r, event);
  };
}

function onEvent(event) {
  switch (event.type) {
    case 'message': addMessage(event); break;
    case 'join': addNote(`${event.username} joined`); break;
    case 'leave': addNote(`${event.username} left`); break;
    case 'error': notify(`Not sent: ${event.detail || event.code}`, true); break;
  }
}

function onClose(r, event) {
  if (event.code === 1008) return signedOut('You were signed out.');
  if (RECONNECT_CODES.has(event.code)) return scheduleReconnect(r);
  const reasons = {
    1003: 'The server accepts text messages only.',
    1009: 'That message was too large; the connection was closed.',
    4404: 'This room was deleted.',
  };
  setConnection('closed', 'Disconnected');
  notify(reasons[event.code] ?? `Connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''}).`,
    event.code !== 1000);
}

function scheduleReconnect(r) {
  const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** r.attempt++) * (0.5 + Math.random() / 2);
  setConnection('connecting', 'Reconnecting…');
  r.timer = setTimeout(() => resume(r), delay);
}

/** A refused handshake only shows as 1006: ask over HTTP first whether the session and room still exist. */
async function resume(r) {
  try {
    await api('GET', `/chat/ws/getClients/${encodeURIComponent(r.id)}`);
    if (room === r) connect(r);
  } catch (error) {
    if (room !== r) return;
    if (error.status === 401 || error.status === 404) leaveAfter(error);
    else scheduleReconnect(r);
  }
}

function setConnection(state, text) {
  $('connection').dataset.state = state;
  $('connection').textContent = text;
  $('send').disabled = state !== 'open';
}

async function loadOlder() {
  const r = room;
  try {
    const older = await api('GET', historyPath(r.id, r.oldestSeq));
    if (room !== r) return;
    const list = $('messages');
    const fromBottom = list.scrollHeight - list.scrollTop;
    older.forEach(addMessage);
    list.scrollTop = list.scrollHeight - fromBottom;  // keep what the reader was looking at in place
    $('load-older').hidden = older.length < PAGE_SIZE;
  } catch (error) {
    fail(error);
  }
}

function send(event) {
  event.preventDefault();
  const input = $('message-input');
  const content = input.value.trim();
  if (!content || room?.socket?.readyState !== WebSocket.OPEN) return;
  room.socket.send(JSON.stringify({ content }));
  input.value = '';
  input.focus();
}

// ---- Rendering: each seq once, always in seq order --------------------------------------------------

function addMessage(m) {
  const r = room;
  if (r.seen.has(m.seq)) return;
  r.seen.add(m.seq);
  r.lastSeq = Math.max(r.lastSeq, m.seq);
  r.oldestSeq = r.oldestSeq ? Math.min(r.oldestSeq, m.seq) : m.seq;

  const item = el('li', m.userId === me.id ? 'message mine' : 'message');
  item.dataset.seq = m.seq;
  const time = el('time', null, new Date(m.sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  time.dateTime = m.sentAt;
  item.append(el('span', 'author', m.username), ' ', time);
  if (m.userId !== me.id) item.append(' ', followButton(me, { id: m.userId, username: m.username }));
  item.append(el('p', 'content', m.content));

  // Before the first message with a greater seq, searching from the end where new ones land.
  const list = $('messages');
  let next = null;
  for (let node = list.lastElementChild; node; node = node.previousElementSibling) {
    if (!node.dataset.seq) continue;
    if (Number(node.dataset.seq) < m.seq) break;
    next = node;
  }
  insertKeepingScroll(item, next);
}

function addNote(text) {
  insertKeepingScroll(el('li', 'note', text), null);
}

function insertKeepingScroll(item, before) {
  const list = $('messages');
  const atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.insertBefore(item, before);
  if (atEnd && !before) scrollToEnd();
}

function scrollToEnd() {
  $('messages').scrollTop = $('messages').scrollHeight;
}

// ---- Start -----------------------------------------------------------------------------------------

$('login-form').addEventListener('submit', (e) => authenticate(e, '/auth/login'));
$('register-form').addEventListener('submit', (e) => authenticate(e, '/auth/register'));
$('logout').addEventListener('click', logout);
$('refresh-rooms').addEventListener('click', showRooms);
$('create-room-form').addEventListener('submit', createRoom);
$('leave-room').addEventListener('click', () => { location.hash = '#rooms'; });
$('load-older').addEventListener('click', loadOlder);
$('send-form').addEventListener('submit', send);
window.addEventListener('hashchange', route);
initTimeline(() => me);

try {
  signedIn(await api('GET', '/user/me'));
} catch (error) {
  show('auth-view');
  if (error.status !== 401) fail(error);
}
