// Zoom and pan of the viewer's picture, done in the browser (the picture is not fetched again), and the window dragged
// with the right mouse button or Shift + drag, which the page turns into a new picture from the server.
//
// The picture is fitted to the stage by CSS; zoom scales it around its centre and pan moves it, both as one CSS
// transform. Zoom is kept while the user steps through images and frames, as a reader expects when comparing the same
// spot on neighbouring slices; the page resets it when another series is chosen.

const minZoom = 1;
const maxZoom = 16;
const wheelStep = 1.2;
const windowDragInterval = 80; // ms between window updates sent to the page while dragging

export function attach(stage, page) {
  const state = { zoom: 1, x: 0, y: 0, drag: null, lastSent: 0, timer: 0 };
  const picture = () => stage.querySelector("img[data-viewer-image]");
  const fitted = () => !stage.classList.contains("actual-size");

  function apply() {
    const img = picture();
    if (img) {
      img.style.transform = state.zoom === 1 ? "" : `translate(${state.x}px, ${state.y}px) scale(${state.zoom})`;
      img.classList.toggle("zoomed", state.zoom > 1);
    }
    stage.dataset.zoom = String(Math.round(state.zoom * 100));
    const label = stage.parentElement?.querySelector("[data-zoom-level]");
    if (label) {
      label.textContent = state.zoom === 1 ? "Fitted" : `Zoom ${Math.round(state.zoom * 100)}%`;
    }
  }

  // Keeps the zoomed picture covering the stage: no pan past its edges.
  function clampPan() {
    const box = picture()?.getBoundingClientRect();
    const width = box ? box.width / state.zoom : stage.clientWidth;
    const height = box ? box.height / state.zoom : stage.clientHeight;
    const limitX = (width * (state.zoom - 1)) / 2;
    const limitY = (height * (state.zoom - 1)) / 2;
    state.x = Math.max(-limitX, Math.min(limitX, state.x));
    state.y = Math.max(-limitY, Math.min(limitY, state.y));
  }

  // Zooms by factor keeping the point (cx, cy), relative to the stage's centre, where it is on the screen.
  function zoomBy(factor, cx = 0, cy = 0) {
    const zoom = Math.max(minZoom, Math.min(maxZoom, state.zoom * factor));
    const k = zoom / state.zoom;
    state.x = cx - (cx - state.x) * k;
    state.y = cy - (cy - state.y) * k;
    state.zoom = zoom;
    if (zoom === 1) {
      state.x = state.y = 0;
    }
    clampPan();
    apply();
  }

  function reset() {
    state.zoom = 1;
    state.x = state.y = 0;
    apply();
  }

  function centreOffset(event) {
    const rect = stage.getBoundingClientRect();
    return [event.clientX - rect.left - rect.width / 2, event.clientY - rect.top - rect.height / 2];
  }

  function sendWindow(final) {
    const drag = state.drag;
    if (!drag || drag.kind !== "window") {
      return;
    }
    clearTimeout(state.timer);
    const now = performance.now();
    if (!final && now - state.lastSent < windowDragInterval) {
      state.timer = setTimeout(() => sendWindow(false), windowDragInterval);
      return;
    }
    state.lastSent = now;
    page.invokeMethodAsync("DragWindow", drag.dx, drag.dy).catch(() => { });
  }

  const listeners = {
    wheel(event) {
      if (!fitted() || !picture()) {
        return;
      }
      event.preventDefault();
      const [cx, cy] = centreOffset(event);
      zoomBy(event.deltaY < 0 ? wheelStep : 1 / wheelStep, cx, cy);
    },
    pointerdown(event) {
      if (!picture() || (event.button !== 0 && event.button !== 2)) {
        return;
      }
      const windowing = event.button === 2 || event.shiftKey;
      if (windowing && stage.dataset.windowable !== "true") {
        return;
      }
      if (!windowing && (!fitted() || state.zoom === 1)) {
        return; // nothing to pan; a click still focuses the stage for the keys
      }
      event.preventDefault();
      stage.focus();
      stage.setPointerCapture(event.pointerId);
      state.drag = { kind: windowing ? "window" : "pan", startX: event.clientX, startY: event.clientY, x: state.x, y: state.y, dx: 0, dy: 0 };
      stage.classList.add(windowing ? "windowing" : "panning");
      if (windowing) {
        page.invokeMethodAsync("StartWindowDrag").catch(() => { });
      }
    },
    pointermove(event) {
      const drag = state.drag;
      if (!drag) {
        return;
      }
      drag.dx = event.clientX - drag.startX;
      drag.dy = event.clientY - drag.startY;
      if (drag.kind === "pan") {
        state.x = drag.x + drag.dx;
        state.y = drag.y + drag.dy;
        clampPan();
        apply();
      } else {
        sendWindow(false);
      }
    },
    pointerup(event) {
      if (!state.drag) {
        return;
      }
      if (state.drag.kind === "window") {
        sendWindow(true);
      }
      stage.releasePointerCapture?.(event.pointerId);
      stage.classList.remove("windowing", "panning");
      state.drag = null;
    },
    contextmenu(event) {
      if (picture()) {
        event.preventDefault(); // the right button adjusts the window
      }
    },
    dblclick() {
      reset();
    },
    keydown(event) {
      if (!fitted() || !picture() || event.ctrlKey || event.metaKey || event.altKey) {
        return;
      }
      if (event.key === "+" || event.key === "=") {
        zoomBy(wheelStep * wheelStep);
      } else if (event.key === "-") {
        zoomBy(1 / (wheelStep * wheelStep));
      } else if (event.key === "0") {
        reset();
      } else {
        return;
      }
      event.preventDefault();
    },
  };
  listeners.pointercancel = listeners.pointerup;

  for (const [name, listener] of Object.entries(listeners)) {
    stage.addEventListener(name, listener, { passive: name !== "wheel" && name !== "pointerdown" && name !== "contextmenu" && name !== "keydown" });
  }
  // A new picture (next image, frame, window) keeps the zoom: the transform sits on the element, which Blazor keeps,
  // but an element made anew (after a refusal, or the first picture) gets it here.
  const loaded = () => apply();
  stage.addEventListener("load", loaded, true);
  apply();

  return {
    zoomIn: () => zoomBy(wheelStep * wheelStep),
    zoomOut: () => zoomBy(1 / (wheelStep * wheelStep)),
    reset,
    dispose() {
      clearTimeout(state.timer);
      for (const [name, listener] of Object.entries(listeners)) {
        stage.removeEventListener(name, listener);
      }
      stage.removeEventListener("load", loaded, true);
    },
  };
}
