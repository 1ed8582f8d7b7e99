// The sidebar: the user's rooms as the inbox gives them (newest message first, unread badges), kept
// live through the user socket /chat/ws/me, and under them the public rooms the user has not joined.
// Same rules as app.js: the cookie carries the session, user content goes in through textContent only.

import { api, el, fail } from './app.js';

const INBOX_LIMIT = 200;
const MAX_BACKOFF_MS = 8000;

const inbox = new Map();      // room id -> {room, role, lastSeq, readSeq, unread, lastMessage}
let publicRooms = [];         // [{id, name, visibility, clients}] of getRooms that are not in the inbox
let openId = null;            // the open room, marked in the list
let me = null;
let userSocket = null;        // {socket, attempt, timer}
let reloadTimer = 0;
let loaded = false;           // drawn once the first listing came

/** The name a room shows: a direct room is named after the other of its two users. */
export function roomLabel(id) {
  const room = inbox.get(id)?.room ?? publicRooms.find((r) => r.id === id);
  if (!room) return null;
  if (room.visibility !== 'direct' || !me) return room.name;
  return room.name.split(', ').find((name) => name !== me.username) ?? room.name;
}

/** The caller's role in a room ('owner', 'moderator', 'member'), null when not a member. */
export function roleIn(id) {
  return inbox.get(id)?.role ?? null;
}

export function visibilityOf(id) {
  return (inbox.get(id)?.room ?? publicRooms.find((r) => r.id === id))?.visibility ?? null;
}

/** The room's last seq as the inbox last told it (0: not known). */
export function lastSeqOf(id) {
  return inbox.get(id)?.lastSeq ?? 0;
}

/** The read marker the server holds for the caller in a room (0: none known). */
export function readSeqOf(id) {
  return inbox.get(id)?.readSeq ?? 0;
}

/** The user's rooms (inbox) and the public rooms besides, fetched afresh and drawn. */
export async function loadSidebar(user) {
  me = user;
  const [entries, rooms] = await Promise.all([
    api('GET', `/chat/ws/inbox?limit=${INBOX_LIMIT}`),
    api('GET', '/chat/ws/getRooms'),
  ]);
  inbox.clear();
  entries.forEach((e) => inbox.set(e.room.id, e));
  publicRooms = rooms;
  loaded = true;
  render();
}

/** A room the user was just added to or created (the user socket tells the same a moment later). */
export function rememberRoom(room, role) {
  if (!inbox.has(room.id)) {
    inbox.set(room.id, { room, role, lastSeq: 0, readSeq: 0, unread: 0, lastMessage: null });
    render();
  }
}

export function forgetRoom(id) {
  if (inbox.delete(id)) render();
}

export function markOpen(id) {
  const changed = openId !== id;
  openId = id;
  if (changed && loaded) render();  // the open room shows no badge: its messages are being read
  for (const link of document.querySelectorAll('#rooms a[data-room]')) {
    if (link.dataset.room === openId) {
      link.setAttribute('aria-current', 'page');
      if (changed) link.scrollIntoView({ block: 'nearest' });
    } else {
      link.removeAttribute('aria-current');
    }
  }
}

/** Newest message first, rooms without messages last (in the order the server gave them). */
function byLatest(a, b) {
  const at = (e) => (e.lastMessage ? Date.parse(e.lastMessage.sentAt) : -Infinity);
  return at(b) - at(a);
}

function render() {
  const mine = [...inbox.values()].sort(byLatest);
  const others = publicRooms.filter((r) => r.visibility === 'public' && !inbox.has(r.id));
  renderList($('my-rooms'), mine.map((e) => [e.room.id, (li) => showMyRoom(li, e)]), 'No rooms yet. Create one or join one.');
  renderList($('public-rooms'), others.map((r) => [r.id, (li) => showPublicRoom(li, r)]), 'No other public rooms.');
  markOpen(openId);
}

const $ = (id) => document.getElementById(id);

