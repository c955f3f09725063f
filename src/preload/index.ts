/**
 * Preload: the renderer's only door to main. One method per contract channel (design.md
 * "Conventions"); filled in by the console shell issue.
 */
export {};
