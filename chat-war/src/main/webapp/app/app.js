// GoChat browser client: no build step, no framework.
// The auth token never reaches this script: the server keeps it in an HttpOnly cookie, fetches send it
// (credentials 'same-origin') and the WebSocket handshake carries it like any same-origin request.
// All user content goes into the page through textContent, never as markup.

import { applyChange, decorateAround, placeFor, renderMessage } from './messages.js';
import { initTimeline, loadFollowing, resetTimeline, showTimeline } from './timeline.js';

const PAGE_SIZE = 50;
const RECONNECT_CODES = new Set([1001, 1006, 1011, 1012, 1013]);
const MAX_BACKOFF_MS = 8000;
const UNREACHABLE = 'The server cannot be reached.';

const $ = (id) => document.getElementById(id);

let me = null;                // {id, username} of the signed-in user
let room = null;              // the open room, see openRoom
let pageLoad = null;          // the current page's load, see loadPage
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
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, { detail: UNREACHABLE });  // offline, refused, reset
  }
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

/** Shows one page: 'auth-view', 'timeline-view' or 'chat' (the room list beside the open room). */
function show(view) {
  for (const id of ['auth-view', 'chat', 'timeline-view']) $(id).hidden = id !== view;
}

/** No answer, or a gateway's "try later": worth trying again, unlike a 4xx. */
const unreachable = (error) => error.status === 0 || [502, 503, 504].includes(error.status);

/** What every failed call does: a lost session signs out, anything else is shown. */
export function fail(error) {
  if (error.status === 401) signedOut('Your session has ended. Please log in again.');
  else notify(error instanceof ApiError ? error.message : UNREACHABLE, true);
}

const backoff = (attempt) => Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);

// ---- Lost connection: a banner says what is retried and when, until it is back ---------------------

const outages = new Map();  // 'page' (a page's load) | 'socket' (the room's connection) -> {at, retry}
let countdown = 0;

function outage(what, delay, retry) {
  outages.set(what, { at: Date.now() + delay, retry });
  showOutages();
}

function recovered(what) {
  if (outages.delete(what)) showOutages();
}

function showOutages() {
  clearInterval(countdown);
  $('offline').hidden = outages.size === 0;
  if (!outages.size) return;
  const next = [...outages.values()].reduce((a, b) => (b.at < a.at ? b : a));
  const tick = () => {
    const seconds = Math.ceil((next.at - Date.now()) / 1000);
    $('offline-text').textContent = seconds > 0 ? `Retrying in ${seconds} s…` : 'Retrying…';
  };
  tick();
  countdown = setInterval(tick, 250);
  $('retry-now').onclick = () => next.retry();
}

/**
 * Loads the data of the page just shown: while the server cannot be reached the load is retried with
 * back-off (the page stays where the user went), other errors go to onError. A newer page's load
 * replaces it.
 */
function loadPage(load, onError = fail) {
  clearTimeout(pageLoad?.timer);
  const p = pageLoad = { attempt: 0, timer: 0, running: false };
  const run = async () => {
    clearTimeout(p.timer);
    if (p.running) return;  // "Retry now" while a try is under way
    p.running = true;
    try {
      await load();
      if (pageLoad !== p) return;
      recovered('page');
      if ($('notice').textContent === UNREACHABLE) notify('');
    } catch (error) {
      if (pageLoad !== p) return;
      if (!unreachable(error)) {
        recovered('page');  // the server answered
        return onError(error);
      }
      const delay = backoff(p.attempt++);
      p.timer = setTimeout(run, delay);
      outage('page', delay, run);
    } finally {
      p.running = false;
    }
  };
  run();
}

