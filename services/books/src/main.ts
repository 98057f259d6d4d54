/**
 * services/books — the BookGen system: outline and chapter generation, validation and
 * export (Markdown, Word, PDF) on their own queues. Placeholder entry; the generation
 * and export workers land next.
 */
export {};
