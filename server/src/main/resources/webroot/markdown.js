// Markdown in messages: bold, italics, strikethrough, inline code, code blocks, lists, quotes and links.
// markdown-it parses with raw HTML off (a typed <img onerror> stays text) and links only http(s) and mailto
// URLs (javascript:, data: and relative ones stay text); DOMPurify then keeps only the tags below, as a
// second line of defence; its output becomes nodes in an inert template, never HTML set on the page.
// Both libraries are browser builds in vendor/ loaded before the modules (index.html); if they did not
// load, messages show as plain text.

const MAX_MARKDOWN = 16_000; // longer texts (long companion replies) show as plain text: parsing stays cheap
const CACHE_SIZE = 400; // the log is rebuilt on each change: keep the parsed messages it shows
const LINK = /^(https?:|mailto:)/i;
const TAGS = ["p", "br", "strong", "em", "s", "code", "pre", "ul", "ol", "li", "blockquote", "a"];

let engine; // { plain, linking, purify } once the libraries are found, null if they are missing
const cache = new Map(); // text -> sanitized DocumentFragment (cloned for each use)

const PURIFY = { ALLOWED_TAGS: TAGS, ALLOWED_ATTR: ["href", "start"], ALLOWED_URI_REGEXP: LINK };
// Linkify is by far the slowest step and finds nothing in most messages: only texts that may hold a link use it.
const LINK_CANDIDATE = /https?:|mailto:|www\./i;

function parser(markdownit, linkify) {
  const md = markdownit("default", { html: false, linkify, breaks: true, typographer: false, maxNesting: 20 });
  // Chat text, not documents: "# lobby" or a line of dashes stays as typed; images would load from anywhere.
  md.disable(["image", "heading", "lheading", "hr", "table"]);
  md.validateLink = (url) => LINK.test(url.trim());
  md.linkify.set({ fuzzyEmail: false, fuzzyLink: false }); // "node.js" in a sentence is not a link
  return md;
}

function load() {
  if (engine !== undefined) return engine;
  const { markdownit, DOMPurify } = window;
  if (typeof markdownit !== "function" || typeof DOMPurify !== "function") return (engine = null);
  const purify = DOMPurify(window); // our own instance: the hook below does not touch anyone else's
  purify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName !== "A") return;
    if (!LINK.test(node.getAttribute("href") || "")) {
      node.removeAttribute("href");
      return;
    }
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  });
  purify.setConfig(PURIFY); // once, not parsed again on each call
  return (engine = { plain: parser(markdownit, false), linking: parser(markdownit, true), purify });
}

function parse(text) {
  const html = (LINK_CANDIDATE.test(text) ? engine.linking : engine.plain).render(text);
  // DOMPurify's string output parsed in a template's inert document: measured several times faster than
  // its RETURN_DOM_FRAGMENT option, which imports every node into the page.
  const template = document.createElement("template");
  template.innerHTML = engine.purify.sanitize(html);
  return template.content;
}

function plain(text) {
  const span = document.createElement("span");
  span.className = "plain"; // keeps its line breaks
  span.textContent = text || "";
  return span;
}

/** The nodes showing this message text: a fragment for a bubble, or the plain text. */
export function renderMarkdown(text) {
  if (!text || text.length > MAX_MARKDOWN || !load()) return plain(text);
  let fragment = cache.get(text);
  if (fragment) {
    cache.delete(text); // most recently used last
  } else {
    fragment = parse(text);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value);
  }
  cache.set(text, fragment);
  return fragment.cloneNode(true);
}

/** Like renderMarkdown, for text still streaming in: not cached (each chunk is a new text). */
export function renderPartialMarkdown(text) {
  if (!text || text.length > MAX_MARKDOWN || !load()) return plain(text);
  return parse(text);
}
