package io.botdelivery.example.config;

import io.botdelivery.api.Redaction;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns {@link LayeredSettings} text into typed values, collecting a problem per bad value instead of stopping at the
 * first, so one start-up attempt shows everything to fix. Each problem names the key, where its value came from, what
 * was given and what is expected.
 */
final class SettingsReader {
    private final LayeredSettings settings;
    private final List<String> problems = new ArrayList<>();

    SettingsReader(LayeredSettings settings) {
        this.settings = settings;
    }

    List<String> problems() {
        return problems;
    }

    void problem(String message) {
        problems.add(message);
    }

    Optional<Setting> optional(String key) {
        return settings.get(key).filter(s -> !s.value().isBlank());
    }

    String string(String key, String expected) {
        Optional<Setting> s = optional(key);
        if (s.isEmpty()) {
            problems.add(key + ": missing; expected " + expected);
            return null;
        }
        return s.get().value().trim();
    }

    int intIn(String key, int min, int max) {
        Optional<Setting> s = optional(key);
        if (s.isEmpty()) {
            problems.add(key + ": missing; expected a whole number from " + min + " to " + max);
            return min;
        }
        try {
            int v = Integer.parseInt(s.get().value().trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the same message as an out-of-range number
        }
        problems.add(bad(s.get(), "a whole number from " + min + " to " + max));
        return min;
    }

    <E extends Enum<E>> E choice(String key, Class<E> type) {
        String expected = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(" or "));
        Optional<Setting> s = optional(key);
        if (s.isEmpty()) {
            problems.add(key + ": missing; expected " + expected);
            return type.getEnumConstants()[0];
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(s.get().value().trim())) {
                return e;
            }
        }
        problems.add(bad(s.get(), expected));
        return type.getEnumConstants()[0];
    }

    Set<Long> longSet(String key, String expected) {
        Set<Long> out = new LinkedHashSet<>();
        Optional<Setting> s = optional(key);
        if (s.isEmpty()) {
            return out;
        }
        for (String part : s.get().value().split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                long v = Long.parseLong(part.trim());
                if (v > 0) {
                    out.add(v);
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add(bad(s.get(), expected));
            return Set.of();
        }
        return out;
    }

    URI uri(String key, Set<String> schemes, boolean allowPath, String example) {
        String text = string(key, "a URL such as " + example);
        if (text == null) {
            return null;
        }
        Setting s = settings.get(key).orElseThrow();
        String expected = "a URL with scheme " + String.join(" or ", schemes) + (allowPath ? "" : " and no path")
                + ", such as " + example;
        try {
            URI uri = new URI(text);
            boolean pathOk = allowPath || uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/");
            if (uri.getScheme() != null && schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))
                    && uri.getHost() != null && pathOk) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(bad(s, expected));
        return null;
    }

    /** A readable, non-empty file named by {@code key}, relative to the config file's directory; empty if unset. */
    Optional<Path> readableFile(String key) {
        Optional<Setting> s = optional(key);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        Path p = settings.baseDirectory().resolve(s.get().value().trim());
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            problems.add(bad(s.get(), "a readable file (resolved to " + p + ")"));
            return Optional.empty();
        }
        return Optional.of(p);
    }

    Path resolve(String relative) {
        return settings.baseDirectory().resolve(relative);
    }

    static String bad(Setting s, String expected) {
        return s.key() + ": expected " + expected + ", got '" + Redaction.redact(s.value()) + "' (from " + s.source() + ")";
    }
}
