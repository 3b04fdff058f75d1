// Opens and closes the native <dialog> of ModalDialog.razor.
export function showModal(dialog) {
  if (!dialog.open) {
    dialog.showModal();
  }
}

export function close(dialog) {
  if (dialog.open) {
    dialog.close();
  }
}
