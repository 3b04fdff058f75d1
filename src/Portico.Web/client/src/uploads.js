export function startUploads() {}
