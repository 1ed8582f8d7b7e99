// GoChat browser client: no build step, no framework.
// The auth token never reaches this script: the server keeps it in an HttpOnly cookie, fetches send it
// (credentials 'same-origin') and the WebSocket handshake carries it like any same-origin request.
// All user content goes into the page through textContent, never as markup.

import { applyChange, decorateAround, placeFor, renderMessage } from './messages.js';
import { initTimeline, loadFollowing, resetTimeline, showTimeline } from './timeline.js';
import {
  forgetRoom, lastSeqOf, loadSidebar, markOpen, readSeqOf, rememberRoom, roleIn, roomLabel, startUserSocket, stopUserSocket,
  visibilityOf,
} from './sidebar.js';
import { closeMembers, initMembers, memberChanged } from './members.js';
import { initSearch, searchIn } from './search.js';

const PAGE_SIZE = 50;
const TYPING_EVERY_MS = 3000;   // the server forwards one typing frame per user per room every 3 s
const TYPING_SHOWN_MS = 5000;   // "X is typing…" stays this long after their last frame
const READ_DELAY_MS = 300;      // read markers: one request for what was seen within this time
const CATCH_UP_MAX = 200;       // after a jump, at most this many newer events come by since=; more are paged
const RECONNECT_CODES = new Set([1001, 1006, 1011, 1012, 1013]);
const MAX_BACKOFF_MS = 8000;
const UNREACHABLE = 'The server cannot be reached.';

const $ = (id) => document.getElementById(id);

let me = null;                // {id, username} of the signed-in user
let room = null;              // the open room, see openRoom
let pageLoad = null;          // the current page's load, see loadPage

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

/**
 * A button that asks before it acts: {@code label}, then {@code question} with Delete and Cancel in its
 * place; {@code onYes} runs on the second click.
 */
export function askFirst(className, label, question, onYes) {
  const ask = el('button', `${className} secondary`, label);
  ask.type = 'button';
  const confirm = el('span', 'confirm-delete');
  const yes = el('button', 'really-delete', 'Delete');
  const no = el('button', 'cancel-delete secondary', 'Cancel');
  yes.type = no.type = 'button';
  confirm.append(el('span', null, question), yes, ' ', no);
  confirm.hidden = true;
  const asking = (on) => {
    confirm.hidden = !on;
    ask.hidden = on;
    (on ? no : ask).focus();
  };
  ask.addEventListener('click', () => asking(true));
  no.addEventListener('click', () => asking(false));
  yes.addEventListener('click', async () => {
    try {
      await onYes();
    } catch (error) {
      fail(error);
    }
  });
  const both = el('span', 'ask-first');
  both.append(ask, confirm);
  return both;
}

export function notify(text, isError = false) {
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
  startUserSocket(me, () => signedOut('You were signed out.'));
  route();
}

