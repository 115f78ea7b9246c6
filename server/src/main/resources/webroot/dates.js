// When a message was sent, as people read it: "14:02" today, "Yesterday 14:02", "3 Dec 14:02" this year,
// "3 Dec 2025 14:02" before; the full date and time in the title and the <time datetime> attribute.
import { el } from "./dom.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const clock = { hour: "2-digit", minute: "2-digit" };

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** The short label for a time, relative to now (both Dates); "" for an invalid date. */
export function whenLabel(date, now = new Date()) {
  if (Number.isNaN(date.getTime())) return "";
  const time = date.toLocaleTimeString([], clock);
  const days = Math.round((startOfDay(now) - startOfDay(date)) / DAY_MS); // rounding absorbs DST hours
  if (days <= 0) return time;
  if (days === 1) return `Yesterday ${time}`;
  const day = date.getFullYear() === now.getFullYear()
    ? date.toLocaleDateString([], { day: "numeric", month: "short" })
    : date.toLocaleDateString([], { day: "numeric", month: "short", year: "numeric" });
  return `${day} ${time}`;
}

/** The full date and time, for a tooltip and screen readers. */
export function fullWhen(date) {
  return date.toLocaleString([], { dateStyle: "full", timeStyle: "short" });
}

/** A <time> element for an ISO timestamp. */
export function timeElement(iso, className = "time") {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return el("time", { className, dateTime: date.toISOString(), title: fullWhen(date) }, whenLabel(date));
}
