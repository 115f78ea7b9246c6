// REST calls and the signed-in session (kept in localStorage so a reload stays signed in).

const AUTH_KEY = "nexus.auth";

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = error?.code || "INTERNAL";
    this.retryAfter = error?.retryAfter;
  }
}

export const session = {
  auth: null, // {token, refreshToken, user}

  load() {
    try {
      this.auth = JSON.parse(localStorage.getItem(AUTH_KEY)) || null;
    } catch {
      this.auth = null;
    }
    return this.auth;
  },

  save(auth) {
    this.auth = { token: auth.token, refreshToken: auth.refreshToken, user: auth.user };
    localStorage.setItem(AUTH_KEY, JSON.stringify(this.auth));
  },

  clear() {
    this.auth = null;
    localStorage.removeItem(AUTH_KEY);
  },
};

async function send(path, { method = "GET", body, token } = {}) {
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = "Bearer " + token;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { code: "OFFLINE", message: "The server cannot be reached. Check your connection." });
  }
  const json = await response.json().catch(() => ({}));
  if (!response.ok || json.ok === false) {
    const error = json.error || { code: "INTERNAL", message: `HTTP ${response.status}` };
    if (error.retryAfter === undefined && response.headers.get("retry-after")) {
      error.retryAfter = Number(response.headers.get("retry-after"));
    }
    throw new ApiError(response.status, error);
  }
  return json;
}

let refreshing = null;
const REFRESH_LOCK = "nexus.refresh";

/**
 * Trades the refresh token for a new pair; false when the session has ended. One refresh at a time, across
 * tabs too: tabs share the session in localStorage, and a refresh token used twice ends the session (the
 * server takes it for a stolen one), so a tab first looks whether another one has just refreshed.
 */
export function refresh() {
  if (!session.auth?.refreshToken) return Promise.resolve(false);
  const mine = session.auth.refreshToken;
  const run = async () => {
    const stored = session.load();
    if (!stored?.refreshToken) return false;
    if (stored.refreshToken !== mine) return true; // another tab refreshed: its tokens are ours now
    try {
      session.save(await send("/api/auth/refresh", { method: "POST", body: { refreshToken: mine } }));
      return true;
    } catch (e) {
      if (e.status === 401 || e.status === 400) return false;
      throw e;
    }
  };
  refreshing ??= (navigator.locks ? navigator.locks.request(REFRESH_LOCK, run) : run())
    .finally(() => { refreshing = null; });
  return refreshing;
}

/** A signed-in call: refreshes the token once on 401. */
export async function authed(path, options = {}) {
  try {
    return await send(path, { ...options, token: session.auth?.token });
  } catch (e) {
    if (e.status === 401 && (await refresh())) {
      return send(path, { ...options, token: session.auth.token });
    }
    throw e;
  }
}

export const api = {
  guest: (name) => send("/api/auth/guest", { method: "POST", body: { name } }),
  login: (username, password) => send("/api/auth/login", { method: "POST", body: { username, password } }),
  register: (username, password, name) =>
    send("/api/auth/register", { method: "POST", body: name ? { username, password, name } : { username, password } }),
  logout: () => authed("/api/auth/logout", { method: "POST" }),
  user: (id) => authed("/api/users/" + encodeURIComponent(id)),
  characters: (before) => send("/api/characters" + (before ? "?before=" + encodeURIComponent(before) : "")),
  character: (id) => authed("/api/characters/" + encodeURIComponent(id)),
};
