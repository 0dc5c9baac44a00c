// Registers the sync functions with the Functions host (written with the Functions issue).
export {};
