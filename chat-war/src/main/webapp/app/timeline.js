// The timeline: write a post, read the feed (own posts and those of followed users, newest first), and
// follow or unfollow the author of a post or a chat message. Same rules as app.js: the cookie carries
// the session, user content goes in through textContent only.

import { api, askFirst, el, fail, startDirect } from './app.js';

const FEED_PAGE = 20;

let following = null;   // ids the signed-in user follows, loaded when first needed
let oldestPost = 0;     // the feed's last shown post id: where "older posts" continues (before=)

/** Loads whom the signed-in user follows, then labels every Follow button already shown. */
export async function loadFollowing(me) {
  try {
    following = await followedIds(me);
    for (const b of document.querySelectorAll('button.follow')) label(b, Number(b.dataset.author));
  } catch (error) {
    fail(error);
  }
}

/** Follow is a solid button, Unfollow a quiet outlined one; aria-pressed says which state is shown. */
function label(button, authorId) {
  const followed = Boolean(following?.has(authorId));
  button.textContent = followed ? 'Unfollow' : 'Follow';
  button.classList.toggle('secondary', followed);
  button.setAttribute('aria-pressed', String(followed));
}

/** Every id the user follows, page by page (the API pages by id, 100 at most). */
async function followedIds(me) {
  const ids = new Set();
  for (let after = 0; ;) {
    const page = await api('GET', `/user/${me.id}/following?limit=100&after=${after}`);
    page.forEach((u) => ids.add(u.id));
    if (page.length < 100) return ids;
    after = page[page.length - 1].id;
  }
}

/** A Follow / Unfollow button for an author; every button for that author changes with it. */
export function followButton(me, author) {
  const button = el('button', 'follow');
  button.type = 'button';
  button.dataset.author = author.id;
  label(button, author.id);
  button.addEventListener('click', async () => {
    try {
      following ??= await followedIds(me);
      const unfollow = following.has(author.id);
      await api('POST', unfollow ? `/user/unfollow?toUnfollowId=${author.id}` : `/user/follow?toFollowId=${author.id}`);
      if (unfollow) following.delete(author.id); else following.add(author.id);
      for (const b of document.querySelectorAll(`button.follow[data-author="${author.id}"]`)) label(b, author.id);
    } catch (error) {
      fail(error);
    }
  });
  button.title = `Follow or unfollow ${author.username}`;
  return button;
}

/** An author's name; another user's is a button that opens the direct conversation with them. */
export function authorName(me, author) {
  if (author.id === me.id) return el('span', 'author', author.username);
  const button = el('button', 'author', author.username);
  button.type = 'button';
  button.title = `Message ${author.username} directly`;
  button.addEventListener('click', () => startDirect(author));
  return button;
}

function renderPost(me, post) {
  const item = el('li', post.authorId === me.id ? 'post mine' : 'post');
  item.dataset.id = post.id;
  const time = el('time', null, new Date(post.createdAt).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' }));
  time.dateTime = post.createdAt;
  item.append(authorName(me, { id: post.authorId, username: post.authorUsername }), ' ', time);
  if (post.authorId === me.id) {
    item.append(' ', askFirst('delete-post', 'Delete', 'Delete this post? ', async () => {
      await api('DELETE', `/user/posts/${post.id}`);
      item.remove();
    }));
  } else {
    item.append(' ', followButton(me, { id: post.authorId, username: post.authorUsername }));
  }
  item.append(el('p', 'content', post.content));
  return item;
}

async function loadFeed(me, before) {
  const page = await api('GET', `/user/feed?limit=${FEED_PAGE}${before ? `&before=${before}` : ''}`);
  const list = document.getElementById('feed');
  if (!before) list.replaceChildren();
  list.append(...page.map((p) => renderPost(me, p)));
  if (page.length) oldestPost = page[page.length - 1].id;
  document.getElementById('load-older-posts').hidden = page.length < FEED_PAGE;
  if (!list.children.length) list.append(el('li', 'empty', 'Nothing yet: write a post or follow someone.'));
}

/** Shows the feed from its newest post; a failure is the caller's to handle (app.js retries it). */
export function showTimeline(me) {
  return loadFeed(me);
}

/** Wires the post form and the "older posts" button; {@code currentUser} answers who is signed in. */
export function initTimeline(currentUser) {
  document.getElementById('post-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    try {
      await api('POST', '/user/posts', { content: form.elements.content.value });
      form.reset();
      await loadFeed(currentUser());
    } catch (error) {
      fail(error);
    }
  });
  document.getElementById('load-older-posts').addEventListener('click', () =>
    loadFeed(currentUser(), oldestPost).catch(fail));
}

/** Forgets the signed-in user's follow list (on sign-out). */
export function resetTimeline() {
  following = null;
  oldestPost = 0;
}
