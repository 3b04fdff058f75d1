// Zoom and pan of the viewer's picture, done in the browser (the picture is not fetched again); the window dragged
// with the right mouse button or Shift + drag, and the wheel stepping through images, which the page turns into a new
// picture from the server; lengths measured on the picture.
//
// The picture is fitted to the stage by CSS; zoom scales it around its centre and pan moves it, both as one CSS
// transform. Zoom is kept while the user steps through images and frames, as a reader expects when comparing the same
// spot on neighbouring slices; the page resets it when another series is chosen.

const minZoom = 1;
const maxZoom = 16;
const wheelStep = 1.2;
const windowDragInterval = 80; // ms between window updates sent to the page while dragging

export function attach(stage, page) {
  const state = { zoom: 1, x: 0, y: 0, drag: null, lastSent: 0, timer: 0, wheel: 0 };
  const picture = () => stage.querySelector("img[data-viewer-image]");
  const fitted = () => !stage.classList.contains("actual-size");
  const measuring = () => stage.dataset.tool === "measure" && fitted();
  // Lengths measured, per picture (its address without the window), in image pixels: going back to an image shows them again.
  const measurements = new Map();
  const pictureKey = () => (picture()?.getAttribute("src") ?? "").split("?")[0];

  function apply() {
    const img = picture();
    if (img) {
      img.style.transform = state.zoom === 1 ? "" : `translate(${state.x}px, ${state.y}px) scale(${state.zoom})`;
      img.classList.toggle("zoomed", state.zoom > 1);
    }
    stage.dataset.zoom = String(Math.round(state.zoom * 100));
    draw();
    const label = stage.parentElement?.querySelector("[data-zoom-level]");
    if (label) {
      label.textContent = state.zoom === 1 ? "Fitted" : `Zoom ${Math.round(state.zoom * 100)}%`;
    }
  }

  // Where the picture's pixels are on the stage. The <img> box is laid out by CSS (object-fit: contain letterboxes the
  // picture in it), then scaled by the zoom around the box's centre and moved by the pan.
  function geometry() {
    const img = picture();
    if (!img || !img.naturalWidth || !fitted()) {
      return null;
    }
    const fit = Math.min(img.offsetWidth / img.naturalWidth, img.offsetHeight / img.naturalHeight);
    const originX = img.offsetLeft + (img.offsetWidth - img.naturalWidth * fit) / 2;
    const originY = img.offsetTop + (img.offsetHeight - img.naturalHeight * fit) / 2;
    const centreX = img.offsetLeft + img.offsetWidth / 2;
    const centreY = img.offsetTop + img.offsetHeight / 2;
    // Rendered pictures are full size; anything else is scaled back to the image's own columns and rows.
    const columns = Number(stage.dataset.columns) || img.naturalWidth;
    const rows = Number(stage.dataset.rows) || img.naturalHeight;
    const perColumn = img.naturalWidth / columns;
    const perRow = img.naturalHeight / rows;
    return {
      toStage: (column, row) => [
        centreX + (originX + column * perColumn * fit - centreX) * state.zoom + state.x,
        centreY + (originY + row * perRow * fit - centreY) * state.zoom + state.y,
      ],
      toImage: (x, y) => [
        ((x - state.x - centreX) / state.zoom + centreX - originX) / fit / perColumn,
        ((y - state.y - centreY) / state.zoom + centreY - originY) / fit / perRow,
      ],
    };
  }

  // A length in millimetres where the image says how large its pixels are (Pixel Spacing: rows, then columns), else in pixels.
  function length(line) {
    const [rowSpacing, columnSpacing] = (stage.dataset.pixelSpacing ?? "").split("\\").map(Number);
    const dx = line.x2 - line.x1;
    const dy = line.y2 - line.y1;
    if (rowSpacing > 0 && columnSpacing > 0) {
      return `${Math.hypot(dx * columnSpacing, dy * rowSpacing).toFixed(1)} mm`;
    }
    return `${Math.hypot(dx, dy).toFixed(1)} px`;
  }

  function draw() {
    const overlay = stage.querySelector("svg[data-measurements]"); // rendered empty by the page, drawn here
    if (!overlay) {
      return;
    }
    const where = geometry();
    const lines = where ? measurements.get(pictureKey()) ?? [] : [];
    const shown = state.drag?.kind === "measure" ? [...lines, state.drag.line] : lines;
    overlay.replaceChildren(...shown.flatMap(line => {
      const [x1, y1] = where.toStage(line.x1, line.y1);
      const [x2, y2] = where.toStage(line.x2, line.y2);
      const stroke = document.createElementNS(overlay.namespaceURI, "line");
      Object.entries({ x1, y1, x2, y2 }).forEach(([name, value]) => stroke.setAttribute(name, String(value)));
      const text = document.createElementNS(overlay.namespaceURI, "text");
      text.setAttribute("x", String(x2 + 8));
      text.setAttribute("y", String(y2 - 8));
      text.setAttribute("data-measurement", "");
      text.textContent = length(line);
      return [stroke, text];
    }));
  }

  function clearMeasurements() {
    measurements.delete(pictureKey());
    draw();
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
    // The wheel scrolls through the images (or a multi-frame image's frames), as in a reading room's viewer; with
    // Ctrl (and a trackpad's pinch, which the browser sends as Ctrl + wheel) it zooms around the pointer.
    wheel(event) {
      if (!picture() && !stage.querySelector("[data-viewer-refusal]")) {
        return;
      }
      if (event.ctrlKey) {
        event.preventDefault();
        if (fitted() && picture()) {
          const [cx, cy] = centreOffset(event);
          zoomBy(event.deltaY < 0 ? wheelStep : 1 / wheelStep, cx, cy);
        }
        return;
      }
      if (!fitted() && stage.scrollHeight > stage.clientHeight) {
        return; // actual size: the wheel scrolls the picture
      }
      event.preventDefault();
      // Lines or pages (deltaMode 1, 2) are one step each; pixels add up to a step per 100.
      state.wheel += (event.deltaMode === 0 ? event.deltaY / 100 : Math.sign(event.deltaY));
      const steps = Math.trunc(state.wheel);
      if (steps !== 0) {
        state.wheel -= steps;
        page.invokeMethodAsync("ScrollImages", steps).catch(() => { });
      }
    },
    pointerdown(event) {
      if (!picture() || (event.button !== 0 && event.button !== 2)) {
        return;
      }
      const windowing = event.button === 2 || event.shiftKey;
      if (windowing && stage.dataset.windowable !== "true") {
        return;
      }
      if (!windowing && measuring()) {
        const where = geometry();
        if (!where) {
          return;
        }
        event.preventDefault();
        stage.focus();
        stage.setPointerCapture(event.pointerId);
        const rect = stage.getBoundingClientRect();
        const [column, row] = where.toImage(event.clientX - rect.left, event.clientY - rect.top);
        state.drag = { kind: "measure", line: { x1: column, y1: row, x2: column, y2: row } };
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
      if (drag.kind === "measure") {
        const where = geometry();
        const rect = stage.getBoundingClientRect();
        if (where) {
          [drag.line.x2, drag.line.y2] = where.toImage(event.clientX - rect.left, event.clientY - rect.top);
          draw();
        }
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
      if (state.drag.kind === "measure") {
        const line = state.drag.line;
        if (Math.hypot(line.x2 - line.x1, line.y2 - line.y1) >= 1) {
          const key = pictureKey();
          measurements.set(key, [...(measurements.get(key) ?? []), line]);
        }
        state.drag = null;
        draw();
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
      } else if (event.key === "Escape" || event.key === "Delete") {
        clearMeasurements();
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
  const resized = new ResizeObserver(() => draw());
  resized.observe(stage);
  apply();

  return {
    zoomIn: () => zoomBy(wheelStep * wheelStep),
    zoomOut: () => zoomBy(1 / (wheelStep * wheelStep)),
    reset,
    clearMeasurements,
    dispose() {
      clearTimeout(state.timer);
      resized.disconnect();
      for (const [name, listener] of Object.entries(listeners)) {
        stage.removeEventListener(name, listener);
      }
      stage.removeEventListener("load", loaded, true);
    },
  };
}