function stopPageLoad() {
  clearTimeout(pageLoad?.timer);
  pageLoad = null;
  recovered('page');
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
  stopPageLoad();
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
    notify(error.message, true);
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
  const match = location.hash.match(/^#room\/(.+)$/);
  const page = location.hash === '#timeline' ? 'timeline' : 'rooms';
  for (const link of document.querySelectorAll('nav a')) {
    if (link.dataset.page === page) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (page === 'timeline') {
    closeRoom();
    show('timeline-view');
    loadPage(() => showTimeline(me));
    return;
  }
  const id = match ? decodeURIComponent(match[1]) : null;
  if (room?.id !== id) {
    closeRoom();
    if (id) openRoom(id);
  }
  // On a phone's width only one of the two panes shows: the open room, or the list.
  $('chat').dataset.pane = id ? 'room' : 'list';
  $('room-view').hidden = !id;
  $('no-room').hidden = Boolean(id);
  show('chat');
  const r = room;
  loadPage(async () => {
    await listRooms();
    if (r && room === r && !r.loaded) await loadRoom(r);
  }, (error) => (r && room === r ? leaveAfter(error) : fail(error)));
}

/** Fetches the rooms, remembers their names and shows them in the sidebar. */
async function listRooms() {
  const rooms = await api('GET', '/chat/ws/getRooms');
  rooms.forEach((r) => roomNames.set(r.id, r.name));
  renderRoomList(rooms);
  return rooms;
}

/** The sidebar: one entry per room, the open one marked. */
function renderRoomList(rooms) {
  const items = rooms.map((r) => {
    const link = el('a', null, r.name);
    link.href = `#room/${encodeURIComponent(r.id)}`;
    link.dataset.room = r.id;
    const li = el('li');
    li.append(link, ' ', el('span', 'clients', `${r.clients} online`));
    return li;
  });
  $('rooms').replaceChildren(...(items.length ? items : [el('li', 'empty', 'No rooms yet. Create one.')]));
  markOpenRoom();
}

function markOpenRoom() {
  for (const link of $('rooms').querySelectorAll('a')) {
    if (link.dataset.room === room?.id) {
      link.setAttribute('aria-current', 'page');
      link.scrollIntoView({ block: 'nearest' });
    } else {
      link.removeAttribute('aria-current');
    }
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

/** Shows the room at once; route() then loads its history (loadRoom) and connects. */
function openRoom(id) {
  // lastSeq: the highest seq shown, where a resumed connection continues (since=lastSeq).
  room = { id, socket: null, lastSeq: 0, oldestSeq: 0, seen: new Set(), attempt: 0, timer: 0, loaded: false };
  $('room-title').textContent = roomNames.get(id) ?? '';
  $('messages').replaceChildren();
  $('load-older').hidden = true;
  setConnection('connecting', 'Loading…');
  markOpenRoom();
  notify('');
}

async function loadRoom(r) {
  const latest = await api('GET', historyPath(r.id));
  if (room !== r) return;
  r.loaded = true;
  $('room-title').textContent = roomNames.get(r.id) ?? r.id;
  latest.forEach((m) => addMessage(m));
  $('load-older').hidden = latest.length < PAGE_SIZE;
  scrollToEnd();
  setConnection('connecting', 'Connecting…');
  connect(r);
}

function closeRoom() {
  if (!room) return;
  const { socket, timer } = room;
  room = null;  // handlers of the old room see room !== theirs and do nothing
  clearTimeout(timer);
  socket?.close(1000);
  recovered('socket');
  markOpenRoom();
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
    recovered('socket');
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
    case 'edit': case 'delete': addMessage(event, true); break;
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
  recovered('socket');
  setConnection('closed', 'Disconnected');
  notify(reasons[event.code] ?? `Connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''}).`,
    event.code !== 1000);
}

function scheduleReconnect(r) {
  const delay = backoff(r.attempt++);
  setConnection('connecting', 'Reconnecting…');
  r.timer = setTimeout(() => resume(r), delay);
  outage('socket', delay, () => resume(r));
}

/** A refused handshake only shows as 1006: ask over HTTP first whether the session and room still exist. */
async function resume(r) {
  clearTimeout(r.timer);
  try {
    await api('GET', `/chat/ws/getClients/${encodeURIComponent(r.id)}`);
    if (room === r && !r.socket) connect(r);
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
    older.forEach((m) => addMessage(m));
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

/**
 * Every stored event of the stream (message, edit, delete) counts for since= and before=; a message is
 * shown, a live edit or delete changes the message it targets.
 */
function addMessage(m, live = false) {
  const r = room;
  if (r.seen.has(m.seq)) return;
  r.seen.add(m.seq);
  r.lastSeq = Math.max(r.lastSeq, m.seq);
  r.oldestSeq = r.oldestSeq ? Math.min(r.oldestSeq, m.seq) : m.seq;
  if (m.type === 'edit' || m.type === 'delete') {
    if (live) applyChange($('messages'), m);
    return;
  }
  insertKeepingScroll(renderMessage(me, m), placeFor($('messages'), m.seq));
}

function addNote(text) {
  insertKeepingScroll(el('li', 'note', text), null);
}

function insertKeepingScroll(item, before) {
  const list = $('messages');
  const atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.insertBefore(item, before);
  if (item.dataset.seq) decorateAround(item);  // its day separator and group, and those of the next one
  if (atEnd && !before) scrollToEnd();
}

function scrollToEnd() {
  $('messages').scrollTop = $('messages').scrollHeight;
}

// ---- Start -----------------------------------------------------------------------------------------

$('login-form').addEventListener('submit', (e) => authenticate(e, '/auth/login'));
$('register-form').addEventListener('submit', (e) => authenticate(e, '/auth/register'));
$('logout').addEventListener('click', logout);
$('refresh-rooms').addEventListener('click', () => listRooms().catch(fail));
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
  if (error.status !== 401) notify(error.message, true);
}
