export function startInactivityTimer() {}
