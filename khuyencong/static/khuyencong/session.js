// Idle-session warning for signed-in staff.
//
// The server ends a session after `data-idle-timeout` seconds without a request (and renews it on
// every request). This script keeps the same clock in the page: it restarts on page load, after
// every htmx request, and when another tab of the same site reports activity. With
// `data-idle-warning` seconds left it opens <dialog id="idle-warning"> and counts down in
// #idle-countdown; #idle-stay (or Escape) POSTs to `data-keepalive-url` to renew the session. At zero
// it goes to `data-login-url` with ?next= set to the current page.
//
// Plain ES2020, no dependencies. Does nothing on pages without data-idle-timeout (signed out).
(() => {
  "use strict";

  const body = document.body;
  const timeout = Number.parseInt(body?.dataset.idleTimeout ?? "", 10);
  if (!body || !Number.isFinite(timeout) || timeout <= 0) {
    return;
  }
  const parsedWarning = Number.parseInt(body.dataset.idleWarning ?? "", 10);
  const warning = Number.isFinite(parsedWarning) && parsedWarning > 0 ? parsedWarning : 60;
  const keepaliveUrl = body.dataset.keepaliveUrl;
  const loginUrl = body.dataset.loginUrl;
  const dialog = document.getElementById("idle-warning");
  const countdown = document.getElementById("idle-countdown");
  const stayButton = document.getElementById("idle-stay");
  const STORAGE_KEY = "khuyencong:idle-deadline";
  // Leave the server a moment to be sure the session is gone before we go to the sign-in page;
  // otherwise the sign-in page would renew a session that is about to end.
  const GRACE_MS = 1000;

  let deadline = 0; // Date.now() value at which the server ends the session
  let expired = false;
  let keepaliveInFlight = false;

  const now = () => Date.now();
  const secondsLeft = () => Math.max(0, Math.ceil((deadline - now()) / 1000));

  function share(value) {
    try {
      window.localStorage.setItem(STORAGE_KEY, String(value));
    } catch {
      // Storage may be disabled (private mode, policy): each tab then keeps its own clock.
    }
  }

  function closeDialog() {
    if (dialog?.open) {
      dialog.close();
    }
  }

  function openDialog() {
    if (!dialog || dialog.open) {
      return;
    }
    if (typeof dialog.showModal === "function") {
      dialog.showModal();
    } else {
      dialog.setAttribute("open", "");
    }
  }

  // The server has just seen a request from us: the session runs for `seconds` more.
  function restart(seconds = timeout) {
    if (expired) {
      return;
    }
    deadline = now() + seconds * 1000;
    share(deadline);
    closeDialog();
    tick();
  }

  function expire() {
    if (expired) {
      return;
    }
    expired = true;
    closeDialog();
    const here = window.location.pathname + window.location.search;
    const target = loginUrl || "/";
    window.location.assign(`${target}${target.includes("?") ? "&" : "?"}next=${encodeURIComponent(here)}`);
  }

  function tick() {
    if (expired) {
      return;
    }
    if (now() >= deadline + GRACE_MS) {
      expire();
      return;
    }
    const left = secondsLeft();
    if (left <= warning) {
      if (countdown) {
        countdown.textContent = String(left);
      }
      openDialog();
    } else {
      closeDialog();
    }
  }

  function csrfToken() {
    const headers = body.getAttribute("hx-headers");
    if (headers) {
      try {
        const token = JSON.parse(headers)["X-CSRFToken"];
        if (token) {
          return token;
        }
      } catch {
        // Fall through to the cookie.
      }
    }
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function keepAlive() {
    if (expired || keepaliveInFlight) {
      return;
    }
    if (!keepaliveUrl) {
      restart();
      return;
    }
    keepaliveInFlight = true;
    try {
      const response = await fetch(keepaliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      });
      if (response.status === 401 || response.status === 403) {
        expire();
        return;
      }
      if (!response.ok) {
        return; // Leave the dialog open; the user can try again.
      }
      let seconds = timeout;
      try {
        const data = await response.json();
        if (Number.isFinite(data?.remaining) && data.remaining > 0) {
          seconds = data.remaining;
        }
      } catch {
        // Not JSON: keep the configured timeout.
      }
      restart(seconds);
    } catch {
      // Network error: keep counting; the dialog stays open so the user can try again.
    } finally {
      keepaliveInFlight = false;
    }
  }

  stayButton?.addEventListener("click", (event) => {
    event.preventDefault();
    keepAlive();
  });

  // Escape on the modal means "I am here": renew rather than hide a warning that would come back.
  dialog?.addEventListener("cancel", (event) => {
    event.preventDefault();
    keepAlive();
  });

  // Every htmx request reaches the server, which renews the session; a response that ended on the
  // sign-in page means the session had already ended.
  document.addEventListener("htmx:afterRequest", (event) => {
    const xhr = event.detail?.xhr;
    if (!xhr || xhr.status === 0) {
      return; // Never reached the server.
    }
    if (xhr.status === 401 || (loginUrl && xhr.responseURL && new URL(xhr.responseURL).pathname === loginUrl)) {
      expire();
      return;
    }
    restart();
  });

  // Activity in another tab renews the same session.
  window.addEventListener("storage", (event) => {
    if (event.key !== STORAGE_KEY || !event.newValue) {
      return;
    }
    const shared = Number(event.newValue);
    if (Number.isFinite(shared) && shared > deadline) {
      deadline = shared;
      tick();
    }
  });

  // Timers are throttled in background tabs; the clock is the wall clock, so re-check on return.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      tick();
    }
  });

  restart();
  window.setInterval(tick, 1000);
})();
