package io.botdelivery.bench.scenario;

/** What a {@link WorkItem} sends. Uploads reuse a few shared files, so the sender's file_id cache is exercised too. */
public enum WorkKind {
    /** A text message. */
    TEXT,
    /** A photo uploaded from bytes (a product picture). */
    PHOTO_UPLOAD,
    /** A document uploaded from bytes (a purchased file). */
    DOCUMENT_UPLOAD,
    /** An album of uploaded photos, each item captioned with its own identity. */
    ALBUM
}
