// Registers the jobs functions with the Functions host (written with the Functions issue).
export {};
