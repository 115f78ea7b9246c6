// The side navigation as a drawer on phones: the ☰ button opens it over the page; while it is open focus
// stays inside it (the rest of the page is inert, Tab wraps around), Escape or the scrim closes it and focus
// goes back to ☰. Closed on a phone it is off screen, and inert too so Tab does not walk through it.
// The ☰ button shows a dot when conversations have unread messages, since the list itself is hidden.
import { $ } from "./dom.js";
import { wide } from "./state.js";

const FOCUSABLE = "button:not([disabled]), input:not([disabled]), [href], [tabindex]:not([tabindex='-1'])";

const isOpen = () => $("sidebar").classList.contains("open");

export function initDrawer() {
  $("menu-button").addEventListener("click", () => (isOpen() ? closeMenu({ focusMenu: true }) : openMenu()));
  $("scrim").addEventListener("click", () => closeMenu({ focusMenu: true }));
  $("close-button").addEventListener("click", () => closeMenu({ focusMenu: true }));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && isOpen()) {
      event.preventDefault();
      closeMenu({ focusMenu: true });
    }
  });
  $("sidebar").addEventListener("keydown", (event) => {
    if (event.key !== "Tab" || !isOpen()) return;
    const items = [...$("sidebar").querySelectorAll(FOCUSABLE)].filter((node) => node.offsetParent !== null);
    if (!items.length) return;
    const [first, last] = [items[0], items[items.length - 1]];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
  wide.addEventListener("change", () => closeMenu({}));
  setInert(false);
}

function openMenu() {
  $("sidebar").classList.add("open");
  $("scrim").hidden = false;
  $("menu-button").setAttribute("aria-expanded", "true");
  setInert(true);
  $("close-button").focus();
}

/** Closes the drawer (a no-op on wide screens); focusMenu: focus goes back to ☰ (also when it was inside). */
export function closeMenu({ focusMenu = false } = {}) {
  const wasOpen = isOpen();
  const focusInside = $("sidebar").contains(document.activeElement);
  $("sidebar").classList.remove("open");
  $("scrim").hidden = true;
  $("menu-button").setAttribute("aria-expanded", "false");
  setInert(false);
  if (wasOpen && (focusMenu || focusInside) && !wide.matches) $("menu-button").focus();
}

function setInert(open) {
  const phone = !wide.matches;
  $("sidebar").inert = phone && !open;
  for (const node of document.querySelectorAll(".topbar, .main")) node.inert = phone && open;
}

/** The dot on ☰ (phones): something unread in a room or a direct conversation. */
export function renderMenuBadge(unread) {
  $("menu-badge").hidden = unread === 0;
  $("menu-button").setAttribute("aria-label", unread ? `Menu, ${unread} unread` : "Menu");
}
