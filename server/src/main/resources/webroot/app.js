// Nexus Chat web client: sign in, rooms, direct messages and AI companions over Socket.IO.
// This entry point wires the modules together and starts the client:
//   login.js        the sign-in screen; starting and ending a session
//   connection.js   the socket, its events and acks; the status pill and banner
//   rooms.js        rooms, their history and messages, typing
//   message-actions.js  edit, delete, reply and react on room messages
//   people.js       direct conversations, who is online, who is typing
//   companions.js   the gallery and conversations with AI companions
//   my-characters.js one's own characters;  character-editor.js  editing one;  character-api.js  their REST
//   directory.js    the public room directory and the New room dialog;  blocks.js  whom I block
//   room-settings.js a room's settings and members, moderation, invitations, reports, removals
//   room-companions.js companions in group rooms: their streaming replies, turns, and the settings part
//   search.js       searching messages; opening a result in its room
//   conversations.js the server's conversation list, unread and mention counts, read markers, "Seen"
//   notifications.js toasts, system notifications (bell)
//   views.js        which view shows, navigation, the conversation's head, log and composer
//   profiles.js     names, @handles, avatars, guest tags; the profile dialog
//   attachments.js  files and images: uploading from the composer, showing them in messages
//   state.js        shared state;  names.js  display names and texts;  api.js  REST;  dom.js  DOM helpers
//   markdown.js     message text as safe markdown;  dates.js  message times;  drawer.js  the phone menu
//   jump.js         "Jump to latest";  composer-count.js  the length limit under the composer
import { session } from "./api.js";
import { initAttachments } from "./attachments.js";
import { initCompanions } from "./companions.js";
import { initConversations } from "./conversations.js";
import { socket } from "./connection.js";
import { initLogin, showLogin, startApp } from "./login.js";
import { initMyCharacters } from "./my-characters.js";
import { initMessageActions } from "./message-actions.js";
import { initNotifications } from "./notifications.js";
import { initPeople } from "./people.js";
import { initDirectory } from "./directory.js";
import { initRoomSettings } from "./room-settings.js";
import { initRoomCompanions } from "./room-companions.js";
import { initProfiles } from "./profiles.js";
import { initRooms } from "./rooms.js";
import { initSearch } from "./search.js";
import { initViews } from "./views.js";

initLogin();
initRooms();
initPeople();
initCompanions();
initMyCharacters();
initDirectory();
initRoomSettings();
initRoomCompanions();
initViews();
initSearch();
initMessageActions();
initConversations();
initNotifications();
initProfiles();
initAttachments();

// For tests and debugging in the console: the live socket (e.g. nexusClient.socket.io.engine.close()).
window.nexusClient = { get socket() { return socket; } };

// ---- start ----
function boot() {
  if (typeof io !== "function") {
    showLogin("The chat library did not load. Reload the page.");
    return;
  }
  if (session.load()?.token) startApp();
  else showLogin();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
