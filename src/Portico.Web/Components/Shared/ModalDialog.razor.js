// Shows and closes the native <dialog> of ModalDialog.razor (Blazor has no API for showModal). A menu left open
// behind the dialog (the + menu that opened it) is closed first.
export function show(dialog) {
  document.querySelectorAll("details.menu[open]").forEach(menu => { menu.open = false; });
  if (dialog && !dialog.open) {
    dialog.showModal();
  }
}

export function close(dialog) {
  if (dialog && dialog.open) {
    dialog.close();
  }
}
