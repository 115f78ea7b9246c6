// The sign-in screen, and starting and ending a signed-in session.
import { api, session } from "./api.js";
import { $ } from "./dom.js";
import { loadCharacters } from "./companions.js";
import { connect, disconnect } from "./connection.js";
import { sentence } from "./names.js";
import { openRoom } from "./rooms.js";
import { companions, me, newRoom, rooms, savedRooms, setCurrent } from "./state.js";
import { renderNav, show } from "./views.js";

export function showLogin(message = "") {
  $("app").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message;
  $("name").focus();
}

async function signIn(action, button) {
  const buttons = document.querySelectorAll("#login button");
  buttons.forEach((b) => (b.disabled = true));
  $("login-error").textContent = "";
  try {
    session.save(await action());
    startApp();
  } catch (e) {
    $("login-error").textContent = e.code === "CONFLICT" ? "That account name is taken. Log in, or choose another." : sentence(e.message);
    button?.focus();
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

function accountFields() {
  const username = $("account").value.trim();
  const password = $("password").value;
  if (!username || !password) {
    $("login-error").textContent = "Type your account name and password.";
    (username ? $("password") : $("account")).focus();
    return null;
  }
  return { username, password };
}

export function initLogin() {
  $("guest-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = $("name").value.trim();
    if (!name) {
      $("login-error").textContent = "Type a name first: it is what other people see.";
      $("name").focus();
      return;
    }
    signIn(() => api.guest(name), event.submitter);
  });

  $("account-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const fields = accountFields();
    if (fields) signIn(() => api.login(fields.username, fields.password), $("login-button"));
  });

  $("signup-button").addEventListener("click", () => {
    const fields = accountFields();
    if (fields) signIn(() => api.register(fields.username, fields.password, $("name").value.trim()), $("signup-button"));
  });

  $("logout-button").addEventListener("click", () => {
    if (me()?.kind !== "guest") {
      logOut();
      return;
    }
    // A guest has no password: once logged out, this identity (its name, rooms and conversations) is gone.
    $("logout-name").textContent = me().name;
    $("logout-dialog").returnValue = "";
    $("logout-dialog").showModal();
  });
  $("logout-dialog").addEventListener("close", () => {
    if ($("logout-dialog").returnValue === "logout") logOut();
  });
}

async function logOut() {
  disconnect(); // this tab's socket goes quietly, before the server ends the session's sockets
  try { await api.logout(); } catch { /* signed out locally all the same */ }
  signOut("");
}

export function signOut(message) {
  document.title = "Nexus Chat";
  if ($("logout-dialog").open) $("logout-dialog").close();
  disconnect();
  session.clear();
  rooms.clear();
  companions.clear();
  setCurrent({ kind: "welcome" });
  showLogin(message);
}

export function startApp() {
  $("login").hidden = true;
  $("app").hidden = false;
  $("me").textContent = me().name + (me().kind === "guest" ? " (guest)" : "");
  $("me").title = "Your profile" + (me().handle ? ` (@${me().handle})` : "");
  $("room-list").replaceChildren();
  for (const id of savedRooms()) rooms.set(id, newRoom(id));
  connect();
  renderNav();
  if (rooms.size > 0) openRoom([...rooms.keys()][0]);
  else show({ kind: "welcome" });
  loadCharacters();
}
