package io.botdelivery.sender.telegram;

import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;

import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers the {@code file_id} Telegram gave an upload, so later deliveries of the same file send the id instead of
 * the bytes. Bounded (least recently used entries go first). Keys are the media kind plus a digest of the bytes, or the
 * file's path, size and modification time, so a changed file is uploaded again. Only uploads are cached: a URL's
 * content may change, and a file id needs no cache. Thread-safe.
 */
final class FileIdCache {

    /** What identifies an upload. */
    record Key(Payload.MediaKind kind, String identity) {
    }

    private final int maxEntries;
    private final Map<Key, String> ids;

    FileIdCache(int maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must not be negative");
        }
        this.maxEntries = maxEntries;
        this.ids = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, String> eldest) {
                return size() > FileIdCache.this.maxEntries;
            }
        };
    }

    /** The cache key of an upload, or empty for sources Telegram fetches or already has. */
    static Optional<Key> keyOf(Payload.MediaKind kind, MediaSource source) {
        if (source instanceof MediaSource.Bytes bytes) {
            return Optional.of(new Key(kind, "bytes:" + sha256(bytes.content()) + ":" + bytes.fileName()));
        }
        if (source instanceof MediaSource.File file) {
            try {
                return Optional.of(new Key(kind, "file:" + file.path().toAbsolutePath().normalize() + ":"
                        + Files.size(file.path()) + ":" + Files.getLastModifiedTime(file.path()).toMillis()));
            } catch (IOException e) {
                return Optional.empty(); // unreadable now: the upload itself will report it
            }
        }
        return Optional.empty();
    }

    synchronized Optional<String> get(Key key) {
        return Optional.ofNullable(ids.get(key));
    }

    synchronized void put(Key key, String fileId) {
        if (maxEntries > 0) {
            ids.put(key, fileId);
        }
    }

    /** Forgets a key whose id Telegram no longer knows. */
    synchronized void drop(Key key) {
        ids.remove(key);
    }

    synchronized int size() {
        return ids.size();
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
