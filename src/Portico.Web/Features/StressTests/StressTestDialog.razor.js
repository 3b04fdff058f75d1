// Opens and closes the stress-test dialog as a modal <dialog> (focus trapped, Escape closes).
export function show(dialog) {
  document.querySelectorAll("details.menu[open]").forEach(menu => { menu.open = false; });
  if (!dialog.open) {
    dialog.showModal();
  }
}

export function close(dialog) {
  if (dialog.open) {
    dialog.close();
  }
}
