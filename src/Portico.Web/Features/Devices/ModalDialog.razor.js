// Opens and closes a native <dialog> for ModalDialog.razor (Blazor has no API for showModal).
export function showDialog(dialog) {
  if (!dialog.open) {
    dialog.showModal();
  }
}

export function closeDialog(dialog) {
  if (dialog.open) {
    dialog.close();
  }
}
