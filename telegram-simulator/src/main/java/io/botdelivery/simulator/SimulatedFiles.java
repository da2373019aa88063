package io.botdelivery.simulator;

import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The files the simulated Telegram holds: every upload or URL gets a fresh {@code file_id}; tests can make ids stale
 * ({@link #forget}) to see a sender fall back to the original source, or make URLs unreachable. Thread-safe.
 */
public final class SimulatedFiles {

    /** A file the simulator knows. */
    public record StoredFile(String fileId, String fileUniqueId, String kind, long size, String fileName, String path) {
    }

    private final Map<String, StoredFile> files = new ConcurrentHashMap<>();
    private final Set<String> forgotten = ConcurrentHashMap.newKeySet();
    private final Set<String> failingUrls = ConcurrentHashMap.newKeySet();
    private final AtomicLong counter = new AtomicLong();
    private final SecureRandom random = new SecureRandom();

    /** Makes a file id stale: sends using it answer 400 "wrong file identifier/HTTP URL specified". */
    public void forget(String fileId) {
        forgotten.add(fileId);
        files.remove(fileId);
    }

    /** Makes every file id issued so far stale (as after Telegram re-keyed its storage). */
    public void forgetAll() {
        forgotten.addAll(files.keySet());
        files.clear();
    }

    /** Whether a send may use this file id. */
    public boolean knows(String fileId) {
        return files.containsKey(fileId);
    }

    /** Sends by this URL answer 400 "failed to get HTTP URL content". */
    public void failUrl(String url) {
        failingUrls.add(url);
    }

    /** How many file ids are valid. */
    public int count() {
        return files.size();
    }

    public Optional<StoredFile> find(String fileId) {
        return Optional.ofNullable(files.get(fileId));
    }

    StoredFile register(String kind, long size, String fileName) {
        long n = counter.incrementAndGet();
        String fileId = "SIM" + kind.charAt(0) + n + "_" + token(24);
        String extension = fileName != null && fileName.contains(".") ? fileName.substring(fileName.lastIndexOf('.')) : "";
        StoredFile file = new StoredFile(fileId, "U" + n + token(6), kind, size, fileName,
                kind + "s/file_" + n + extension);
        files.put(fileId, file);
        return file;
    }

    /**
     * The file a send names by id.
     *
     * @throws BotApiError 400 "wrong file identifier/HTTP URL specified" for unknown or forgotten ids
     */
    StoredFile byId(String fileId) {
        StoredFile file = files.get(fileId);
        if (file == null) {
            throw BotApiError.badRequest("wrong file identifier/HTTP URL specified");
        }
        return file;
    }

    /**
     * Fetches a file by URL (pretend), as Telegram does.
     *
     * @throws BotApiError 400 "failed to get HTTP URL content" for URLs marked failing
     */
    StoredFile byUrl(String kind, String url) {
        checkUrl(url);
        String name = url.substring(url.lastIndexOf('/') + 1);
        return register(kind, 1024, name.isEmpty() ? null : name);
    }

    /** @throws BotApiError 400 "failed to get HTTP URL content" for URLs marked failing */
    void checkUrl(String url) {
        if (failingUrls.contains(url)) {
            throw BotApiError.badRequest("failed to get HTTP URL content");
        }
    }

    private String token(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
