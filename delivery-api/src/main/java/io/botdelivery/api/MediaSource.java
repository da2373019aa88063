package io.botdelivery.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a media file comes from: a Telegram {@code file_id}, a URL Telegram downloads itself, or an upload of bytes or
 * of a file on disk.
 */
public sealed interface MediaSource permits MediaSource.FileId, MediaSource.Url, MediaSource.Bytes, MediaSource.File {

    /** Telegram's upload limit for bots: 50 MB. */
    long MAX_UPLOAD_BYTES = 50L * 1024 * 1024;
    /** Telegram's limit for photos: 10 MB. */
    long MAX_PHOTO_UPLOAD_BYTES = 10L * 1024 * 1024;

    static FileId fileId(String id) {
        return new FileId(id);
    }

    static Url url(String url) {
        return new Url(url);
    }

    static Bytes bytes(String fileName, byte[] content) {
        return new Bytes(fileName, content);
    }

    static File file(Path path) {
        return new File(path, path.getFileName().toString());
    }

    /** A file Telegram already has. */
    record FileId(String id) implements MediaSource {
        public FileId {
            InvalidDeliveryException.required(id, "source.fileId");
            InvalidDeliveryException.check(!id.isBlank(), "source.fileId", "must not be blank");
        }
    }

    /** An http(s) URL Telegram fetches itself (20 MB, photos 5 MB; Telegram checks, not us). */
    record Url(String url) implements MediaSource {
        public Url {
            InvalidDeliveryException.required(url, "source.url");
            InvalidDeliveryException.check(url.startsWith("http://") || url.startsWith("https://"),
                    "source.url", "must start with http:// or https://");
        }
    }

    /** An upload of bytes held in memory. The array is copied. */
    record Bytes(String fileName, byte[] content) implements MediaSource {
        public Bytes {
            InvalidDeliveryException.required(fileName, "source.fileName");
            InvalidDeliveryException.check(!fileName.isBlank(), "source.fileName", "must not be blank");
            InvalidDeliveryException.required(content, "source.content");
            InvalidDeliveryException.check(content.length > 0, "source.content", "must not be empty");
            InvalidDeliveryException.check(content.length <= MAX_UPLOAD_BYTES, "source.content", "at most 50 MB (Telegram's upload limit)");
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }

        public long size() {
            return content.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && b.fileName.equals(fileName) && Arrays.equals(b.content, content);
        }

        @Override
        public int hashCode() {
            return fileName.hashCode() * 31 + Arrays.hashCode(content);
        }

        @Override
        public String toString() {
            return "Bytes[" + fileName + ", " + content.length + " bytes]";
        }
    }

    /** An upload of a file on disk, read when it is sent. It must exist and be readable when submitted. */
    record File(Path path, String fileName) implements MediaSource {
        public File {
            InvalidDeliveryException.required(path, "source.path");
            InvalidDeliveryException.required(fileName, "source.fileName");
            InvalidDeliveryException.check(Files.isRegularFile(path) && Files.isReadable(path), "source.path",
                    "must be a readable file: " + path);
            InvalidDeliveryException.check(size(path) > 0, "source.path", "must not be empty: " + path);
            InvalidDeliveryException.check(size(path) <= MAX_UPLOAD_BYTES, "source.path", "at most 50 MB (Telegram's upload limit): " + path);
        }

        public long size() {
            return size(path);
        }

        private static long size(Path path) {
            try {
                return Files.size(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The size of an upload in bytes, or -1 when Telegram fetches or already has the file. */
    default long uploadSize() {
        if (this instanceof Bytes b) {
            return b.size();
        }
        if (this instanceof File f) {
            return f.size();
        }
        return -1;
    }
}
