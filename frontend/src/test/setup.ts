// Vitest set-up shared by component tests.
export {};