function signedOut(message) {
  closeRoom();
  stopPageLoad();
  stopUserSocket();
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

// ---- Navigation: #rooms, #room/<id>, #room/<id>/<seq> (a message in its room) or #timeline -------

function route() {
  if (!me) return;
  const match = location.hash.match(/^#room\/([^/]+)(?:\/(\d+))?$/);
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
  const target = match?.[2] ? Number(match[2]) : 0;
  // A message of the open room is shown where it is if it is loaded; otherwise the room opens around it.
  if (room?.id !== id || (target && !(room.loaded && highlight(target)))) {
    closeRoom();
    if (id) openRoom(id, target);
  }
  // On a phone's width only one of the two panes shows: the open room, or the list.
  $('chat').dataset.pane = id ? 'room' : 'list';
  $('room-view').hidden = !id;
  $('no-room').hidden = Boolean(id);
  show('chat');
  const r = room;
  loadPage(async () => {
    await loadSidebar(me);
    if (r && room === r && !r.loaded) await loadRoom(r);
  }, (error) => (r && room === r ? leaveAfter(error) : fail(error)));
}

async function createRoom(event) {
  event.preventDefault();
  const form = event.target;
  try {
    const created = await api('POST', '/chat/ws/createRoom',
      { name: form.elements.name.value.trim(), visibility: form.elements.visibility.value });
    rememberRoom(created, 'owner');
    form.reset();
    location.hash = `#room/${encodeURIComponent(created.id)}`;
  } catch (error) {
    fail(error);
  }
}

/** The direct conversation with a user (created on the first ask), opened. */
export async function startDirect(user) {
  try {
    const direct = await api('POST', `/chat/ws/direct/${encodeURIComponent(user.id)}`);
    rememberRoom(direct, 'member');
    location.hash = `#room/${encodeURIComponent(direct.id)}`;
  } catch (error) {
    fail(error);
  }
}

// ---- A room: history, live events, resume ------------------------------------------------------------

export const roomPath = (id) => `/chat/ws/rooms/${encodeURIComponent(id)}`;
const historyPath = (id, before) => `${roomPath(id)}/messages?limit=${PAGE_SIZE}${before ? `&before=${before}` : ''}`;

/** The open room's id, null when none is open. */
export const openRoomId = () => room?.id ?? null;

/**
 * Shows the room at once; route() then loads its history (loadRoom) and connects. With a target seq
 * the history around that message is loaded and the message highlighted.
 */
function openRoom(id, target = 0) {
  // lastSeq: the highest seq shown, where a resumed connection continues (since=lastSeq).
  // pinned: the reader is looking at an older message; new ones do not scroll the list to the end.
  room = {
    id, socket: null, lastSeq: 0, oldestSeq: 0, seen: new Set(), attempt: 0, timer: 0, loaded: false,
    target, pinned: Boolean(target), readSent: 0, readTimer: 0, typingSentAt: 0, typers: new Map(), leaving: false,
  };
  $('room-title').textContent = roomLabel(id) ?? '';
  $('messages').replaceChildren();
  $('typing').textContent = '';
  $('load-older').hidden = true;
  $('behind').hidden = true;
  $('jump-latest').href = `#room/${encodeURIComponent(id)}`;
  setConnection('connecting', 'Loading…');
  markOpen(id);
  searchIn(id);
  showRole(id);
  notify('');
}

async function loadRoom(r) {
  // Around a target: the page that ends half a page after it.
  const page = await api('GET', historyPath(r.id, r.target ? r.target + PAGE_SIZE / 2 : 0));
  if (room !== r) return;
  r.loaded = true;
  $('room-title').textContent = roomLabel(r.id) ?? r.id;
  showRole(r.id);
  page.forEach((m) => addMessage(m));
  $('load-older').hidden = page.length < PAGE_SIZE;
  if (!r.target || !highlight(r.target)) scrollToEnd();
  catchUp(r);
}

/**
 * Connects from the last seq shown, unless that is far behind the room's end (after a jump to an old
 * message): then the newer messages come page by page ("Load newer messages") until it is not.
 */
function catchUp(r, atTheEnd = false) {
  const behind = Boolean(r.target) && !atTheEnd && lastSeqOf(r.id) - r.lastSeq > CATCH_UP_MAX;
  $('behind').hidden = !behind;
  if (behind) return setConnection('behind', 'Older messages');
  // Caught up: the address names the room again, so that a reload shows its latest messages.
  if (r.target) history.replaceState(null, '', `#room/${encodeURIComponent(r.id)}`);
  setConnection('connecting', 'Connecting…');
  connect(r);
}

async function loadNewer() {
  const r = room;
  try {
    // The page that ends PAGE_SIZE after the last seq shown: the next PAGE_SIZE events of the stream.
    const newer = await api('GET', historyPath(r.id, r.lastSeq + PAGE_SIZE + 1));
    if (room !== r) return;
    newer.forEach((m) => addMessage(m));
    catchUp(r, newer.length < PAGE_SIZE);
  } catch (error) {
    fail(error);
  }
}

/** Marks the message with this seq and scrolls it into view; false when it is not shown. */
function highlight(seq) {
  const item = $('messages').querySelector(`.message[data-seq="${Number(seq)}"]`);
  if (!item) return false;
  for (const old of $('messages').querySelectorAll('.message.highlight')) old.classList.remove('highlight');
  item.classList.add('highlight');
  room.pinned = true;
  const list = $('messages');
  list.scrollTop += item.getBoundingClientRect().top - list.getBoundingClientRect().top - list.clientHeight / 3;
  return true;
}

/** Who may delete others' messages in the open room, its owner and moderators (CSS shows their buttons), and its kind. */
function showRole(id) {
  if (room?.id !== id) return;
  const role = roleIn(id);
  $('messages').dataset.moderator = String(role === 'owner' || role === 'moderator');
  $('messages').dataset.visibility = visibilityOf(id) ?? '';
}

function closeRoom() {
  if (!room) return;
  const r = room;
  const { socket, timer, readTimer, typers } = r;
  if (readTimer) sendRead(r);  // seen just now, before its list goes
  room = null;  // handlers of the old room see room !== theirs and do nothing
  clearTimeout(timer);
  typers.forEach((t) => clearTimeout(t.timer));
  socket?.close(1000);
  recovered('socket');
  markOpen(null);
  searchIn(null);
  closeMembers();
}

/** Before leaving or deleting the open room: its socket's close (4403, 4404) is then expected. */
export function leavingRoom(id) {
  if (room?.id === id) room.leaving = true;
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
    markSeen();
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
    case 'message': stopTyping(room, event.userId); addMessage(event); break;
    case 'edit': case 'delete': addMessage(event, true); break;
    case 'join': addNote(`${event.username} joined`); break;
    case 'leave': addNote(`${event.username} left`); break;
    case 'member': onMember(event); break;
    case 'typing': if (event.userId !== me.id) showTyping(room, event); break;
    case 'error': notify(`Not sent: ${event.detail || event.code}`, true); break;
  }
}

const MEMBER_NOTES = {
  added: (e) => `${e.username} is now a member`,
  removed: (e) => `${e.username} was removed`,
  banned: (e) => `${e.username} was banned`,
  role: (e) => `${e.username} is now a ${e.role}`,
};

function onMember(event) {
  // Joining a public room makes one a member; its "joined" says so already.
  const quiet = event.action === 'added' && $('messages').dataset.visibility === 'public';
  if (!quiet && MEMBER_NOTES[event.action]) addNote(MEMBER_NOTES[event.action](event));
  const r = room;
  memberChanged(r.id);
  if (event.userId === me.id) loadSidebar(me).then(() => showRole(r.id)).catch(fail);
}

function onClose(r, event) {
  if (event.code === 1008) return signedOut('You were signed out.');
  if (RECONNECT_CODES.has(event.code)) return scheduleReconnect(r);
  if (event.code === 4403 || event.code === 4404) {
    // Removed (or left), or the room is gone: it leaves the sidebar and the page goes back to the list.
    forgetRoom(r.id);
    recovered('socket');
    location.hash = '#rooms';
    if (!r.leaving) notify(event.code === 4403 ? 'You were removed from this room.' : 'This room was deleted.', true);
    return;
  }
  const reasons = {
    1003: 'The server accepts text messages only.',
    1009: 'That message was too large; the connection was closed.',
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
  room.pinned = false;  // one's own message brings the list to its end
  input.value = '';
  input.focus();
}

// ---- Typing: sent while the user types (one frame per 3 s), shown under the list -------------------

function typed() {
  const r = room;
  if (r?.socket?.readyState !== WebSocket.OPEN || !$('message-input').value.trim()) return;
  if (Date.now() - r.typingSentAt < TYPING_EVERY_MS) return;
  r.typingSentAt = Date.now();
  r.socket.send(JSON.stringify({ type: 'typing' }));
}

function showTyping(r, event) {
  clearTimeout(r.typers.get(event.userId)?.timer);
  const timer = setTimeout(() => stopTyping(r, event.userId), TYPING_SHOWN_MS);
  r.typers.set(event.userId, { username: event.username, timer });
  showTypers(r);
}

function stopTyping(r, userId) {
  const typer = r.typers.get(userId);
  if (!typer) return;
  clearTimeout(typer.timer);
  r.typers.delete(userId);
  showTypers(r);
}

function showTypers(r) {
  if (room !== r) return;
  const names = [...r.typers.values()].map((t) => t.username);
  $('typing').textContent = names.length === 0 ? ''
    : names.length === 1 ? `${names[0]} is typing…`
      : names.length === 2 ? `${names[0]} and ${names[1]} are typing…` : 'Several people are typing…';
}

// ---- Read markers: move as the user sees messages of the open room ---------------------------------

/** The highest seq the reader has seen: all of it at the end of the list, else the last message in view. */
function seenUpTo(r) {
  const list = $('messages');
  if (atEnd(list)) return r.lastSeq;
  const bottom = list.getBoundingClientRect().bottom;
  const items = list.querySelectorAll('.message');
  for (let i = items.length - 1; i >= 0; i--) {
    if (items[i].getBoundingClientRect().bottom <= bottom + 1) return Number(items[i].dataset.seq);
  }
  return 0;
}

function markSeen() {
  const r = room;
  // Once the socket is open the user is a member (joining a public room makes one).
  if (!r?.loaded || r.readTimer || r.socket?.readyState !== WebSocket.OPEN || document.visibilityState !== 'visible') return;
  if (seenUpTo(r) <= Math.max(r.readSent, readSeqOf(r.id))) return;
  r.readTimer = setTimeout(() => sendRead(r), READ_DELAY_MS);
}

/** Moves the read marker to what is seen now; also when the room closes, so nothing seen is lost. */
async function sendRead(r) {
  clearTimeout(r.readTimer);
  r.readTimer = 0;
  const upTo = seenUpTo(r);
  if (upTo <= r.readSent) return;
  r.readSent = upTo;
  try {
    await api('PUT', `${roomPath(r.id)}/read`, { seq: upTo });
  } catch (error) {
    if (room === r && error.status !== 403 && error.status !== 404) fail(error);
  }
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

const atEnd = (list) => list.scrollHeight - list.scrollTop - list.clientHeight < 40;

function insertKeepingScroll(item, before) {
  const list = $('messages');
  const wasAtEnd = atEnd(list);
  list.insertBefore(item, before);
  if (item.dataset.seq) decorateAround(item);  // its day separator and group, and those of the next one
  if (wasAtEnd && !before && !room.pinned) scrollToEnd();
  markSeen();
}

function scrollToEnd() {
  $('messages').scrollTop = $('messages').scrollHeight;
}

// ---- Start -----------------------------------------------------------------------------------------

$('login-form').addEventListener('submit', (e) => authenticate(e, '/auth/login'));
$('register-form').addEventListener('submit', (e) => authenticate(e, '/auth/register'));
$('logout').addEventListener('click', logout);
$('refresh-rooms').addEventListener('click', () => loadSidebar(me).catch(fail));
$('create-room-form').addEventListener('submit', createRoom);
$('leave-room').addEventListener('click', () => { location.hash = '#rooms'; });
$('load-older').addEventListener('click', loadOlder);
$('load-newer').addEventListener('click', loadNewer);
$('send-form').addEventListener('submit', send);
$('message-input').addEventListener('input', typed);
$('messages').addEventListener('scroll', () => {
  if (room && atEnd($('messages'))) room.pinned = false;
  markSeen();
}, { passive: true });
document.addEventListener('visibilitychange', markSeen);
window.addEventListener('hashchange', route);
initTimeline(() => me);
initMembers(() => me);
initSearch();

try {
  signedIn(await api('GET', '/user/me'));
} catch (error) {
  show('auth-view');
  if (error.status !== 401) notify(error.message, true);
}
