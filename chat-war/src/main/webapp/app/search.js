// Search: in the open room or across the user's rooms, newest first, page by page. A result links to
// #room/<id>/<seq>, which opens the room's history around that message and highlights it.
// User content goes in through textContent only.

import { api, el, fail, roomPath } from './app.js';
import { roomLabel } from './sidebar.js';

const RESULTS_PAGE = 20;

const $ = (id) => document.getElementById(id);

let search = null;  // {q, roomId (null: across rooms), last (the last result shown)}

/** The room the "This room" scope searches (null: no room open, only "All my rooms"). */
export function searchIn(id) {
  const option = $('search-scope').querySelector('option[value="room"]');
  option.disabled = !id;
  option.dataset.room = id ?? '';
  if (!id) $('search-scope').value = 'all';
}

export function initSearch() {
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const q = $('search-input').value.trim();
    if (!q) return;
    const scope = $('search-scope');
    const roomId = scope.value === 'room' ? scope.selectedOptions[0].dataset.room || null : null;
    search = { q, roomId, last: null };
    $('search-results').replaceChildren();
    showPage(search);
  });
  $('more-results').addEventListener('click', () => search && showPage(search));
  $('close-search').addEventListener('click', () => {
    search = null;
    $('search-view').hidden = true;
    $('room-lists').hidden = false;
  });
}

function pagePath(s) {
  const q = `q=${encodeURIComponent(s.q)}&limit=${RESULTS_PAGE}`;
  if (s.roomId) return `${roomPath(s.roomId)}/search?${q}${s.last ? `&before=${s.last.seq}` : ''}`;
  // Across rooms a page continues right after the last result (its time, room and seq).
  const after = s.last ? `&before=${encodeURIComponent(s.last.sentAt)}&beforeRoom=${encodeURIComponent(s.last.roomId)}`
      + `&beforeSeq=${s.last.seq}` : '';
  return `/chat/ws/search?${q}${after}`;
}

async function showPage(s) {
  try {
    const page = await api('GET', pagePath(s));
    if (search !== s) return;
    $('search-title').textContent = s.roomId ? `Results in ${roomLabel(s.roomId) ?? s.roomId}` : 'Results in all your rooms';
    $('search-results').append(...page.map(result));
    if (!$('search-results').children.length) $('search-results').append(el('li', 'empty', 'No messages found.'));
    if (page.length) s.last = page[page.length - 1];
    $('more-results').hidden = page.length < RESULTS_PAGE;
    $('room-lists').hidden = true;
    $('search-view').hidden = false;
  } catch (error) {
    fail(error);
  }
}

function result(m) {
  const link = el('a');
  link.href = `#room/${encodeURIComponent(m.roomId)}/${m.seq}`;
  const sentAt = new Date(m.sentAt);
  const time = el('time', null, sentAt.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' }));
  time.dateTime = m.sentAt;
  const head = el('span', 'result-head');
  head.append(el('span', 'result-room', roomLabel(m.roomId) ?? m.roomId), ' · ', el('span', 'author', m.username), ' ', time);
  link.append(head, el('span', 'result-content', m.content));
  const li = el('li');
  li.append(link);
  return li;
}
