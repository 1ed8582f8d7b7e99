// The members panel of the open room: who is in it and their roles; the owner and moderators add
// members by username and remove them, the owner makes or unmakes moderators and deletes the room;
// anyone but the owner leaves (not a direct room). The server decides; the panel offers only what
// the caller's role allows. User content goes in through textContent only.

import { api, askFirst, el, fail, leavingRoom, notify, openRoomId, roomPath } from './app.js';
import { forgetRoom, loadSidebar, roleIn, visibilityOf } from './sidebar.js';

const MEMBERS_PAGE = 100;
const ROLE_NAMES = { owner: 'Owner', moderator: 'Moderator', member: 'Member' };

const $ = (id) => document.getElementById(id);

let currentUser = () => null;
let shownFor = null;  // the room whose members are shown (null: the panel is closed)
let lastShown = 0;    // the last member's id shown: where "More members" continues (after=)

/** Wires the panel's buttons; {@code user} answers who is signed in. */
export function initMembers(user) {
  currentUser = user;
  $('members-toggle').addEventListener('click', () => {
    const id = openRoomId();
    if (shownFor === id) closeMembers();
    else if (id) showMembers(id);
  });
  $('add-member-form').addEventListener('submit', addMember);
  $('more-members').addEventListener('click', () => shownFor && showMembers(shownFor, lastShown));
  $('leave-membership').addEventListener('click', leave);
}

export function closeMembers() {
  shownFor = null;
  $('members-panel').hidden = true;
  $('members-toggle').setAttribute('aria-expanded', 'false');
  $('members').replaceChildren();
}

/** A member event of the open room: the panel, when shown, is read again. */
export function memberChanged(id) {
  if (shownFor === id) showMembers(id);
}

/** The first page of the room's members, or with {@code after} the next one, added to those shown. */
async function showMembers(id, after = 0) {
  shownFor = id;
  $('members-panel').hidden = false;
  $('members-toggle').setAttribute('aria-expanded', 'true');
  try {
    const members = await api('GET', `${roomPath(id)}/members?limit=${MEMBERS_PAGE}${after ? `&after=${after}` : ''}`);
    if (shownFor !== id) return;
    const me = currentUser();
    const items = members.map((m) => memberItem(id, m, me, roleIn(id), visibilityOf(id) === 'direct'));
    if (after) $('members').append(...items);
    else render(id, items, members.some((m) => m.id === me.id));
    if (members.length) lastShown = members[members.length - 1].id;
    $('more-members').hidden = members.length < MEMBERS_PAGE;
  } catch (error) {
    fail(error);
  }
}

/** The first page's items and the controls the caller's role allows. */
function render(id, items, listed) {
  const role = roleIn(id);
  const direct = visibilityOf(id) === 'direct';
  const manages = !direct && (role === 'owner' || role === 'moderator');
  $('members').replaceChildren(...items);
  $('add-member-form').hidden = !manages;
  // A member: one with a role in the inbox, or listed (a public room joined a moment ago).
  $('leave-membership').hidden = direct || role === 'owner' || !(role || listed);
  const slot = $('delete-room-slot');
  slot.replaceChildren();
  if (role === 'owner') {
    slot.append(askFirst('delete-room', 'Delete this room', 'Delete this room and all its messages? ', async () => {
      leavingRoom(id);
      await api('DELETE', roomPath(id));
      forgetRoom(id);
      notify('The room was deleted.');
      location.hash = '#rooms';
    }));
  }
}

function memberItem(id, member, me, role, direct) {
  const li = el('li');
  li.dataset.user = member.id;
  li.append(el('span', 'member-name', member.id === me.id ? `${member.username} (you)` : member.username), ' ',
    el('span', 'role', ROLE_NAMES[member.role] ?? member.role));
  if (direct || member.id === me.id) return li;
  const path = `${roomPath(id)}/members/${member.id}`;
  const button = (className, text, label, method, to, body) => {
    const b = el('button', `secondary ${className}`, text);
    b.type = 'button';
    b.setAttribute('aria-label', `${label} ${member.username}`);
    b.addEventListener('click', () => act(id, method, to, body));
    li.append(' ', b);
  };
  // The owner changes anyone's role but its own and removes anyone; a moderator removes members.
  if (role === 'owner') {
    const moderator = member.role === 'moderator';
    button('change-role', moderator ? 'Make member' : 'Make moderator', moderator ? 'Make a member:' : 'Make a moderator:',
      'PUT', path, { role: moderator ? 'member' : 'moderator' });
  }
  if (role === 'owner' || (role === 'moderator' && member.role === 'member')) {
    button('remove-member', 'Remove', 'Remove', 'DELETE', path);
    // A banned user cannot join a public room again (a private room is closed to the removed anyway).
    if (visibilityOf(id) === 'public') button('ban-member', 'Ban', 'Ban', 'DELETE', `${path}?ban=true`);
  }
  return li;
}

async function act(id, method, path, body) {
  try {
    await api(method, path, body);
    await showMembers(id);
  } catch (error) {
    fail(error);
  }
}

/** Adds a user by username: the username is looked up first (404: nobody is called that). */
async function addMember(event) {
  event.preventDefault();
  const form = event.target;
  const id = shownFor;
  const username = form.elements.username.value.trim();
  try {
    const user = await api('GET', `/user/lookup?username=${encodeURIComponent(username)}`);
    await api('PUT', `${roomPath(id)}/members/${user.id}`);
    form.reset();
    notify(`${user.username} was added.`);
    await showMembers(id);
  } catch (error) {
    if (error.status === 404) notify(`Nobody is called ${username}.`, true);
    else fail(error);
  }
}

async function leave() {
  const id = openRoomId();
  if (!id) return;
  try {
    leavingRoom(id);
    await api('DELETE', `${roomPath(id)}/members/${currentUser().id}`);
    forgetRoom(id);
    notify('You left the room.');
    location.hash = '#rooms';
    loadSidebar(currentUser()).catch(fail);  // a public room shows among the public ones again
  } catch (error) {
    fail(error);
  }
}
