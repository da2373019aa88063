package io.botdelivery.example.config;

import io.botdelivery.api.InvalidDeliveryException;
import io.botdelivery.api.MediaSource;

import java.nio.file.Path;

/**
 * How configuration and command lines name a media file: {@code file-id:<Telegram file_id>} for a file Telegram
 * already has, an {@code http(s)://} URL that Telegram downloads itself, or a file path (relative to {@code base})
 * that the bot uploads.
 */
public final class MediaReference {
    public static final String HINT = "a file path, an http(s):// URL, or file-id:<Telegram file_id>";
    private static final String FILE_ID = "file-id:";

    private MediaReference() {
    }

    /** @throws InvalidDeliveryException if the reference names no usable file */
    public static MediaSource parse(String reference, Path base) {
        String ref = reference.strip();
        if (ref.startsWith(FILE_ID)) {
            return MediaSource.fileId(ref.substring(FILE_ID.length()));
        }
        if (ref.startsWith("http://") || ref.startsWith("https://")) {
            return MediaSource.url(ref);
        }
        return MediaSource.file(base.resolve(ref));
    }
}
