/** The dead-letter store's import of the one-shot SHA-256; the content hash of events lives with both event stores. */
export { sha256Hex } from '../event-store/content-hash';