/**
 * A list drawn again from [room id, fill] pairs: a room's item (and its link) is kept and changed in
 * place, so a click on it is never lost to a redraw (the user socket redraws often).
 */
function renderList(list, rooms, emptyText) {
  const old = new Map([...list.children].filter((li) => li.dataset.room).map((li) => [li.dataset.room, li]));
  const items = rooms.map(([id, fill]) => {
    let li = old.get(id);
    if (!li) {
      li = el('li');
      li.dataset.room = id;
      const link = el('a');
      link.href = `#room/${encodeURIComponent(id)}`;
      link.dataset.room = id;
      li.append(link);
    }
    const link = li.querySelector('a');
    link.textContent = roomLabel(id);
    link.removeAttribute('aria-label');
    fill(li);
    return li;
  });
  list.replaceChildren(...(items.length ? items : [el('li', 'empty', emptyText)]));
}

/** A part of an item, made the first time it is needed. */
function part(li, className, tag = 'span') {
  return li.querySelector(`.${className}`) ?? li.appendChild(el(tag, className));
}

function showMyRoom(li, entry) {
  const kind = part(li, 'kind');
  kind.textContent = { private: 'Private', direct: 'Direct' }[entry.room.visibility] ?? '';
  kind.hidden = !kind.textContent;
  const badge = part(li, 'unread');
  badge.textContent = entry.unread > 99 ? '99+' : String(entry.unread);
  badge.setAttribute('aria-hidden', 'true');
  badge.hidden = entry.unread <= 0 || entry.room.id === openId;
  // The badge is a picture of a number; the link says it in words.
  if (!badge.hidden) li.querySelector('a').setAttribute('aria-label', `${roomLabel(entry.room.id)}, ${entry.unread} unread`);
}

function showPublicRoom(li, room) {
  part(li, 'clients').textContent = `${room.clients} online`;
}

// ---- The user socket: what happens in any of the user's rooms -----------------------------------

/** Opens the user socket; a close for policy (1008: token revoked, account deleted) calls signedOut. */
export function startUserSocket(user, signedOut) {
  stopUserSocket();
  me = user;
  const state = userSocket = { socket: null, attempt: 0, timer: 0 };
  const connect = () => {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = state.socket = new WebSocket(`${scheme}//${location.host}/chat/ws/me`);
    socket.onopen = () => {
      // What happened while it was away: the inbox as it is now.
      if (state.attempt > 0) scheduleReload(0);
      state.attempt = 0;
    };
    socket.onmessage = (event) => {
      if (userSocket === state) onUserEvent(JSON.parse(event.data));
    };
    socket.onclose = (event) => {
      if (userSocket !== state) return;  // stopped on purpose
      if (event.code === 1008) return signedOut();
      // Quietly, with back-off: the room's connection and the page's loads show the outage.
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** state.attempt++) * (0.5 + Math.random() / 2);
      state.timer = setTimeout(connect, delay);
    };
  };
  connect();
}

export function stopUserSocket() {
  if (!userSocket) return;
  clearTimeout(userSocket.timer);
  userSocket.socket?.close(1000);
  userSocket = null;
  clearTimeout(reloadTimer);
}

/** The whole sidebar again, soon (several events in a row cost one reload). */
function scheduleReload(delay = 300) {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => loadSidebar(me).catch(fail), delay);
}

function onUserEvent(event) {
  if (event.type === 'inbox') {
    const entry = inbox.get(event.roomId);
    if (!entry) return scheduleReload();  // a room it has not heard of yet
    Object.assign(entry, {
      lastSeq: event.lastSeq, readSeq: event.readSeq, unread: event.unread, lastMessage: event.lastMessage,
    });
    render();
  } else if (event.type === 'room') {
    if (event.action === 'added') rememberRoom(event.room, 'member');
    else forgetRoom(event.room.id);
    scheduleReload();  // the role, the public list
  }
}
