// The native modal dialog's own behaviour (focus kept inside, Escape, backdrop) for ModalDialog.razor.
export function show(dialog) {
    if (dialog && !dialog.open) {
        dialog.showModal();
    }
}

export function close(dialog) {
    if (dialog && dialog.open) {
        dialog.close();
    }
}
