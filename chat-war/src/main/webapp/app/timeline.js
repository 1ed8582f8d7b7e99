// The timeline: write a post, read the feed (own posts and those of followed users, newest first), and
// follow or unfollow the author of a post or a chat message. Same rules as app.js: the cookie carries
// the session, user content goes in through textContent only.

import { api, el, fail } from './app.js';

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

function label(button, authorId) {
  button.textContent = following?.has(authorId) ? 'Unfollow' : 'Follow';
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

function renderPost(me, post) {
  const item = el('li', post.authorId === me.id ? 'post mine' : 'post');
  item.dataset.id = post.id;
  const time = el('time', null, new Date(post.createdAt).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' }));
  time.dateTime = post.createdAt;
  item.append(el('span', 'author', post.authorUsername), ' ', time);
  if (post.authorId === me.id) {
    const remove = el('button', 'delete-post', 'Delete');
    remove.type = 'button';
    remove.addEventListener('click', async () => {
      try {
        await api('DELETE', `/user/posts/${post.id}`);
        item.remove();
      } catch (error) {
        fail(error);
      }
    });
    item.append(' ', remove);
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

/** Shows the feed from its newest post. */
export async function showTimeline(me) {
  try {
    await loadFeed(me);
  } catch (error) {
    fail(error);
  }
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
