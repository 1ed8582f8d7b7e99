// A room's message list as chat apps show it: strictly in seq order, each message once, the day above
// the first message of each day, and the author's name and time once per group (consecutive messages
// of one author within GROUP_MS). An edit or a delete changes the message it targets in place. Each
// message has its actions: Edit and Delete for its author, Delete for the room's owner and moderators
// (shown by CSS while the list is marked data-moderator="true").
// User content goes in through textContent only.

import { api, askFirst, el, fail, roomPath } from './app.js';
import { authorName, followButton } from './timeline.js';

const GROUP_MS = 5 * 60 * 1000;

/** "Today", "Yesterday" or the date, in the reader's time zone. */
export function dayLabel(date, now = new Date()) {
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (date.toDateString() === now.toDateString()) return 'Today';
  if (date.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return date.toLocaleDateString([], {
    weekday: 'long', day: 'numeric', month: 'long',
    year: date.getFullYear() === now.getFullYear() ? undefined : 'numeric',
  });
}

/** The list item of one message; {@code me} is the signed-in user. */
export function renderMessage(me, m) {
  const sentAt = new Date(m.sentAt);
  const item = el('li', m.userId === me.id ? 'message mine' : 'message');
  item.dataset.seq = m.seq;
  item.dataset.user = m.userId;
  item.dataset.time = sentAt.getTime();
  item.dataset.day = sentAt.toDateString();

  const day = el('div', 'day');
  day.setAttribute('role', 'separator');
  day.append(el('span', null, dayLabel(sentAt)));

  const time = el('time', null, sentAt.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  time.dateTime = m.sentAt;
  const meta = el('div', 'meta');
  const author = { id: m.userId, username: m.username };
  meta.append(authorName(me, author), ' ', time);
  if (m.userId !== me.id) meta.append(' ', followButton(me, author));

  const body = el('div', 'body');
  body.title = sentAt.toLocaleString();
  body.append(meta, el('p', 'content'), actions(me, m, item));
  item.append(day, body);
  showContent(item, m.deleted ? null : m.content, Boolean(m.editedAt));
  return item;
}

const messagePath = (m) => `${roomPath(m.roomId)}/messages/${m.seq}`;

/** Edit (the author's) and Delete, which asks first. */
function actions(me, m, item) {
  const span = el('span', 'actions');
  if (m.userId === me.id) {
    const edit = el('button', 'edit-message secondary', 'Edit');
    edit.type = 'button';
    edit.addEventListener('click', () => startEdit(m, item));
    span.append(edit, ' ');
  }
  span.append(askFirst('delete-message', 'Delete', 'Delete this message? ', async () => {
    await api('DELETE', messagePath(m));
    showContent(item, null, true);
  }));
  return span;
}

/** The message's text becomes a field with Save and Cancel; Escape cancels. */
function startEdit(m, item) {
  const content = item.querySelector('.content');
  const actionsOf = item.querySelector('.actions');
  const form = el('form', 'edit-form');
  const input = el('input');
  input.name = 'content';
  input.required = true;
  input.maxLength = 4096;
  input.value = content.textContent;
  input.setAttribute('aria-label', 'Edit message');
  const save = el('button', null, 'Save');
  const cancel = el('button', 'secondary', 'Cancel');
  cancel.type = 'button';
  form.append(input, save, cancel);
  const done = () => {
    form.remove();
    content.hidden = actionsOf.hidden = false;
  };
  cancel.addEventListener('click', done);
  input.addEventListener('keydown', (event) => { if (event.key === 'Escape') done(); });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || text === content.textContent) return done();
    try {
      const edited = await api('PATCH', messagePath(m), { content: text });
      showContent(item, edited.deleted ? null : edited.content, true);
      done();
    } catch (error) {
      fail(error);
    }
  });
  content.hidden = actionsOf.hidden = true;
  content.after(form);
  input.focus();
}

/**
 * A live edit or delete event applied to the message it targets, where that is shown. (A message
 * from history already shows its current state, so the events in history are not applied again.)
 */
export function applyChange(list, event) {
  const target = list.querySelector(`.message[data-seq="${Number(event.targetSeq)}"]`);
  if (!target) return;
  const deleted = event.type === 'delete' || event.deleted;
  showContent(target, deleted ? null : event.content, true);
}

/** The text of a message, marked edited; null: deleted. */
function showContent(item, content, edited) {
  const deleted = content === null || content === undefined;
  item.querySelector('.content').textContent = deleted ? 'This message was deleted.' : content;
  item.classList.toggle('deleted', deleted);
  item.classList.toggle('edited', edited && !deleted);
  if (deleted) {
    item.querySelector('.actions')?.remove();
    item.querySelector('.edit-form')?.remove();
    item.querySelector('.content').hidden = false;
  }
}

/** Where a message with this seq goes: before the first message with a greater seq (null: at the end). */
export function placeFor(list, seq) {
  let next = null;
  for (let node = list.lastElementChild; node; node = node.previousElementSibling) {
    if (!node.dataset.seq) continue;
    if (Number(node.dataset.seq) < seq) break;
    next = node;
  }
  return next;
}

/** After {@code item} was inserted: it and the message after it get their day separator and grouping. */
export function decorateAround(item) {
  decorate(item);
  let next = item.nextElementSibling;
  while (next && !next.dataset.seq) next = next.nextElementSibling;
  if (next) decorate(next);
}

function decorate(item) {
  let previous = item.previousElementSibling;
  while (previous && !previous.dataset.seq) previous = previous.previousElementSibling;
  const newDay = !previous || previous.dataset.day !== item.dataset.day;
  const gap = previous ? item.dataset.time - previous.dataset.time : Infinity;
  // A note (joined, left) between two messages ends the group, as does a new day or a pause.
  const continued = !newDay && previous === item.previousElementSibling
      && previous.dataset.user === item.dataset.user && gap >= 0 && gap < GROUP_MS;
  item.querySelector('.day').hidden = !newDay;
  item.classList.toggle('continued', continued);
}
